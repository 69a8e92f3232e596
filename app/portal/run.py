"""Run the reference portal: in-process on a background thread (GUI demo, tests) or in the foreground (CLI).

Reference implementation of ``resources/portal-api.yaml``, not a production portal.

    portal = start_portal(tmp / "portal.db", tls_self_signed=True)
    portal.url, portal.client_id, portal.client_secret, portal.ca_bundle
    ...
    portal.stop()

``start_portal`` returns once the server accepts connections. Port 0 picks a free port (the socket is bound
before the server starts, so the port is known and there is no race).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import logging
import shlex
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from app.portal.certs import LOOPBACK_NAMES, create_ca
from app.portal.checks import RecordChecker
from app.portal.faults import DEFAULT_FAULT_WEIGHTS, FaultInjector, RateLimiter
from app.portal.seed import DEMO_CLIENT_ID, seed_demo_data
from app.portal.server import Portal, PortalConfig, create_app
from app.portal.store import PortalStore

log = logging.getLogger(__name__)


def build_server_ssl_context(
    cert: Path,
    key: Path,
    *,
    client_ca: Path | None = None,
    minimum: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    maximum: ssl.TLSVersion | None = None,
) -> ssl.SSLContext:
    """TLS 1.3 only by default; with ``client_ca`` a client certificate signed by it is REQUIRED (mTLS)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = minimum
    if maximum is not None:
        ctx.maximum_version = maximum
    ctx.load_cert_chain(str(cert), str(key))
    if client_ca is not None:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(cafile=str(client_ca))
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx


@dataclass
class RunningPortal:
    """A portal serving on a background thread."""

    url: str
    host: str
    port: int
    db_path: Path
    client_id: str
    client_secret: str
    ca_bundle: Path | None  # set when the portal generated its own certificate (tls_self_signed)
    portal: Portal
    store: PortalStore
    faults: FaultInjector | None
    _server: uvicorn.Server = field(repr=False)
    _thread: threading.Thread = field(repr=False)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def secret_of(self, subject: str) -> str | None:
        """The demo secret of a seeded client id, or ``user:<name>`` for a demo user's password."""
        return self.store.demo_secret(subject)

    def env_lines(self) -> list[str]:
        """The shell-sourceable lines ``labsync portal serve`` prints once ready."""
        lines = [
            f"LABSYNC_PORTAL_URL={shlex.quote(self.url)}",
            f"LABSYNC_CLIENT_ID={shlex.quote(self.client_id)}",
            f"LABSYNC_CLIENT_SECRET={shlex.quote(self.client_secret)}",
        ]
        if self.ca_bundle is not None:
            lines.append(f"LABSYNC_CA_BUNDLE={shlex.quote(str(self.ca_bundle))}")
        return lines

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving: finish in-flight requests for up to a second, then close every connection."""
        self._server.should_exit = True
        self._thread.join(min(1.0, timeout))
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self.store.close()

    def __enter__(self) -> RunningPortal:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            family = socket.AF_INET6
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def _url_host(host: str) -> str:
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    return host


def self_signed_tls(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """A CA and a server certificate for ``host`` and the loopback names: (cert, key, ca_bundle).

    A restart reuses the ones already in ``directory`` while they are valid for another day and cover
    ``host``, so clients configured with ``LABSYNC_CA_BUNDLE`` keep trusting a restarted portal.
    """
    names = tuple(dict.fromkeys((host, *LOOPBACK_NAMES)))
    cert, key, bundle = directory / "server.pem", directory / "server.key", directory / "ca.pem"
    if _reusable(cert, key, bundle, names):
        return cert, key, bundle
    ca = create_ca(directory, "LabSync reference portal CA")
    server = ca.issue_server(directory, names)
    return server.cert, server.key, ca.bundle


def _reusable(cert: Path, key: Path, bundle: Path, names: tuple[str, ...]) -> bool:
    from cryptography import x509

    try:
        server = x509.load_pem_x509_certificate(cert.read_bytes())
        ca = x509.load_pem_x509_certificate(bundle.read_bytes())
        if not key.is_file():
            return False
        alt = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return False
    covered = {str(n) for n in alt.get_values_for_type(x509.DNSName)}
    covered |= {str(ip) for ip in alt.get_values_for_type(x509.IPAddress)}
    fresh = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    return (
        server.issuer == ca.subject
        and server.not_valid_after_utc > fresh
        and ca.not_valid_after_utc > fresh
        and all(str(ipaddress.ip_address(n)) in covered if _is_ip(n) else n in covered for n in names)
    )


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def start_portal(
    db_path: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    tls_cert: Path | None = None,
    tls_key: Path | None = None,
    client_ca: Path | None = None,
    tls_self_signed: bool = False,
    tls_dir: Path | None = None,
    tls_min_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_3,
    tls_max_version: ssl.TLSVersion | None = None,
    rate_limit: float | None = None,
    fault_rate: float = 0.0,
    fault_seed: int | None = None,
    fault_weights: Mapping[str, float] | None = None,
    fault_slow_seconds: float = 0.3,
    fault_hang_seconds: float = 5.0,
    policy_file: Path | None = None,
    checker: RecordChecker | None = None,
    as_of: dt.date | None = None,
    options: Mapping[str, Any] | None = None,
    access_log: bool = False,
    ready_timeout: float = 20.0,
) -> RunningPortal:
    """Start the reference portal on a background thread and return once it accepts connections.

    ``tls_cert``/``tls_key``: serve HTTPS (TLS 1.3 only unless ``tls_min_version`` says otherwise);
    ``tls_self_signed``: generate a CA and a certificate in ``tls_dir`` (default ``<db>.tls/``) and expose the
    CA as ``ca_bundle``; ``client_ca``: require client certificates signed by it (mTLS).
    ``rate_limit``: requests/second per client address (429 + Retry-After beyond).
    ``fault_rate``/``fault_seed``/``fault_weights``: reproducible fault injection (``app.portal.faults``).
    ``options``: other ``PortalConfig`` fields (token lifetimes, device interval, ``auto_approve_user``,
    ``processing_delay``, ``max_batch_records``...).
    """
    db_path = Path(db_path)
    store = PortalStore(db_path)
    try:
        seed_demo_data(store, policy_file=policy_file)
        ca_bundle: Path | None = None
        if tls_self_signed and tls_cert is None:
            tls_cert, tls_key, ca_bundle = self_signed_tls(
                tls_dir or db_path.with_name(db_path.name + ".tls"), host
            )
        if (tls_cert is None) != (tls_key is None):
            raise ValueError("tls_cert and tls_key go together")
        if client_ca is not None and tls_cert is None:
            raise ValueError("client_ca (mTLS) needs TLS: give tls_cert/tls_key or tls_self_signed")
        ssl_context = None
        if tls_cert is not None and tls_key is not None:
            ssl_context = build_server_ssl_context(
                tls_cert, tls_key, client_ca=client_ca, minimum=tls_min_version, maximum=tls_max_version
            )
        config = PortalConfig(db_path=db_path, checker=checker, policy_file=policy_file, as_of=as_of)
        for name, value in (options or {}).items():
            if not hasattr(config, name) or name in ("db_path", "checker"):
                raise ValueError(f"unknown portal option {name!r}")
            setattr(config, name, value)
        app, portal = create_app(config, store)
        portal.checker  # noqa: B018 - load the validation rules now, not on the first batch
        asgi: ASGIApp = app
        faults: FaultInjector | None = None
        if fault_rate > 0:
            faults = FaultInjector(
                asgi,
                fault_rate,
                fault_seed,
                slow_seconds=fault_slow_seconds,
                hang_seconds=fault_hang_seconds,
                weights=dict(fault_weights) if fault_weights else dict(DEFAULT_FAULT_WEIGHTS),
            )
            asgi = faults
        if rate_limit:
            asgi = RateLimiter(asgi, rate_limit)
        sock = _bind(host, port)
    except BaseException:
        store.close()
        raise
    bound_port = int(sock.getsockname()[1])
    scheme = "https" if ssl_context is not None else "http"
    url = f"{scheme}://{_url_host(host)}:{bound_port}"
    config.issuer = url

    def ssl_factory(cfg: uvicorn.Config, default: Any) -> ssl.SSLContext:
        assert ssl_context is not None
        return ssl_context

    uv_config = uvicorn.Config(
        asgi,
        log_level="warning",
        access_log=access_log,
        lifespan="off",
        loop="asyncio",
        http="h11",
        ssl_context_factory=ssl_factory if ssl_context is not None else None,
        timeout_keep_alive=30,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(uv_config)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # reported by start_portal's caller via ready check
            errors.append(exc)
            log.exception("the reference portal stopped with an error")
        finally:
            sock.close()

    thread = threading.Thread(target=run, name=f"labsync-portal:{bound_port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + ready_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            thread.join(5)
            store.close()
            cause = errors[0] if errors else None
            raise RuntimeError(f"the reference portal did not start on {url}") from cause
        time.sleep(0.01)
    secret = store.demo_secret(DEMO_CLIENT_ID)
    assert secret is not None
    return RunningPortal(
        url=url,
        host=host,
        port=bound_port,
        db_path=db_path,
        client_id=DEMO_CLIENT_ID,
        client_secret=secret,
        ca_bundle=ca_bundle,
        portal=portal,
        store=store,
        faults=faults,
        _server=server,
        _thread=thread,
    )
