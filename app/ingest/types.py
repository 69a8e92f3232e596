"""Data types the readers produce (the contract between ingest and validation).

A reader turns a file into a stream of :class:`SourceRow` for one sheet. Values are kept as the file holds
them: text stays text (``"00123"``), Excel numbers arrive as ``int``/``float``/``Decimal`` (an integral float
is an ``int``), Excel dates as ``date``/``datetime``, Excel error values as :class:`ExcelError`. Nothing is
normalized here beyond decoding (encodings, ``_x000D_`` escapes); normalization and checks belong to
``app.validation``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Protocol

EXCEL_ERROR_CODES = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA", "#SPILL!", "#CALC!"}
)


@dataclass(frozen=True, slots=True)
class ExcelError:
    """An Excel error value (``#N/A``, ``#REF!``, ...) found in a cell; never treated as text."""

    code: str

    def __str__(self) -> str:
        return self.code


CellValue = str | int | float | Decimal | dt.date | dt.datetime | bool | ExcelError | None


NO_COLUMNS: frozenset[int] = frozenset()
"""The shared empty ``merged_columns`` (a constant default is cheaper than a factory on the hot path)."""


@dataclass(slots=True)
class SourceRow:
    """One physical row as read: its number as the user sees it, its cells, and what Excel hid or merged.

    ``number`` is the Excel row number for workbooks, and the record number for delimited text (the header
    record is 1; a record spanning several lines because of a quoted newline counts once). ``merged_columns``
    holds the 0-based column indexes whose value was copied from a merged range's top-left cell (the top-left
    cell itself is not included). ``values[0]`` is column A; a row ends at its last non-empty cell, so it can
    be shorter (or, in ragged CSV, longer) than the header.
    """

    number: int
    values: list[CellValue]
    hidden: bool = False
    merged_columns: frozenset[int] = NO_COLUMNS

    def is_blank(self) -> bool:
        return all(v is None or (isinstance(v, str) and not v.strip()) for v in self.values)


@dataclass(frozen=True, slots=True)
class SheetInfo:
    """A sheet of a workbook (delimited text files have exactly one, named after the file)."""

    name: str
    visible: bool = True  # False for hidden and very-hidden sheets


@dataclass(frozen=True, slots=True)
class ReadNote:
    """Something the reader wants the user to know about the whole file (e.g. the encoding it detected)."""

    code: str
    message: str


class TableReader(Protocol):
    """An open spreadsheet file. Obtain one with ``app.ingest.open_table(path)``; use as a context manager."""

    path: Path
    format: str  # "csv", "tsv", "txt", "xlsx", "xlsm"

    def sheets(self) -> list[SheetInfo]: ...

    def rows(self, sheet: str | None = None) -> Iterator[SourceRow]:
        """Stream the rows of ``sheet`` (the first visible sheet when None), blank rows included."""
        ...

    def notes(self) -> list[ReadNote]: ...

    def close(self) -> None: ...

    def __enter__(self) -> TableReader: ...

    def __exit__(self, *exc: object) -> None: ...
