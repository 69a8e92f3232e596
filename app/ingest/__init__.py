"""Readers that turn spreadsheet files (CSV, TSV, Excel Unicode text, XLSX/XLSM) into streams of SourceRow.

Public surface: :func:`open_table` and the types in :mod:`app.ingest.types`. What a consumer can rely on:

* ``open_table(path)`` decides by content (zip -> workbook; OLE2 -> refused as encrypted/legacy .xls; else
  delimited text) and raises :class:`app.errors.InputFileError` (exit 2, one line naming the file, and the row
  when known) for missing, empty, mislabelled, hostile or oversized input. ``rows()`` may raise it too (a huge
  cell, bytes that do not decode).
* ``SourceRow.number`` is the row the user sees in Excel (CSV: record number, header = 1, a quoted multi-line
  record counts once, blank lines count). Rows end at their last non-empty cell (they may be shorter than the
  header) and index 0 is column A.
* Delimited text: every cell is ``str`` exactly as written (``""`` when empty); nothing is trimmed.
* Workbooks: ``str`` (empty -> ``None``), ``int`` for integral numbers, ``float``, ``bool``,
  ``date``/``datetime`` (1900 and 1904 systems), ``ExcelError`` for error cells (only cells Excel stores as
  errors; the text "#N/A" stays text), a time of day as ``"HH:MM:SS"`` text, a duration as ``"[h]:mm:ss"``
  text. Cached formula results only.
  ``hidden`` flags hidden rows; ``merged_columns`` the cells filled from a merged range's top-left value.
* Readers also offer ``bytes_total`` and ``bytes_done()`` for progress, and ``notes()`` (encoding, delimiter,
  1904 dates, cp1252 fallback) which is complete once ``rows()`` is exhausted.
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
