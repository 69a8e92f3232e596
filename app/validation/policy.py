"""The versioned validation policy: thresholds, caps, code lists and dates (``resources/policy/policy.toml``).

An institution overrides any part with its own TOML file: ``load_policy(path)`` merges it table by table over
the bundled defaults (values and lists are replaced, tables merged), so an override only states what changes.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from app.errors import ConfigError
from app.resources import resource_path
from app.validation.normalize import enum_key

_FROZEN = ConfigDict(frozen=True, extra="forbid")


def expand_codes(items: list[str]) -> frozenset[str]:
    """Expand ``"K001-K011"``-style ranges (same prefix, same width, inclusive) into the codes they cover."""
    out: set[str] = set()
    for item in items:
        item = item.strip().upper()
        if "-" not in item:
            out.add(item)
            continue
        start, end = (part.strip() for part in item.split("-", 1))
        prefix = start.rstrip("0123456789")
        if prefix != end.rstrip("0123456789") or len(start) != len(end):
            raise ValueError(f"bad code range {item!r}")
        width = len(start) - len(prefix)
        lo, hi = int(start[len(prefix) :]), int(end[len(prefix) :])
        if lo > hi:
            raise ValueError(f"bad code range {item!r}")
        out.update(f"{prefix}{n:0{width}d}" for n in range(lo, hi + 1))
    return frozenset(out)


class DatedAmount(BaseModel):
    model_config = _FROZEN
    from_: dt.date = Field(alias="from")
    amount: Decimal


def amount_on(entries: tuple[DatedAmount, ...], day: dt.date) -> DatedAmount | None:
    """The entry in effect on ``day`` (the latest whose ``from`` is on or before it)."""
    best: DatedAmount | None = None
    for entry in entries:
        if entry.from_ <= day and (best is None or entry.from_ >= best.from_):
            best = entry
    return best


class DatesPolicy(BaseModel):
    model_config = _FROZEN
    order: str = "MDY"
    two_digit_pivot: int = 69

    @field_validator("order")
    @classmethod
    def _order(cls, v: str) -> str:
        if v.upper() not in ("MDY", "DMY"):
            raise ValueError("dates.order must be MDY or DMY")
        return v.upper()


class ChemicalPolicy(BaseModel):
    model_config = _FROZEN
    sds_missing_values: frozenset[str]
    citation_sds: str

    @field_validator("sds_missing_values", mode="before")
    @classmethod
    def _keys(cls, v: list[str]) -> frozenset[str]:
        return frozenset(enum_key(x).strip("/") for x in v)


class GhsPolicy(BaseModel):
    model_config = _FROZEN
    h_codes: frozenset[str]
    h_suffixed: frozenset[str]
    accept_euh: bool = True
    euh_codes: frozenset[str] = frozenset()


class EquipmentPolicy(BaseModel):
    model_config = _FROZEN
    federal_thresholds: tuple[DatedAmount, ...]
    capitalization_level: Decimal | None = None
    citation: str

    @field_validator("capitalization_level", mode="before")
    @classmethod
    def _blank(cls, v: object) -> object:
        return None if v in ("", None) else v

    def threshold_on(self, day: dt.date) -> Decimal | None:
        entry = amount_on(self.federal_thresholds, day)
        federal = entry.amount if entry else None
        if self.capitalization_level is None:
            return federal
        if federal is None:
            return self.capitalization_level
        return min(federal, self.capitalization_level)


class WastePolicy(BaseModel):
    model_config = _FROZEN
    accumulation_limit_days: dict[str, int]
    accumulation_limit_months: dict[str, int]
    sqg_far_tsdf_days: int = 270
    sqg_far_tsdf: bool = False
    epa_id_location_codes: frozenset[str]


class RcraPolicy(BaseModel):
    model_config = _FROZEN
    d_codes: frozenset[str]
    f_codes: frozenset[str]
    k_codes: frozenset[str]
    p_codes: frozenset[str]
    u_codes: frozenset[str]
    other_federal_codes: frozenset[str] = frozenset()
    state_codes: frozenset[str] = frozenset()

    @field_validator(
        "d_codes",
        "f_codes",
        "k_codes",
        "p_codes",
        "u_codes",
        "other_federal_codes",
        "state_codes",
        mode="before",
    )
    @classmethod
    def _expand(cls, v: list[str]) -> frozenset[str]:
        return expand_codes(list(v))

    @property
    def federal(self) -> frozenset[str]:
        return (
            self.d_codes
            | self.f_codes
            | self.k_codes
            | self.p_codes
            | self.u_codes
            | self.other_federal_codes
        )


class CostSharePolicy(BaseModel):
    model_config = _FROZEN
    prohibit_voluntary_committed: frozenset[str]
    required_percent_by_award: dict[str, Decimal] = Field(default_factory=dict)
    citation_nsf: str

    @field_validator("prohibit_voluntary_committed", mode="before")
    @classmethod
    def _keys(cls, v: list[str]) -> frozenset[str]:
        return frozenset(enum_key(x) for x in v)


class AttestationPolicy(BaseModel):
    model_config = _FROZEN
    after_period_types: frozenset[str]
    nih_salary_caps: tuple[DatedAmount, ...]
    citation_salary: str


class Policy(BaseModel):
    """A loaded policy. ``version`` identifies it; record it with every validation result."""

    model_config = _FROZEN
    version: str
    effective: dt.date
    institution: str = ""
    allow_partial_submit: bool = True  # submit the valid rows of a batch that also has invalid ones
    source: str = ""  # where it was loaded from (the bundled file, or bundled + an override)
    dates: DatesPolicy
    chemical_inventory: ChemicalPolicy
    ghs: GhsPolicy
    equipment: EquipmentPolicy
    waste: WastePolicy
    rcra: RcraPolicy
    cost_share: CostSharePolicy
    attestation: AttestationPolicy


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the policy file ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc


def bundled_policy_path() -> Path:
    return resource_path("policy", "policy.toml")


def _version_key(version: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\-+]", version.strip()))


def is_newer_version(candidate: str, current: str) -> bool:
    """Whether policy version ``candidate`` is newer than ``current`` ("2026.11.1" < "2026.12.0")."""
    return _version_key(candidate) > _version_key(current)


def _nested(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Overrides as nested tables: a dotted key ``"equipment.capitalization_threshold"`` -> its table."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = [p.strip() for p in str(key).split(".")]
        if not all(parts):
            raise ConfigError(f"policy_overrides: bad key {key!r}")
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                raise ConfigError(f"policy_overrides: {key!r} conflicts with another override")
            node = child
        leaf = _nested(value) if isinstance(value, Mapping) else value
        if isinstance(leaf, dict) and isinstance(node.get(parts[-1]), dict):
            node[parts[-1]] = _merge(node[parts[-1]], leaf)
        else:
            node[parts[-1]] = leaf
    return out


class _Table(tuple[tuple[str, Any], ...]):
    """A frozen table (hashable, for the cache key)."""


def _frozen(value: Any) -> Any:
    """A hashable copy of an overrides value (the cache key)."""
    if isinstance(value, Mapping):
        return _Table(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _thawed(value: Any) -> Any:
    if isinstance(value, _Table):
        return {k: _thawed(v) for k, v in value}
    if isinstance(value, tuple):
        return [_thawed(v) for v in value]
    return value


def _stamp(path: Path) -> tuple[Path, tuple[int, int]]:
    resolved = Path(path).resolve()
    try:
        st = resolved.stat()
        return resolved, (st.st_mtime_ns, st.st_size)
    except OSError:
        return resolved, (0, 0)  # _load reports the unreadable file


_Layer = tuple[str, Any, Any]  # ("file", resolved path, (mtime, size)) or ("overrides", frozen tables, None)


@cache
def _load(layers: tuple[_Layer, ...]) -> Policy:
    """The bundled policy with ``layers`` merged over it in order. Cached per layer list: a file's
    ``(mtime, size)`` stamp is part of the key, so an edited file is read again."""
    base_path = bundled_policy_path()
    data = _read_toml(base_path)
    sources = [str(base_path)]
    for kind, what, _ in layers:
        if kind == "file":
            data = _merge(data, _read_toml(what))
            sources.append(str(what))
        else:
            data = _merge(data, _thawed(what))
            sources.append("policy_overrides")
    data["source"] = " + ".join(sources)
    try:
        return Policy.model_validate(data)
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": str(exc)}
        loc = tuple(str(p) for p in first["loc"])
        where = ".".join(loc)
        origin = str(base_path)
        for kind, what, _ in layers:  # name the last layer that sets the bad value
            if _sets(_read_toml(what) if kind == "file" else _thawed(what), loc):
                origin = str(what) if kind == "file" else "policy_overrides"
        raise ConfigError(f"{origin}: invalid policy value at {where or '?'}: {first['msg']}") from exc


def _sets(table: Any, loc: tuple[str, ...]) -> bool:
    for part in loc:
        if not isinstance(table, dict) or part not in table:
            return False
        table = table[part]
    return bool(loc)


def _file_layer(path: Path) -> _Layer:
    resolved, stamp = _stamp(path)
    return ("file", resolved, stamp)


def _overrides_layer(overrides: Mapping[str, Any]) -> _Layer:
    return ("overrides", _frozen(_nested(overrides)), None)


def load_policy(path: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Policy:
    """The bundled policy, with the institution's file ``path`` merged over it, then ``overrides``.

    Merging is table by table (values and lists are replaced, tables merged), so a file or an override states
    only what changes. ``overrides`` maps a policy key to its value, either dotted
    (``{"equipment.capitalization_threshold": 2500}``) or as nested tables (``{"equipment": {...}}``), as in
    the ``policy_overrides`` setting. Loaded once per file version (an edited file is read again).
    """
    return load_policy_layers([path] if path is not None else [], overrides)


def load_policy_layers(files: Sequence[Path], overrides: Mapping[str, Any] | None = None) -> Policy:
    """The bundled policy with each of ``files`` merged over it in order, then ``overrides``."""
    layers = [_file_layer(f) for f in files]
    if overrides:
        layers.append(_overrides_layer(overrides))
    return _load(tuple(layers))


def policy_layers(
    policy_file: Path | None = None,
    pulled_policy_path: Path | None = None,
) -> list[Path]:
    """The policy files to merge over the bundled pack, in order, before the overrides (see
    :func:`policy_for`, which puts a run's ``extra_file`` after the overrides)."""
    files: list[Path] = []
    if pulled_policy_path is not None and Path(pulled_policy_path).is_file():
        bundled = load_policy_layers([])
        try:
            pulled = load_policy_layers([pulled_policy_path])
        except ConfigError:
            pulled = None  # an unloadable pulled pack is ignored: the bundled one stays in force
        if pulled is not None and is_newer_version(pulled.version, bundled.version):
            files.append(Path(pulled_policy_path))
    if policy_file is not None:
        files.append(Path(policy_file))
    return files


def policy_for(
    settings: Any = None,
    pulled_policy_path: Path | None = None,
    *,
    extra_file: Path | None = None,
) -> Policy:
    """The policy in force for these settings: the one helper the CLI, the workspace and the GUI use.

    Layers, each merged over the previous one:

    1. the bundled pack, or the portal's pulled pack (``pulled_policy_path``, e.g.
       ``app.sync.reference.policy_file_for_validation()``) when its ``version`` is newer (an unreadable or
       older pulled pack is ignored);
    2. ``settings.policy_file``: the site's or user's institution policy file (settings precedence decides
       which);
    3. ``settings.policy_overrides``: individual values (dotted keys);
    4. ``extra_file``: a file named for one run (``labsync validate --policy FILE``), on top of everything.

    ``settings`` is an ``app.config.settings.Settings`` (or anything with ``policy_file`` and
    ``policy_overrides``); None means no site/user layer.
    """
    policy_file = getattr(settings, "policy_file", None) if settings is not None else None
    overrides = getattr(settings, "policy_overrides", None) if settings is not None else None
    layers = [_file_layer(f) for f in policy_layers(policy_file, pulled_policy_path)]
    if overrides:
        layers.append(_overrides_layer(overrides))
    if extra_file is not None:
        layers.append(_file_layer(Path(extra_file)))
    return _load(tuple(layers))
