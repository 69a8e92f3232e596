"""Data dictionary, record types, policy, rules and the streaming validation engine.

Public surface (see docs/architecture.md): ``load_dictionary``, ``load_policy``, ``RowValidator``,
``open_validation``/``ValidationRun``, ``payload_of``, ``ReferenceData`` and the violation types.
No Qt here: the CLI and the GUI both sit on top of this package.

Typical use::

    with open_validation(path, as_of=date(2026, 1, 15)) as run:   # type, sheet and header row found for you
        run.record_type, run.sheet, run.mapping, run.file_issues    # HEADER_MISSING lands in file_issues
        for result in run.results():                                # RowResults, DUPLICATE_KEY applied
            ...
    # or run.violations() for just the violations (faster; what `labsync validate` uses)

    validator = RowValidator("chemical_inventory", load_policy(), as_of)   # re-check one edited row
    result = validator.check_row(row_number, {"cas_number": "67-64-1", ...}, hidden=..., merged_fields=...)
    payload_of(result, "chemical_inventory")                                # canonical JSON-ready payload
"""

from __future__ import annotations

from app.validation.dictionary import DataDictionary, FieldSpec, RecordType, load_dictionary
from app.validation.engine import RowValidator, ValidationRun, load_mapping, open_validation, payload_of
from app.validation.policy import Policy, load_policy
from app.validation.reference import ReferenceData
from app.validation.rules import RULES, Rule
from app.validation.violations import RowResult, Severity, Violation

__all__ = [
    "RULES",
    "DataDictionary",
    "FieldSpec",
    "Policy",
    "RecordType",
    "ReferenceData",
    "RowResult",
    "RowValidator",
    "Rule",
    "Severity",
    "ValidationRun",
    "Violation",
    "load_dictionary",
    "load_mapping",
    "load_policy",
    "open_validation",
    "payload_of",
]
