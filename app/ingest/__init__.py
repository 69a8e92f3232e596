"""Readers that turn spreadsheet files (CSV, TSV, Excel Unicode text, XLSX/XLSM) into streams of SourceRow.

Public surface: :func:`open_table` and the types in :mod:`app.ingest.types`.
"""

from __future__ import annotations

from app.ingest.open import open_table
from app.ingest.types import (
    EXCEL_ERROR_CODES,
    CellValue,
    ExcelError,
    ReadNote,
    SheetInfo,
    SourceRow,
    TableReader,
)

__all__ = [
    "EXCEL_ERROR_CODES",
    "CellValue",
    "ExcelError",
    "ReadNote",
    "SheetInfo",
    "SourceRow",
    "TableReader",
    "open_table",
]
