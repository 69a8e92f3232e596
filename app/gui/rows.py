"""Read the few attributes the GUI shows from the workspace's row, batch and outbox objects, in one place."""

from __future__ import annotations

from typing import Any

from app.validation.violations import Violation


def row_id_of(row: Any) -> int:
    return int(row.id)


def row_number_of(row: Any) -> int:
    return int(row.row_no)


def row_raw_of(row: Any) -> dict[str, str]:
    raw: dict[str, str] = row.raw
    return raw


def row_violations_of(row: Any) -> list[Violation]:
    violations: list[Violation] = row.violations
    return violations


def batch_id_of(batch: Any) -> int:
    return int(batch.id)
