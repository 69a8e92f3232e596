"""The sync client's settings, read from ``app.config.settings`` when present, with the environment on top.

``LABSYNC_PORTAL_URL``, ``LABSYNC_CLIENT_ID``, ``LABSYNC_CLIENT_SECRET`` and ``LABSYNC_CA_BUNDLE`` come from
the environment above the configuration files (the automation contract). The client secret is taken from the
environment or the OS keyring only, never from a configuration file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from app.errors import ConfigError

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


_SETTING_NAMES = {f.name for f in fields(SyncSettings)} - {"client_secret"}


def _from_app_settings(obj: Any) -> dict[str, Any]:
    """Our keys from the application's settings object (flat ``portal_url`` or nested ``sync.portal_url``)."""
    found: dict[str, Any] = {}
    for holder in (obj, getattr(obj, "sync", None), getattr(obj, "portal", None)):
        if holder is None:
            continue
        for name in _SETTING_NAMES:
            for attr in (name, name.removeprefix("portal_")):
                value = getattr(holder, attr, None)
                if value is not None and not callable(value) and name not in found:
                    found[name] = value
    return found


def load_sync_settings(overrides: dict[str, Any] | None = None) -> SyncSettings:
    values: dict[str, Any] = {}
    try:
        from app.config.settings import load_settings  # written by the config engineer
    except ImportError:
        pass
    else:
        values.update(_from_app_settings(load_settings()))
    env = os.environ
    if env.get(ENV_PORTAL_URL):
        values["portal_url"] = env[ENV_PORTAL_URL]
    if env.get(ENV_CLIENT_ID):
        values["client_id"] = env[ENV_CLIENT_ID]
    if env.get(ENV_CA_BUNDLE):
        values["ca_bundle"] = env[ENV_CA_BUNDLE]
    if env.get("LABSYNC_LAB"):
        values["lab"] = env["LABSYNC_LAB"]
    if env.get(ENV_CLIENT_SECRET):
        values["client_secret"] = env[ENV_CLIENT_SECRET]
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
    for key in ("ca_bundle", "client_cert", "client_key"):
        if values.get(key) is not None and not isinstance(values[key], Path):
            values[key] = Path(str(values[key])).expanduser()
    for key in ("portal_url", "proxy", "min_tls_version"):
        if values.get(key) is not None:
            values[key] = str(values[key])
    if values.get("batch_size", 0) > 500:
        values["batch_size"] = 500  # the contract's maxItems per batch request
    unknown = set(values) - {f.name for f in fields(SyncSettings)}
    for key in unknown:
        values.pop(key)
    try:
        settings = SyncSettings(**values)
    except TypeError as exc:  # pragma: no cover - a wrongly typed override
        raise ConfigError(f"sync settings: {exc}") from None
    if settings.batch_size < 1:
        raise ConfigError("sync batch_size must be >= 1")
    return settings


def with_overrides(settings: SyncSettings, **changes: Any) -> SyncSettings:
    return replace(settings, **changes)
