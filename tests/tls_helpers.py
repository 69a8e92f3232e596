"""Shared TLS test helpers: a throwaway CA, a loopback server certificate, client certificates, SSL contexts.

Used by the portal tests and the sync client tests (real TLS on 127.0.0.1, certificates created per test)::

    pki = make_pki(tmp_path)          # CA + server cert for 127.0.0.1/localhost/::1 + one client cert
    portal = start_portal(db, **pki.server_tls())                # see app.portal.run
    portal = start_portal(db, **pki.server_tls(client_ca=True))  # mTLS required
    ctx = pki.client_context()        # verifies the server against the CA, TLS 1.3 minimum
    ctx = pki.client_context(with_client_cert=True)  # ... and presents the client certificate (mTLS)
    ctx = tls12_only_client_context(pki.ca_bundle)   # a client that cannot speak TLS 1.3
    ctx = server_context(pki.server, maximum=ssl.TLSVersion.TLSv1_2, minimum=ssl.TLSVersion.TLSv1_2)

Everything here is built on ``app.portal.certs`` (the `cryptography` package), so ``--tls-self-signed`` and
the tests make certificates the same way.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from app.portal.certs import LOOPBACK_NAMES, CertificateAuthority, Issued, create_ca

__all__ = [
    "LOOPBACK_NAMES",
    "CertificateAuthority",
    "Issued",
    "Pki",
    "client_context",
    "create_ca",
    "make_pki",
    "server_context",
    "tls12_only_client_context",
]


@dataclass(frozen=True)
class Pki:
    """A CA with a loopback server certificate and a client certificate, all under one directory."""

    directory: Path
    ca: CertificateAuthority
    server: Issued
    client: Issued

    @property
    def ca_bundle(self) -> Path:
        return self.ca.bundle

    def server_tls(self, *, client_ca: bool = False) -> dict[str, Path]:
        """Keyword arguments for ``app.portal.run.start_portal``: tls_cert, tls_key [, client_ca]."""
        args: dict[str, Path] = {"tls_cert": self.server.cert, "tls_key": self.server.key}
        if client_ca:
            args["client_ca"] = self.ca.bundle
        return args

    def client_context(
        self, *, with_client_cert: bool = False, minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3
    ) -> ssl.SSLContext:
        return client_context(self.ca.bundle, self.client if with_client_cert else None, minimum=minimum)


def make_pki(directory: Path, *, client_name: str = "labsync-client") -> Pki:
    """Create a CA, a server certificate for localhost/127.0.0.1/::1 and a client certificate."""
    ca = create_ca(directory)
    server = ca.issue_server(directory)
    client = ca.issue_client(directory, client_name)
    return Pki(directory=directory, ca=ca, server=server, client=client)


def client_context(
    ca_bundle: Path,
    client: Issued | None = None,
    *,
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    maximum: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """An SSLContext for httpx's ``verify=``: trusts ``ca_bundle``; optional client cert; TLS bounds."""
    ctx = ssl.create_default_context(cafile=str(ca_bundle))
    ctx.minimum_version = minimum
    if maximum is not None:
        ctx.maximum_version = maximum
    if client is not None:
        ctx.load_cert_chain(str(client.cert), str(client.key))
    return ctx


def tls12_only_client_context(ca_bundle: Path) -> ssl.SSLContext:
    """A client that speaks TLS 1.2 only (refused by a portal that requires TLS 1.3)."""
    return client_context(ca_bundle, minimum=ssl.TLSVersion.TLSv1_2, maximum=ssl.TLSVersion.TLSv1_2)


def server_context(
    server: Issued,
    *,
    client_ca: Path | None = None,
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    maximum: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """A server-side context, e.g. for a TLS 1.2-only test server (``minimum=maximum=TLSv1_2``).

    The portal's own builder, so tests exercise the same TLS settings the reference portal serves with.
    """
    from app.portal.run import build_server_ssl_context

    return build_server_ssl_context(
        server.cert, server.key, client_ca=client_ca, minimum=minimum, maximum=maximum
    )
