"""Typed settings, and where each value came from.

Precedence, lowest to highest (a later layer overrides an earlier one, key by key)::

    built-in defaults < site file < user file < environment (LABSYNC_*) < command line

- The *site file* is IT's: ``site.toml`` in the platformdirs site config directory (``labsync config
  paths``; ``LABSYNC_SITE_CONFIG_DIR`` moves it, for tests and rehearsals). It may lock keys with
  ``locked = ["portal_url", ...]``. A locked key keeps the site's value (or the built-in default when
  the site file does not set it): a user-file or environment value for it is ignored with a notice
  (``labsync config show`` lists them; logged as a warning), and a command-line override or
  ``save_user_setting`` (the GUI) is refused with a ``ConfigError``. Locks keep well-meaning users from
  pointing a managed machine at the wrong portal; they are not a security boundary against someone who
  controls the account (who can run any program).
- The *user file* is ``config.toml`` in the user config directory; the GUI writes it with
  ``save_user_setting``.
- Relative paths in a file are relative to that file's directory (so IT can ship ``campus-ca.pem`` next
  to ``site.toml``); in the environment and on the command line, relative to the current directory.
  ``~`` is expanded.
- An environment variable set to the empty string counts as unset.

Secrets are never settings: the OAuth client secret comes from ``LABSYNC_CLIENT_SECRET`` or the OS
keyring (see ``app.sync``), the workspace passphrase from the keyring or ``LABSYNC_PASSPHRASE`` (see
``app.workspace``). A secret found in a configuration file is an error that does not echo its value.

Invalid configuration raises ``app.errors.ConfigError`` naming the file (or variable), the key and the
problem.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import logging
import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from app.errors import ConfigError
from app.paths import Paths, current_paths, ensure_private_dir

log = logging.getLogger(__name__)

LOCKED_KEY = "locked"
SECRET_WORDS = ("secret", "password", "passphrase", "token", "api_key", "apikey", "private_key_password")
LOOPBACK_HOSTS = frozenset({"localhost", "localhost.localdomain"})


class Source(StrEnum):
    """Where a setting's effective value came from (stable strings: ``config show --format json``)."""

    BUILTIN = "built-in"
    SITE = "site"
    USER = "user"
    ENVIRONMENT = "environment"
    COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Origin:
    """A value's source, plus the file or environment variable it was read from (``detail``)."""

    source: Source
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.source.value} ({self.detail})" if self.detail else self.source.value


# --- value types: per-field checks live in the annotations, so each layer is checked on its own -----------


def _check_http_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL with a host name")
    if parts.query or parts.fragment:
        raise ValueError("must not have a query or fragment")
    return value.rstrip("/")


def _check_proxy_url(value: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ValueError("must be a proxy URL: http://host:port (or https://, socks5://)")
    return value


def _check_file(value: Path) -> Path:
    path = value.expanduser()
    if not path.is_file():
        raise ValueError(f"file not found: {path}")
    return path


def _tls_version(value: object) -> object:
    if isinstance(value, float):  # `tls_min_version = 1.2` in TOML is a float: accept it
        return f"{value:.1f}"
    return value


def _non_empty(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


HttpUrl = Annotated[str, AfterValidator(_check_http_url)]
ProxyUrl = Annotated[str, AfterValidator(_check_proxy_url)]
ExistingFile = Annotated[Path, AfterValidator(_check_file)]
NonEmpty = Annotated[str, AfterValidator(_non_empty)]
TlsVersion = Annotated[Literal["1.2", "1.3"], BeforeValidator(_tls_version)]
PolicyValue = bool | int | float | str | list[str]


class Settings(BaseModel):
    """The effective settings. Build with :func:`load_settings`; ``Settings()`` is the defaults."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    portal_url: HttpUrl | None = Field(
        default=None, description="Base URL of the research portal, e.g. https://portal.example.edu/api"
    )
    oauth_client_id: NonEmpty | None = Field(
        default=None,
        description="OAuth 2.0 client id registered with the portal (its secret is not a setting)",
    )
    lab: NonEmpty | None = Field(
        default=None,
        description="Portal lab id sent with records that name none (default: the signed-in identity's lab)",
    )
    ca_bundle: ExistingFile | None = Field(
        default=None, description="PEM file of CA certificates trusted for the portal (default: system store)"
    )
    client_cert: ExistingFile | None = Field(
        default=None, description="PEM client certificate for mutual TLS (may also hold the key)"
    )
    client_key: ExistingFile | None = Field(
        default=None, description="PEM private key of client_cert, when it is a separate file"
    )
    proxy: ProxyUrl | None = Field(
        default=None, description="HTTP(S) proxy for the portal (default: HTTPS_PROXY/NO_PROXY)"
    )
    tls_min_version: TlsVersion = Field(default="1.3", description='Lowest TLS version: "1.2" or "1.3"')
    allow_insecure_http: bool = Field(
        default=False, description="Allow plain http:// to a non-loopback portal_url (never in production)"
    )
    request_timeout_seconds: float = Field(default=30.0, ge=1, le=600, description="Timeout of a request")
    batch_size: int = Field(default=200, ge=1, le=500, description="Records sent to the portal per request")
    sync_interval_seconds: int = Field(
        default=300, ge=15, le=86400, description="How often the app syncs in the background"
    )
    auto_sync: bool = Field(default=True, description="Sync in the background while the app is open")
    policy_file: ExistingFile | None = Field(
        default=None, description="Institution policy file (TOML) merged over the bundled policy pack"
    )
    policy_overrides: dict[str, PolicyValue] = Field(
        default_factory=dict,
        description="Policy values merged over the bundled pack and policy_file (a TOML table)",
    )

    _origins: dict[str, Origin] = PrivateAttr(default_factory=dict)
    _locked: frozenset[str] = PrivateAttr(default=frozenset())
    _notices: tuple[str, ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.client_key is not None and self.client_cert is None:
            raise ValueError("client_key is set but client_cert is not")
        if self.portal_url is not None and not self.allow_insecure_http:
            parts = urlsplit(self.portal_url)
            if parts.scheme == "http" and not _is_loopback(parts.hostname or ""):
                raise ValueError(
                    "portal_url uses plain http:// on a non-loopback host; use https:// "
                    "(or set allow_insecure_http for a rehearsal)"
                )
        return self

    # --- names other modules already read (app.sync.settings looks these up by attribute) -----------------

    @property
    def client_id(self) -> str | None:
        """Alias of ``oauth_client_id``."""
        return self.oauth_client_id

    @property
    def min_tls_version(self) -> str:
        """Alias of ``tls_min_version``."""
        return self.tls_min_version

    @property
    def timeout(self) -> float:
        """Alias of ``request_timeout_seconds``."""
        return self.request_timeout_seconds

    @property
    def watch_interval(self) -> float:
        """Alias of ``sync_interval_seconds``."""
        return float(self.sync_interval_seconds)

    # --- provenance --------------------------------------------------------------------------------------

    def source_of(self, key: str) -> str:
        """``"built-in"``, ``"site"``, ``"user"``, ``"environment"`` or ``"command line"``."""
        return self.origin_of(key).source.value

    def origin_of(self, key: str) -> Origin:
        """The source of ``key`` and the file or variable it came from."""
        _require_key(key)
        return self._origins.get(key, Origin(Source.BUILTIN))

    def is_locked(self, key: str) -> bool:
        """True when the site file locks ``key`` (the GUI shows it read-only)."""
        _require_key(key)
        return key in self._locked

    @property
    def locked_keys(self) -> frozenset[str]:
        return self._locked

    @property
    def notices(self) -> tuple[str, ...]:
        """Overrides ignored because the site file locks their key, and other configuration warnings."""
        return self._notices


# --- public helpers ---------------------------------------------------------------------------------------

#: The environment variable of each setting. ``policy_overrides`` has none (it is a table).
ENV_VARS: dict[str, str] = {
    "portal_url": "LABSYNC_PORTAL_URL",
    "oauth_client_id": "LABSYNC_CLIENT_ID",
    "lab": "LABSYNC_LAB",
    "ca_bundle": "LABSYNC_CA_BUNDLE",
    "client_cert": "LABSYNC_CLIENT_CERT",
    "client_key": "LABSYNC_CLIENT_KEY",
    "proxy": "LABSYNC_PROXY",
    "tls_min_version": "LABSYNC_TLS_MIN_VERSION",
    "allow_insecure_http": "LABSYNC_ALLOW_INSECURE_HTTP",
    "request_timeout_seconds": "LABSYNC_REQUEST_TIMEOUT",
    "batch_size": "LABSYNC_BATCH_SIZE",
    "sync_interval_seconds": "LABSYNC_SYNC_INTERVAL",
    "auto_sync": "LABSYNC_AUTO_SYNC",
    "policy_file": "LABSYNC_POLICY_FILE",
}

#: Secrets read from the environment (never from files); ``config show`` says whether they are set.
SECRET_ENV_VARS: dict[str, str] = {
    "client_secret": "LABSYNC_CLIENT_SECRET",
    "workspace_passphrase": "LABSYNC_PASSPHRASE",
}


def setting_keys() -> tuple[str, ...]:
    """Every setting's key, in display order."""
    return tuple(Settings.model_fields)


def describe(key: str) -> str:
    """One line of help for ``key`` (the GUI's tooltip, the IT guide's table)."""
    _require_key(key)
    return Settings.model_fields[key].description or ""


def load_settings(cli_overrides: Mapping[str, Any] | None = None, *, paths: Paths | None = None) -> Settings:
    """The effective settings: built-in < site file < user file < environment < ``cli_overrides``.

    ``cli_overrides`` maps setting keys to values (strings are converted, as from the environment);
    ``None`` values are skipped, so an argparse namespace's unset options can be passed straight through.
    """
    paths = paths or current_paths()
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    notices: list[str] = []

    site = _read_file(paths.site_config_file, allow_locks=True)
    locked = site.locked
    if site.path is not None and _writable_by_others(site.path):
        notices.append(f"{site.path}: the site file is writable by other users; IT should make it admin-only")
    for key, value in site.values.items():
        values[key] = value
        origins[key] = Origin(Source.SITE, str(site.path))

    user = _read_file(paths.user_config_file, allow_locks=False)
    for key, value in user.values.items():
        if key in locked:
            notices.append(
                f"{user.path}: {key} is locked by the site configuration; the user value is ignored"
            )
            continue
        values[key] = value
        origins[key] = Origin(Source.USER, str(user.path))

    notices.extend(_misspelled_variables())
    for key, value in _read_environment().items():
        if key in locked:
            notices.append(
                f"{ENV_VARS[key]}: {key} is locked by the site configuration; the variable is ignored"
            )
            continue
        values[key] = value
        origins[key] = Origin(Source.ENVIRONMENT, ENV_VARS[key])

    for key, value in (cli_overrides or {}).items():
        if value is None:
            continue
        _require_key(key, where="command line")
        if key in locked:
            raise ConfigError(
                f"command line: {key} is locked by the site configuration ({site.path}) "
                "and cannot be overridden"
            )
        values[key] = _validate_value(
            key, _coerce_path(key, value, Path.cwd()), strict=False, where="command line"
        )
        origins[key] = Origin(Source.COMMAND_LINE)

    try:
        settings = Settings.model_validate(values)
    except ValidationError as exc:
        involved = sorted({str(o) for k, o in origins.items() if k in _keys_in(exc)}) or ["built-in defaults"]
        raise ConfigError(f"{', '.join(involved)}: {_problem(exc)}") from None
    settings._origins = origins
    settings._locked = frozenset(locked)
    settings._notices = tuple(notices)
    for notice in notices:
        log.warning("configuration: %s", notice)
    return settings


def save_user_setting(key: str, value: Any, *, paths: Paths | None = None) -> Settings:
    """Set ``key`` in the user file (``None`` removes it) and return the new effective settings.

    Refuses unknown keys, keys the site file locks, and invalid values (``ConfigError``). The file is
    rewritten atomically, readable by the owner only; other keys in it are kept.
    """
    paths = paths or current_paths()
    target = paths.user_config_file
    _require_key(key, where=str(target))
    site = _read_file(paths.site_config_file, allow_locks=True)
    if key in site.locked:
        raise ConfigError(f"{key} is locked by the site configuration ({site.path}); ask IT to change it")
    raw = _raw_table(target)  # only parsed, not validated: the GUI can still fix or remove a broken entry
    if value is None:
        raw.pop(key, None)
    else:
        checked = _validate_value(key, _coerce_path(key, value, Path.cwd()), strict=False, where=str(target))
        raw[key] = _to_toml_value(checked)
    ensure_private_dir(target.parent)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(dump_toml(raw))
    os.replace(tmp, target)
    return load_settings(paths=paths)


def parse_override(text: str) -> tuple[str, str]:
    """``"batch_size=50"`` -> ``("batch_size", "50")``, for a ``--set KEY=VALUE`` command-line option."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ConfigError(f"command line: --set expects KEY=VALUE, got {text!r}")
    _require_key(key, where="command line")
    return key, value.strip()


def mask_url(url: str) -> str:
    """``https://user:pw@host/`` -> ``https://user:***@host/`` (for display and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def display_value(key: str, value: object) -> object:
    """A JSON-ready, secret-free rendering of a setting's value."""
    if value is None:
        return None
    if isinstance(value, Path):
        return str(value)
    if key in ("proxy", "portal_url") and isinstance(value, str):
        return mask_url(value)
    return value


def dump_toml(table: Mapping[str, Any]) -> str:
    """Serialize the flat tables LabSync writes (scalars, lists of scalars, and one level of sub-tables)."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in table.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_scalar(value)}")
    for name, sub in tables:
        lines.append("")
        lines.append(f"[{_toml_key(name)}]")
        lines.extend(f"{_toml_key(k)} = {_toml_scalar(v)}" for k, v in sub.items())
    return "\n".join(lines).lstrip("\n") + "\n"


# --- internals --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FileLayer:
    path: Path | None
    values: dict[str, Any]
    locked: frozenset[str]


def _read_file(path: Path, *, allow_locks: bool) -> _FileLayer:
    if not path.is_file():
        return _FileLayer(None, {}, frozenset())
    raw = _raw_table(path)
    locked: frozenset[str] = frozenset()
    if LOCKED_KEY in raw:
        if not allow_locks:
            raise ConfigError(f"{path}: {LOCKED_KEY}: only the site configuration file can lock keys")
        locks = raw.pop(LOCKED_KEY)
        if not isinstance(locks, list) or not all(isinstance(k, str) for k in locks):
            raise ConfigError(f'{path}: {LOCKED_KEY}: must be a list of setting names, e.g. ["portal_url"]')
        for key in locks:
            _require_key(key, where=f"{path}: {LOCKED_KEY}")
        locked = frozenset(locks)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        _require_key(key, where=str(path))
        values[key] = _validate_value(
            key, _coerce_path(key, value, path.parent), strict=True, where=str(path)
        )
    return _FileLayer(path, values, locked)


def _raw_table(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None  # tomllib names the line and column
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None


def _read_environment() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, var in ENV_VARS.items():
        text = os.environ.get(var, "")
        if text.strip() == "":
            continue
        values[key] = _validate_value(
            key, _coerce_path(key, text, Path.cwd()), strict=False, where=f"environment variable {var}"
        )
    return values


#: LABSYNC_* variables that are not settings but are read elsewhere (never reported as misspellings).
OTHER_ENV_VARS = frozenset(
    {
        "LABSYNC_HOME",
        "LABSYNC_SITE_CONFIG_DIR",
        "LABSYNC_NEW_PASSPHRASE",
        "LABSYNC_GUI_SMOKE_QUIT_MS",
        "LABSYNC_GUI_NONINTERACTIVE",
        *SECRET_ENV_VARS.values(),
    }
)


def _misspelled_variables() -> list[str]:
    """``LABSYNC_PORTAL_ULR=...`` is silently useless: say so when a variable is close to a setting's."""
    known = set(ENV_VARS.values()) | OTHER_ENV_VARS
    notices = []
    for name in sorted(os.environ):
        if not name.startswith("LABSYNC_") or name in known:
            continue
        hint = difflib.get_close_matches(name, sorted(ENV_VARS.values()), n=1, cutoff=0.85)
        if hint:
            notices.append(f"{name} is not a LabSync setting and is ignored (did you mean {hint[0]}?)")
    return notices


def _require_key(key: str, *, where: str = "") -> None:
    if key in Settings.model_fields:
        return
    prefix = f"{where}: " if where else ""
    if any(word in key.lower() for word in SECRET_WORDS):
        raise ConfigError(
            f"{prefix}{key}: secrets are not read from configuration; set the client secret in "
            "LABSYNC_CLIENT_SECRET or let `labsync login` keep it in the OS keyring"
        )
    hint = difflib.get_close_matches(key, list(Settings.model_fields), n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise ConfigError(f"{prefix}unknown setting {key!r}{suggestion}")


@cache
def _adapter(key: str) -> TypeAdapter[Any]:
    field = Settings.model_fields[key]
    annotation: Any = field.annotation
    if field.metadata:
        annotation = Annotated[(annotation, *field.metadata)]
    return TypeAdapter(annotation)


def _validate_value(key: str, value: Any, *, strict: bool, where: str) -> Any:
    try:
        return _adapter(key).validate_python(value, strict=strict)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {key}: {_problem(exc, key=key)}") from None


def _coerce_path(key: str, value: Any, base: Path) -> Any:
    """Path settings given as text become paths, relative ones resolved against ``base``."""
    if key not in _PATH_KEYS or not isinstance(value, str | Path):
        return value
    path = Path(value).expanduser()
    return path if path.is_absolute() else base / path


_PATH_KEYS = frozenset({"ca_bundle", "client_cert", "client_key", "policy_file"})


def _problem(exc: ValidationError, *, key: str = "") -> str:
    errors = exc.errors(include_url=False)
    error = errors[0]
    if key == "policy_overrides" and error.get("loc"):  # a union: one error per member type, say it once
        name = error["loc"][0]
        value = error.get("input")
        return (
            f"{name}: must be a boolean, number, string or list of strings "
            f"(got {value!r}, {_type_name(value)})"
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    loc = ".".join(
        str(part) for part in error.get("loc", ()) if not str(part).startswith(("function-", "lax-"))
    )
    if not key and loc:
        message = f"{loc}: {message}"
    value = error.get("input")
    if error["type"] not in ("value_error", "missing") and not isinstance(value, dict | Path):
        shown = mask_url(value) if isinstance(value, str) else value
        message += f" (got {shown!r}, {_type_name(value)})"
    return message


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list"}
    return names.get(type(value), type(value).__name__)


def _keys_in(exc: ValidationError) -> set[str]:
    keys = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
    if not keys:  # a model-level check: name the keys its message mentions
        text = str(exc)
        keys = {key for key in Settings.model_fields if key in text}
    return keys


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _writable_by_others(path: Path) -> bool:
    if os.name != "posix":
        return False
    try:
        return bool(path.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    except OSError:
        return False


def _to_toml_value(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _to_toml_value(v) for k, v in value.items()}
    return value


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() and key.isascii() else json.dumps(key)


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON's escapes are valid in TOML
    if isinstance(value, Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
