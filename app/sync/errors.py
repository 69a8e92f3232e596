"""Errors of the sync client (all under ``app.errors.SyncError``).

SyncError
 +-- AuthError          credentials missing, refused or expired beyond refresh: exit 2 (the user must act)
 +-- PortalUnavailable  the portal cannot be reached now (offline, 5xx, circuit open): exit 1, work stays
 +-- ProtocolError      the portal answered something the contract does not allow: exit 2
 +-- TLSRefused         the TLS handshake failed (certificate, TLS version): exit 2, a configuration matter
"""

from __future__ import annotations

from app.errors import EXIT_USAGE, EXIT_VIOLATIONS, SyncError


class AuthError(SyncError):
    exit_code = EXIT_USAGE


class PortalUnavailable(SyncError):
    exit_code = EXIT_VIOLATIONS


class ProtocolError(SyncError):
    exit_code = EXIT_USAGE


class TLSRefused(SyncError):
    exit_code = EXIT_USAGE
