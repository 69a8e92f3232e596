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
    """The row's own violations plus, when the portal rejected it, the portal's (same vocabulary)."""
    violations: list[Violation] = row.violations
    portal: list[Violation] = getattr(row, "portal_violations", None) or []
    return [*violations, *portal] if portal else violations


def batch_id_of(batch: Any) -> int:
    return int(batch.id)
