"""Remediation reports: one xlsx per responsible PI with their rows, the violations and the fixes needed."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from app.gui.rows import row_number_of, row_raw_of, row_violations_of

PI_FIELDS = ("owner", "pi_name", "custodian", "responsible_pi", "pi")
UNASSIGNED = "Unassigned"


def responsible_pi(raw: dict[str, str]) -> str:
    for name in PI_FIELDS:
        value = (raw.get(name) or "").strip()
        if value:
            return value
    return UNASSIGNED


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")[:60] or "PI"


def _neutral(text: str) -> str:
    """Never let a value become a formula in Excel."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_remediation_reports(
    folder: Path, batch: Any, rows: Iterable[Any], title_of: Callable[[str], str]
) -> list[Path]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    by_pi: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        if row_violations_of(row):
            by_pi[responsible_pi(row_raw_of(row))].append(row)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    red = PatternFill("solid", fgColor="FBD5D2")
    amber = PatternFill("solid", fgColor="FDF0C4")
    for pi, pi_rows in sorted(by_pi.items()):
        wb = Workbook()
        ws = wb.active
        ws.title = "To fix"
        ws.append([f"Remediation needed: {pi}"])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(
            [f"Batch #{batch.id}: {batch.source_name} ({batch.record_type}); {len(pi_rows)} rows need fixing"]
        )
        ws.append([])
        header = ["Row", "Field", "Current value", "Problem", "Code", "How to fix", "Regulation"]
        ws.append(header)
        for cell in ws[4]:
            cell.font = Font(bold=True)
        for row in pi_rows:
            raw = row_raw_of(row)
            for v in row_violations_of(row):
                value = raw.get(v.field or "", "") if v.field else ""
                ws.append(
                    [
                        row_number_of(row),
                        v.field or "",
                        _neutral(value or ""),
                        _neutral(v.message),
                        v.code,
                        _neutral(v.hint),
                        v.citation,
                    ]
                )
                fill = red if str(v.severity) == "error" else amber
                for cell in ws[ws.max_row][:5]:
                    cell.fill = fill
        for col, width in zip("ABCDEFG", (7, 18, 24, 50, 22, 50, 28), strict=True):
            ws.column_dimensions[col].width = width
        for r in ws.iter_rows(min_row=5):
            for cell in r:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A5"
        codes = wb.create_sheet("Summary")
        codes.append(["Code", "Problem", "Rows"])
        counts: dict[str, int] = defaultdict(int)
        for row in pi_rows:
            for code in {v.code for v in row_violations_of(row)}:
                counts[code] += 1
        for code, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            codes.append([code, title_of(code), n])
        path = folder / f"remediation-batch{batch.id}-{_safe_name(pi)}.xlsx"
        wb.save(path)
        written.append(path)
    return written


ATTESTATION_COLUMNS = (
    ("attestation_type", "Attestation Type"),
    ("pi_name", "PI Name"),
    ("pi_email", "PI Email"),
    ("award_number", "Award Number"),
    ("period_start", "Period Start"),
    ("period_end", "Period End"),
    ("attested", "Attested"),
    ("signature_date", "Signature Date"),
    # the signature's evidence, kept as data of the record
    ("statement_text", "Statement Text"),
    ("statement_version", "Statement Version"),
    ("signed_by", "Signed By"),
    ("signed_at", "Signed At"),
)


def write_attestation_csv(
    folder: Path, record: dict[str, str], columns: Sequence[tuple[str, str]] = ATTESTATION_COLUMNS
) -> Path:
    """One signed attestation as a CSV the importer reads like any attestation spreadsheet."""
    import csv
    import datetime as dt

    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"attestation-{_safe_name(record.get('pi_name', 'PI'))}-{stamp}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([title for _name, title in columns])
        writer.writerow([_neutral(record.get(name, "")) for name, _title in columns])
    return path
