"""The sync client's settings, from ``app.config.settings.load_settings`` (the one place that applies the
precedence built-in < site < user < environment < command line, and the site file's locks).

``LABSYNC_PORTAL_URL``, ``LABSYNC_CLIENT_ID``, ``LABSYNC_CA_BUNDLE`` and ``LABSYNC_LAB`` are settings like any
other: ``load_settings`` applies them above the configuration files, unless the site file locks the key (then
the variable is ignored with a notice). Only ``LABSYNC_CLIENT_SECRET`` is read here: a secret, never a setting
in a file (else the OS keyring, see ``app.sync.auth``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from app.errors import ConfigError

MAX_BATCH_RECORDS = 500  # the contract's maxItems per batch request

ENV_PORTAL_URL = "LABSYNC_PORTAL_URL"
ENV_CLIENT_ID = "LABSYNC_CLIENT_ID"
ENV_CLIENT_SECRET = "LABSYNC_CLIENT_SECRET"  # noqa: S105 - the variable's name, not a secret
ENV_CA_BUNDLE = "LABSYNC_CA_BUNDLE"


@dataclass(frozen=True)
class SyncSettings:
    portal_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    ca_bundle: Path | None = None
    min_tls_version: str = "1.3"
    client_cert: Path | None = None
    client_key: Path | None = None
    scope: str | None = None
    lab: str | None = None  # LABSYNC_LAB: the lab id sent with records whose payload names none
    proxy: str | None = None  # explicit proxy; else HTTPS_PROXY/NO_PROXY from the environment
    allow_insecure_http: bool = False
    batch_size: int = 500
    pipeline_depth: int = 2  # batches in flight: one being sent while the previous one's outcome is stored
    timeout: float = 30.0
    max_attempts: int = 6  # sends of one batch within one run before it waits in RETRY_WAIT
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    breaker_threshold: int = 5
    breaker_cooldown: float = 30.0
    watch_interval: float = 30.0
    refresh_skew: float = 60.0  # refresh the access token this many seconds before it expires

    def __repr__(self) -> str:  # never show the secret
        def show(name: str) -> str:
            value = getattr(self, name)
            return "'***'" if name == "client_secret" and value else repr(value)

        shown = ", ".join(f"{f.name}={show(f.name)}" for f in fields(self))
        return f"SyncSettings({shown})"

    def require_portal(self) -> str:
        if not self.portal_url:
            raise ConfigError(
                f"no portal configured: set {ENV_PORTAL_URL} (or portal_url in the configuration)"
            )
        return self.portal_url

    def require_client_id(self) -> str:
        if not self.client_id:
            raise ConfigError(f"no OAuth client id configured: set {ENV_CLIENT_ID}")
        return self.client_id


#: SyncSettings field <- app.config Settings field.
_FROM_CONFIG = {
    "portal_url": "portal_url",
    "client_id": "oauth_client_id",
    "lab": "lab",
    "ca_bundle": "ca_bundle",
    "client_cert": "client_cert",
    "client_key": "client_key",
    "proxy": "proxy",
    "min_tls_version": "tls_min_version",
    "allow_insecure_http": "allow_insecure_http",
    "timeout": "request_timeout_seconds",
    "batch_size": "batch_size",
    "watch_interval": "sync_interval_seconds",
}


def from_app_settings(app_settings: Any) -> dict[str, Any]:
    """Our values from ``app.config.settings.Settings`` (None values left out)."""
    found: dict[str, Any] = {}
    for ours, theirs in _FROM_CONFIG.items():
        value = getattr(app_settings, theirs, None)
        if value is not None:
            found[ours] = value
    return found


def load_sync_settings(overrides: dict[str, Any] | None = None, *, app_settings: Any = None) -> SyncSettings:
    """The sync settings: ``app_settings`` (default: ``load_settings()``, with its precedence and site
    locks), the client secret from ``LABSYNC_CLIENT_SECRET``, then ``overrides`` (tests, ``--batch-size``)."""
    from app.config.settings import load_settings

    values: dict[str, Any] = from_app_settings(app_settings if app_settings is not None else load_settings())
    secret = os.environ.get(ENV_CLIENT_SECRET)
    if secret:
        values["client_secret"] = secret
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    for key in ("ca_bundle", "client_cert", "client_key"):
        if values.get(key) is not None and not isinstance(values[key], Path):
            values[key] = Path(str(values[key])).expanduser()
    for key in ("portal_url", "proxy", "min_tls_version"):
        if values.get(key) is not None:
            values[key] = str(values[key])
    unknown = set(values) - {f.name for f in fields(SyncSettings)}
    for key in unknown:
        values.pop(key)
    try:
        settings = SyncSettings(**values)
    except TypeError as exc:  # pragma: no cover - a wrongly typed override
        raise ConfigError(f"sync settings: {exc}") from None
    if not 1 <= settings.batch_size <= MAX_BATCH_RECORDS:
        raise ConfigError(f"sync batch_size must be between 1 and {MAX_BATCH_RECORDS} (records per request)")
    return settings
