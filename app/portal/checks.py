"""Server-side record validation for the reference portal, with the same rules as LabSync itself.

The portal takes a ``RecordChecker`` (injected; tests may pass their own). The default, ``EngineChecker``,
runs ``app.validation.engine.RowValidator`` over the record's payload, so a record LabSync would quarantine is
rejected here with the same codes. Until the engine is importable it falls back to ``StructuralChecker``
(required fields from the data dictionary only) and says so in the log.

Reference implementation only (see ``app.portal``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from app.portal.contract import PAYLOAD_INVALID
from app.validation.violations import Severity, Violation

log = logging.getLogger(__name__)


class RecordChecker(Protocol):
    """Validates one record payload; returns its violations (errors reject the record, warnings do not)."""

    def check(self, record_type: str, payload: Mapping[str, Any], as_of: dt.date) -> list[Violation]: ...

    @property
    def policy_version(self) -> str: ...


def payload_to_raw(payload: Mapping[str, Any]) -> dict[str, str]:
    """The canonical payload as the text cells the row validator reads (lists joined with ``; ``)."""
    raw: dict[str, str] = {}
    for name, value in payload.items():
        if value is None:
            raw[name] = ""
        elif isinstance(value, bool):
            raw[name] = "yes" if value else "no"
        elif isinstance(value, list | tuple):
            raw[name] = "; ".join("" if v is None else str(v) for v in value)
        elif isinstance(value, float) and value.is_integer():
            raw[name] = str(int(value))
        elif isinstance(value, dict):
            raw[name] = str(value)
        else:
            raw[name] = str(value)
    return raw


def _payload_violation(
    field: str | None, value: str | None, message: str, *, warn: bool = False
) -> Violation:
    """PAYLOAD_INVALID: an error, or a warning for a field the portal does not know (it is kept as sent)."""
    return Violation(
        code=PAYLOAD_INVALID,
        severity=Severity.WARNING if warn else Severity.ERROR,
        row=None,
        field=field,
        value=value,
        message=message,
        hint="Send the canonical payload of the record type.",
        citation="",
    )


def _shape_violations(payload: Mapping[str, Any], known: set[str] | None) -> list[Violation]:
    """Values must be JSON scalars or lists of scalars; with ``known``, only the record type's fields."""
    out: list[Violation] = []
    for name, value in payload.items():
        if known is not None and name not in known:
            message = f"{name!r} is not a field of this record type."
            out.append(_payload_violation(name, None, message, warn=True))
        elif isinstance(value, dict) or (
            isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
        ):
            out.append(_payload_violation(name, None, f"{name!r} must be a text, number or list of codes."))
    return out


class StructuralChecker:
    """Fallback while ``app.validation.engine`` is not available: unknown fields and required fields only."""

    def __init__(self) -> None:
        from app.validation.dictionary import load_dictionary

        self._dictionary = load_dictionary()
        try:
            from app.validation.policy import load_policy

            self._policy_version = load_policy().version
        except Exception:  # the policy is optional for the fallback
            self._policy_version = "unknown"

    @property
    def policy_version(self) -> str:
        return self._policy_version

    def check(self, record_type: str, payload: Mapping[str, Any], as_of: dt.date) -> list[Violation]:
        spec = self._dictionary.record_type(record_type)
        out = _shape_violations(payload, set(spec.field_names))
        raw = payload_to_raw(payload)
        for name in spec.required:
            if not raw.get(name, "").strip():
                out.append(
                    Violation(
                        code="REQUIRED_MISSING",
                        severity=Severity.ERROR,
                        row=None,
                        field=name,
                        value=None,
                        message=f"{name} is required.",
                        hint=f"Fill in {name}.",
                        citation=spec.citation,
                    )
                )
        return out


class EngineChecker:
    """``app.validation.engine.RowValidator`` per record type and as-of date (cached)."""

    def __init__(self, policy_file: Path | None = None, reference: Any = None) -> None:
        from app.validation.engine import RowValidator  # noqa: F401 - fail early when the engine is missing
        from app.validation.policy import load_policy

        self._policy = load_policy(policy_file)
        self._reference = (
            reference  # app.validation.reference.ReferenceData: AWARD_/LOCATION_UNKNOWN warnings
        )
        self._validators: dict[tuple[str, dt.date], Any] = {}
        self._known: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    @property
    def policy_version(self) -> str:
        return str(self._policy.version)

    def _validator(self, record_type: str, as_of: dt.date) -> Any:
        key = (record_type, as_of)
        with self._lock:
            validator = self._validators.get(key)
            if validator is None:
                from app.validation.engine import RowValidator

                validator = RowValidator(record_type, self._policy, as_of, self._reference)
                if len(self._validators) > 64:
                    self._validators.clear()
                self._validators[key] = validator
            return validator

    def _known_fields(self, record_type: str) -> set[str]:
        known = self._known.get(record_type)
        if known is None:
            from app.validation.dictionary import load_dictionary

            known = set(load_dictionary().record_type(record_type).field_names)
            self._known[record_type] = known
        return known

    def check(self, record_type: str, payload: Mapping[str, Any], as_of: dt.date) -> list[Violation]:
        shape = _shape_violations(payload, self._known_fields(record_type))
        if any(v.is_error for v in shape):
            return shape
        result = self._validator(record_type, as_of).check_row(0, payload_to_raw(payload))
        return shape + [_without_row(v) for v in result.violations]


def _without_row(v: Violation) -> Violation:
    return Violation(
        code=v.code,
        severity=v.severity,
        row=None,
        field=v.field,
        value=v.value,
        message=v.message,
        hint=v.hint,
        citation=v.citation,
    )


def default_checker(policy_file: Path | None = None, reference: Any = None) -> RecordChecker:
    """The engine when available (with the portal's reference data), else the structural fallback (logged)."""
    try:
        return EngineChecker(policy_file, reference)
    except ImportError as exc:
        log.warning("app.validation.engine not available (%s); the portal checks required fields only", exc)
        return StructuralChecker()


CheckerFactory = Callable[[], RecordChecker]
