"""The versioned validation policy: thresholds, caps, code lists and dates (``resources/policy/policy.toml``).

An institution overrides any part with its own TOML file: ``load_policy(path)`` merges it table by table over
the bundled defaults (values and lists are replaced, tables merged), so an override only states what changes.
"""

from __future__ import annotations

import datetime as dt
import tomllib
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


@cache
def _load(path: Path | None, _stamp: tuple[int, int] = (0, 0)) -> Policy:
    base_path = bundled_policy_path()
    data = _read_toml(base_path)
    source = str(base_path)
    if path is not None:
        data = _merge(data, _read_toml(path))
        source = f"{base_path} + {path}"
    data["source"] = source
    try:
        return Policy.model_validate(data)
    except (ValidationError, ValueError) as exc:
        first = exc.errors()[0] if isinstance(exc, ValidationError) else {"loc": (), "msg": str(exc)}
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(
            f"{path or base_path}: invalid policy value at {where or '?'}: {first['msg']}"
        ) from exc


def load_policy(path: Path | None = None) -> Policy:
    """The bundled policy, or the bundled policy with the institution's override file merged over it.

    Loaded once per file version (an edited override file is read again).
    """
    if path is None:
        return _load(None)
    resolved = Path(path).resolve()
    try:
        st = resolved.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)  # _load reports the unreadable file
    return _load(resolved, stamp)
