"""Data dictionary, record types, policy, rules and the streaming validation engine.

Public surface (see docs/architecture.md): ``load_dictionary``, ``load_policy``, ``RowValidator``,
``open_validation``/``ValidationRun``, ``payload_of``, ``ReferenceData`` and the violation types.
No Qt here: the CLI and the GUI both sit on top of this package.
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
