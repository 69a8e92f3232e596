"""TLS for the portal connection: one ``ssl.SSLContext`` handed to httpx as ``verify=``.

- Verification is always on: against the system trust store or a configured CA bundle (LABSYNC_CA_BUNDLE).
- TLS 1.3 is the minimum by default; an institution whose portal still speaks only TLS 1.2 sets
  ``min_tls_version = "1.2"`` explicitly.
- A client certificate chain (mutual TLS, RFC 8705) is loaded when configured.
- Proxies come from the environment (``HTTPS_PROXY``/``NO_PROXY``): the httpx client has ``trust_env=True``.
"""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from app.errors import ConfigError
from app.sync.errors import TLSRefused

_VERSIONS = {
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


@dataclass(frozen=True)
class TLSConfig:
    ca_bundle: Path | None = None
    min_version: str = "1.3"
    client_cert: Path | None = None
    client_key: Path | None = None
    # The password of an encrypted client key is a secret: not shown in repr.
    client_key_password: str | None = None

    def __repr__(self) -> str:
        return (
            f"TLSConfig(ca_bundle={self.ca_bundle!r}, min_version={self.min_version!r}, "
            f"client_cert={self.client_cert!r}, client_key={self.client_key!r})"
        )


def build_ssl_context(config: TLSConfig) -> ssl.SSLContext:
    """A verifying client context for ``config``; raises ``ConfigError`` naming what is wrong."""
    if config.min_version not in _VERSIONS:
        raise ConfigError(f"min_tls_version: {config.min_version!r} is not one of {', '.join(_VERSIONS)}")
    try:
        if config.ca_bundle is not None:
            if not config.ca_bundle.is_file():
                raise ConfigError(f"LABSYNC_CA_BUNDLE: {config.ca_bundle} is not a readable file")
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(config.ca_bundle))
        else:
            context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    except ssl.SSLError as exc:
        raise ConfigError(
            f"LABSYNC_CA_BUNDLE: {config.ca_bundle}: not a PEM CA bundle ({exc.reason})"
        ) from None
    context.minimum_version = _VERSIONS[config.min_version]
    context.check_hostname = True
    context.verify_mode = ssl.CERT_REQUIRED
    if config.client_cert is not None:
        try:
            context.load_cert_chain(
                certfile=str(config.client_cert),
                keyfile=str(config.client_key) if config.client_key is not None else None,
                password=config.client_key_password,
            )
        except (OSError, ssl.SSLError) as exc:
            # The message names the files, never the password.
            raise ConfigError(
                f"client certificate {config.client_cert}: cannot load ({type(exc).__name__})"
            ) from None
    elif config.client_key is not None:
        raise ConfigError("client_key is set without client_cert")
    return context


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host in {"127.0.0.1", "::1", "localhost"} or host.startswith("127.")


def check_portal_url(url: str, *, allow_insecure: bool = False) -> str:
    """The portal URL without a trailing slash. Plain ``http://`` only on loopback (the demo portal)."""
    parts = urlsplit(url)
    if parts.scheme not in {"https", "http"} or not parts.hostname:
        raise ConfigError(f"LABSYNC_PORTAL_URL: {url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback_url(url) and not allow_insecure:
        raise ConfigError(f"LABSYNC_PORTAL_URL: {url!r}: plain http is only allowed on loopback; use https")
    return url.rstrip("/")


def raise_if_tls_failure(exc: httpx.TransportError, portal: str) -> None:
    """A failed TLS handshake is a configuration matter (CA bundle, TLS version, client certificate), not an
    outage: say so at once instead of retrying. A connection dropped after the handshake stays transient."""
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    for err in chain:
        if isinstance(err, ssl.SSLError) and _certificate_required(err):
            # TLS 1.3 sends this alert after the client finished its handshake, so it arrives on the first
            # read (a ReadError, not a ConnectError): still a configuration matter, never an outage
            raise TLSRefused(
                f"the portal at {portal} requires a client certificate (mutual TLS): "
                "set client_cert (and client_key) in the configuration"
            ) from None
        if isinstance(err, ssl.SSLCertVerificationError):
            raise TLSRefused(
                f"cannot verify the portal's certificate at {portal} ({err.verify_message}): "
                "set LABSYNC_CA_BUNDLE to the portal's CA"
            ) from None
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and server_requires_client_certificate(
        portal
    ):
        # a server that does not send the alert (asyncio servers such as uvicorn just close the connection)
        raise TLSRefused(
            f"the portal at {portal} requires a client certificate (mutual TLS) and closed the connection: "
            "set client_cert (and client_key) to a certificate it trusts"
        ) from None
    if isinstance(exc, httpx.ConnectError) and any(isinstance(err, ssl.SSLError) for err in chain):
        reason = next((str(getattr(e, "reason", "") or e) for e in chain if isinstance(e, ssl.SSLError)), "")
        raise TLSRefused(
            f"TLS handshake with {portal} failed ({reason}): the portal may not offer TLS 1.3 "
            "(min_tls_version), or it requires a client certificate"
        ) from None


def _certificate_required(err: ssl.SSLError) -> bool:
    """The server's TLS alert 116 "certificate required" (RFC 8446), or TLS 1.2's handshake refusal of a
    missing client certificate as OpenSSL names it."""
    text = f"{getattr(err, 'reason', '') or ''} {err}".upper().replace(" ", "_")
    return (
        "CERTIFICATE_REQUIRED" in text or "PEER_DID_NOT_RETURN_A_CERTIFICATE" in text or "ALERT_116" in text
    )


def server_requires_client_certificate(url: str, *, timeout: float = 3.0) -> bool:
    """Whether the server at ``url`` asks for a client certificate (a CertificateRequest in its handshake).

    Used only after a connection was closed without an answer, to tell "mutual TLS required" from an outage.
    The probe completes a handshake and sends nothing (no request, no credentials), so it does not need to
    verify the server. False when it cannot tell (plain http, unreachable, no handshake message hook)."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return False
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # a handshake probe; nothing is sent over it
    if not hasattr(context, "_msg_callback"):
        return False
    seen: list[object] = []

    def on_message(
        conn: object, direction: str, version: object, kind: object, msg: object, data: object
    ) -> None:
        if direction == "read" and msg == ssl._TLSMessageType.CERTIFICATE_REQUEST:  # type: ignore[attr-defined]
            seen.append(msg)

    context._msg_callback = on_message
    try:
        with (
            socket.create_connection((parts.hostname, parts.port or 443), timeout=timeout) as raw,
            context.wrap_socket(raw, server_hostname=parts.hostname),
        ):
            pass
    except (OSError, ssl.SSLError):
        pass
    return bool(seen)
