"""The first rows of a file, on screen while the full import is still running.

The workspace stores an import in one transaction, so its rows appear only when it commits. Meanwhile the grid
shows the first rows as the validation engine streams them (same rules, same tints), read-only, from this
small
in-memory store with the workspace's read interface.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.validation.violations import RowResult, Severity, Violation

PREVIEW_BATCH_ID = -1
PREVIEW_ROWS = 2000
CHUNK = 100


@dataclass(frozen=True)
class PreviewRow:
    id: int
    row_no: int
    raw: dict[str, str]
    violations: list[Violation]
    batch_id: int = PREVIEW_BATCH_ID
    portal_violations: list[Violation] = field(default_factory=list)


class PreviewStore:
    """Implements the part of the workspace's read API that the grid model uses."""

    def __init__(self, fields: Sequence[str]) -> None:
        self._fields = list(fields)
        self._rows: list[PreviewRow] = []

    def add(self, results: Sequence[RowResult]) -> None:
        for r in results:
            self._rows.append(PreviewRow(len(self._rows) + 1, r.row, dict(r.raw), list(r.violations)))

    def __len__(self) -> int:
        return len(self._rows)

    def fields(self, _batch_id: int) -> list[str]:
        return list(self._fields)

    def row_ids(self, _batch_id: int, *, only_invalid: bool = False, search: str | None = None) -> list[int]:
        out: list[int] = []
        needle = search.casefold() if search else None
        for r in self._rows:
            if only_invalid and not any(v.severity is Severity.ERROR for v in r.violations):
                continue
            if needle and not any(needle in (t or "").casefold() for t in r.raw.values()):
                continue
            out.append(r.id)
        return out

    def rows_by_id(self, ids: Sequence[int]) -> list[PreviewRow]:
        return [self._rows[i - 1] for i in ids if 0 < i <= len(self._rows)]


def preview_fields(record_type: str, mapping: dict[str, str]) -> list[str]:
    from app.validation.dictionary import load_dictionary

    names = list(load_dictionary().record_type(record_type).field_names)
    return names + [f for f in mapping.values() if f not in names]


def stream_preview(
    path: Path,
    *,
    record_type: str | None,
    sheet: str | None,
    mapping: dict[str, str] | None,
    limit: int = PREVIEW_ROWS,
) -> Iterator[tuple[list[str], list[RowResult]]]:
    """Yield (fields, chunk of results) for the first ``limit`` rows."""
    from app.validation.engine import open_validation

    with open_validation(path, record_type=record_type, sheet=sheet, mapping=mapping) as run:
        fields = preview_fields(run.record_type, dict(run.mapping))
        chunk: list[RowResult] = []
        sent = 0
        for result in run.results():
            chunk.append(result)
            if len(chunk) >= (20 if sent == 0 else CHUNK):  # the very first rows go out at once
                yield fields, chunk
                sent += len(chunk)
                chunk = []
            if sent + len(chunk) >= limit:
                break
        if chunk:
            yield fields, chunk


def preview_job(
    path: Path, record_type: str | None, sheet: str | None, mapping: dict[str, str] | None, ctx: Any
) -> int:
    """A general-pool job: report each chunk to the GUI; stop when cancelled (the import finished)."""
    total = 0
    for fields, chunk in stream_preview(path, record_type=record_type, sheet=sheet, mapping=mapping):
        if ctx.cancelled:
            break
        ctx.report((fields, chunk))
        total += len(chunk)
    return total
