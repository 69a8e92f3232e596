"""Export a batch's (corrected) rows as CSV or XLSX.

Text cells that start with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading single quote, so
opening the file in Excel (or LibreOffice) never evaluates them as formulas (CSV/formula injection). In XLSX,
cells with violations are filled (red for errors, yellow for warnings) and carry a comment with the codes.
"""

from __future__ import annotations

import csv
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.validation.violations import Severity, Violation
from app.workspace._base import WorkspaceBase
from app.workspace._db import private_umask
from app.workspace.models import StoredRow

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
EXPORT_CHUNK = 2000


def neutralize(text: str | None) -> str:
    """The cell text made safe for spreadsheets (a leading quote before a formula trigger)."""
    if text is None:
        return ""
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def _comment(violations: list[Violation]) -> str:
    return "\n".join(f"{v.code} ({v.severity.value}): {v.message}" for v in violations)[:30000]


class ExportMixin(WorkspaceBase):
    def _iter_rows(self, batch_id: int) -> Iterator[StoredRow]:
        conn = self._reader()
        last = 0
        while True:
            ids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT id FROM rows WHERE batch_id = ? AND id > ? ORDER BY id LIMIT ?",
                    (batch_id, last, EXPORT_CHUNK),
                )
            ]
            if not ids:
                return
            last = ids[-1]
            yield from self._rows(conn, ids)

    def export(self, batch_id: int, path: Path | str, *, fmt: str | None = None) -> int:
        """Write the batch's rows (current, corrected values) to ``path``; ``fmt`` "csv" or "xlsx" (default:
        from
        the suffix). Returns the number of rows written; the export is audited with the file's SHA-256."""
        target = Path(path)
        kind = (fmt or target.suffix.lstrip(".")).lower()
        if kind not in ("csv", "xlsx"):
            raise UserError(f"{target}: export as .csv or .xlsx")
        fields = self.fields(batch_id)
        self.batch(batch_id)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            with private_umask():
                count = (
                    self._write_csv(tmp, batch_id, fields)
                    if kind == "csv"
                    else self._write_xlsx(tmp, batch_id, fields)
                )
            os.replace(tmp, target)
        except BaseException:
            if tmp.exists():
                tmp.unlink()
            raise
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        with self._write() as conn:
            self.audit.append(
                conn,
                "export",
                f"batch:{batch_id}",
                batch_id=batch_id,
                after={"file": target.name, "format": kind, "rows": count, "sha256": digest},
            )
        return count

    def _write_csv(self, path: Path, batch_id: int, fields: list[str]) -> int:
        count = 0
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(fields)
            for row in self._iter_rows(batch_id):
                writer.writerow([neutralize(row.raw.get(f)) for f in fields])
                count += 1
        return count

    def _write_xlsx(self, path: Path, batch_id: int, fields: list[str]) -> int:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.comments import Comment
        from openpyxl.styles import Font, PatternFill

        error_fill = PatternFill("solid", fgColor="FFC7CE")
        warning_fill = PatternFill("solid", fgColor="FFEB9C")
        wb = Workbook(write_only=True)
        sheet: Any = wb.create_sheet(f"batch {batch_id}")
        bold = Font(bold=True)
        header = []
        for name in fields:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in self._iter_rows(batch_id):
            by_field: dict[str | None, list[Violation]] = {}
            for v in row.violations:
                by_field.setdefault(v.field if v.field in fields else None, []).append(v)
            cells: list[Any] = []
            for i, name in enumerate(fields):
                cell = WriteOnlyCell(sheet, value=neutralize(row.raw.get(name)) or None)
                cell.data_type = "s"
                found = by_field.get(name, []) + (by_field.get(None, []) if i == 0 else [])
                if found:
                    worst = any(v.severity is Severity.ERROR for v in found)
                    cell.fill = error_fill if worst else warning_fill
                    cell.comment = Comment(_comment(found), "LabSync")
                cells.append(cell)
            sheet.append(cells)
            count += 1
        wb.save(path)
        return count
