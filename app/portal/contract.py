"""Constants and pure functions of the portal contract (``resources/portal-api.yaml``).

No third-party imports: the sync client may import these (payload hash, record types, codes) without the
``portal`` extra.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

API_VERSION = "1.0.0"
SERVER_NAME = "labsync-reference-portal"

CLASSIFICATION_OF: dict[str, str] = {
    "chemical_inventory": "OSHA_INVENTORY",
    "equipment": "NSF_EQUIPMENT",
    "waste_manifest": "EPA_WASTE",
    "cost_share": "NSF_FINANCIAL",
    "attestation": "NIH_ATTESTATION",
}
RECORD_TYPES: tuple[str, ...] = tuple(CLASSIFICATION_OF)
PI_ONLY_RECORD_TYPES: frozenset[str] = frozenset({"attestation"})

SCOPE_WRITE = "records:write"
SCOPE_READ = "records:read"
SCOPE_REFERENCE = "reference:read"
ALL_SCOPES: tuple[str, ...] = (SCOPE_WRITE, SCOPE_READ, SCOPE_REFERENCE)

ROLE_PI = "pi"
ALL_LABS = "*"

GRANT_CLIENT_CREDENTIALS = "client_credentials"
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_REFRESH_TOKEN = "refresh_token"  # noqa: S105 - a grant type name, not a secret
GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"

MAX_BATCH_RECORDS = 500
MAX_KEY_LENGTH = 255

# Record-level statuses of a batch result.
ACCEPTED = "accepted"
DUPLICATE = "duplicate"
REJECTED = "rejected"

# Portal-only violation codes (the rest are app.validation's codes).
LAB_SCOPE_DENIED = "LAB_SCOPE_DENIED"
PI_ROLE_REQUIRED = "PI_ROLE_REQUIRED"
RECORD_TYPE_NOT_ALLOWED = "RECORD_TYPE_NOT_ALLOWED"
CLASSIFICATION_MISMATCH = "CLASSIFICATION_MISMATCH"
IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
PAYLOAD_HASH_MISMATCH = "PAYLOAD_HASH_MISMATCH"
PAYLOAD_INVALID = "PAYLOAD_INVALID"

# Review defaults applied when a record is persisted (the institution reviews them later).
REVIEW_DEFAULTS: dict[str, dict[str, Any]] = {
    "chemical_inventory": {"hazcom_verified": False},
    "waste_manifest": {"manifest_status": "PENDING_REVIEW"},
}


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8 (non-ASCII kept)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def payload_hash(payload: Any) -> str:
    """The contract's ``payload_hash``: lowercase hex SHA-256 of the canonical JSON of ``payload``."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def parse_idempotency_key(header: str) -> str | None:
    """The key of an ``Idempotency-Key`` header (an sf-string ``"..."``; a bare token is accepted too).

    Returns None when malformed: empty, longer than 255, or holding characters outside visible ASCII
    (``"`` and ``\\`` are not allowed inside the key).
    """
    value = header.strip()
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        value = value[1:-1]
    if not 1 <= len(value) <= MAX_KEY_LENGTH:
        return None
    if any(not (0x21 <= ord(ch) <= 0x7E) or ch in '"\\' for ch in value):
        return None
    return value


def format_idempotency_key(key: str) -> str:
    """The header value for ``key`` (an sf-string)."""
    return f'"{key}"'
