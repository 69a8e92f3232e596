"""Violations are plain data: a stable code, severity, row, field, message, hint and citation.

The GUI, the sync client, the portal and auditors rely on the codes; never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"  # blocks submission
    WARNING = "warning"  # shown, does not block


@dataclass(frozen=True, slots=True)
class Violation:
    code: str
    severity: Severity
    row: int | None  # the row number the user sees; None for file-level issues
    field: str | None  # canonical field name; None when the violation is about the row or file
    value: str | None  # the raw value as read (text), None when not applicable
    message: str
    hint: str
    citation: str

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_json(self) -> dict[str, Any]:
        """The automation contract of ``labsync validate --format json``; keep the keys stable."""
        return {
            "row": self.row,
            "field": self.field,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "value": self.value,
            "citation": self.citation,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Violation:
        return cls(
            code=data["code"],
            severity=Severity(data["severity"]),
            row=data.get("row"),
            field=data.get("field"),
            value=data.get("value"),
            message=data.get("message", ""),
            hint=data.get("hint", ""),
            citation=data.get("citation", ""),
        )


@dataclass(slots=True)
class RowResult:
    """One data row after mapping and validation.

    ``raw`` holds each mapped canonical field's value as text, exactly as it will be shown and edited
    (Excel dates as ISO dates, integral numbers without ``.0``, Excel errors as their code, e.g. ``#N/A``).
    ``values`` holds the normalized, typed values (Decimal, date, list[str], str) of the fields that passed
    their checks; a field with an error is absent from ``values``.
    ``hidden`` and ``merged_fields`` keep what Excel hid or merged so re-validation after an edit still warns.
    """

    row: int
    raw: dict[str, str]
    values: dict[str, Any]
    violations: list[Violation] = field(default_factory=list)
    hidden: bool = False
    merged_fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_valid(self) -> bool:
        """True when no error-severity violation remains (warnings do not block)."""
        return not any(v.severity is Severity.ERROR for v in self.violations)
