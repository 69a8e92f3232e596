"""XLSX/XLSM reader: cell values from python-calamine, Excel's extras from our own XML scan.

Values: text stays ``str`` (empty cells are ``None``); numbers are ``int`` when integral, else ``float``;
dates in both the 1900 and 1904 systems are ``date``/``datetime``; a time of day is an ISO ``"HH:MM:SS"``
string and a duration an ``"[h]:mm:ss"`` string (CellValue has no time type); Excel error values are
:class:`ExcelError`; cached values of formulas are returned (never the formula). ``SourceRow.number`` is the
Excel row number, columns are aligned so that index 0 is column A. Merged ranges copy the top-left value into
every covered cell (those columns are listed in ``merged_columns``); hidden rows are read and flagged. Hidden
and very-hidden sheets are listed by ``sheets()`` but only read when named.
"""

from __future__ import annotations

import datetime as dt
import threading
import zipfile
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import python_calamine as pc

from app.errors import InputFileError
from app.ingest import limits
from app.ingest.guards import check_zip
from app.ingest.types import CellValue, ExcelError, ReadNote, SheetInfo, SourceRow
from app.ingest.xlsx_parts import SheetPart, WorkbookParts, read_parts
from app.ingest.xlsx_scan import (
    OversizedCell,
    SheetScan,
    find_shared_string_row,
    scan_sheet,
    scan_text_runs,
)
from app.ingest.xlsx_stream import CellDecoder, duration_text, shared_strings, stream_rows
from app.ingest.xlsx_styles import style_kinds

_MAX_EXACT = 2**53


class XlsxReader:
    """An open XLSX/XLSM workbook."""

    def __init__(self, path: Path, fmt: str) -> None:
        self.path = path
        self.format = fmt
        self._notes: list[ReadNote] = []
        self._bytes_done = 0
        self._row_at = 0  # calamine path: the last row handed out, of _row_last (0: not in that path)
        self._row_last = 0
        self._native = False
        self._plain_iter: Iterator[list[Any]] | None = None  # calamine's rows of the plain sheet being read
        self._plain_pad: list[CellValue] = []
        self._plain_number = 0  # the Excel row number of the last of those rows handed out
        try:
            self.bytes_total = path.stat().st_size
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise InputFileError(path, f"not a readable Excel workbook (damaged zip: {exc})") from exc
        try:
            check_zip(path, self._zip)
            self._parts: WorkbookParts = read_parts(self._zip)
            self._check_shared_strings()
        except InputFileError:
            self._zip.close()
            raise
        except (ValueError, KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
            self._zip.close()
            raise InputFileError(path, f"not a readable Excel workbook ({_short(exc)})") from exc
        except Exception as exc:  # defusedxml's DTDForbidden/EntitiesForbidden and XML ParseError
            self._zip.close()
            raise InputFileError(
                path, f"not a readable Excel workbook ({type(exc).__name__}: {_short(exc)})"
            ) from exc
        if self._parts.date1904:
            self._notes.append(
                ReadNote("DATE_1904", "the workbook uses the 1904 date system; dates converted")
            )
        self._decoder: CellDecoder | None = None
        self._book: pc.CalamineWorkbook | None = None  # opened on first use: streamed sheets never need it

    def _calamine(self) -> pc.CalamineWorkbook:
        if self._book is None:
            try:
                self._book = pc.CalamineWorkbook.from_path(str(self.path))
            except (pc.CalamineError, OSError, ValueError) as exc:
                raise InputFileError(self.path, f"not a readable Excel workbook ({_short(exc)})") from exc
        return self._book

    def _check_shared_strings(self) -> None:
        member = self._parts.shared_strings
        if member is None:
            return
        index = scan_text_runs(self._zip, member)
        if index is not None:
            row = None
            for sheet in self._parts.sheets:
                if sheet.part and (row := find_shared_string_row(self._zip, sheet.part, index)) is not None:
                    break
            raise InputFileError(self.path, f"a cell larger than {limits.MAX_CELL_CHARS >> 20} MiB", row=row)

    def sheets(self) -> list[SheetInfo]:
        return [SheetInfo(s.name, s.state == "visible") for s in self._parts.sheets if s.kind == "worksheet"]

    def notes(self) -> list[ReadNote]:
        return list(self._notes)

    def bytes_done(self) -> int:
        """Rough progress in file bytes (the sheet is loaded in one go, then streamed)."""
        if self._row_last:
            return self.bytes_total * min(self._row_at, self._row_last) // self._row_last
        return self._bytes_done

    def _sheet(self, name: str | None) -> SheetPart:
        worksheets = [s for s in self._parts.sheets if s.kind == "worksheet"]
        if name is None:
            for s in worksheets:
                if s.state == "visible":
                    return s
            raise InputFileError(self.path, "the workbook has no visible worksheet")
        for s in worksheets:
            if s.name == name:
                return s
        for s in worksheets:
            if s.name.casefold() == name.casefold():
                return s
        names = ", ".join(repr(s.name) for s in worksheets)
        raise InputFileError(self.path, f"no worksheet named {name!r} (sheets: {names})")

    def rows(self, sheet: str | None = None) -> Iterator[SourceRow]:
        part = self._sheet(sheet)
        load: _SheetLoad | None = None

        def overlap(first: SheetScan) -> bool:
            """After the scan's first chunk: if the sheet looks small enough for calamine (its declared size,
            and its cell count extrapolated from the first chunk), start loading it in a thread now (calamine
            releases the GIL), so that the rest of the scan runs meanwhile. The size was checked against the
            zip-bomb caps and is verified by the scan (CRC): a misleading first chunk costs bounded memory."""
            nonlocal load
            assert part.part is not None
            size = self._zip.getinfo(part.part).file_size
            estimate = first.cells * size // max(first.bytes_read, 1)
            if size <= limits.LARGE_SHEET_BYTES and estimate <= limits.LARGE_SHEET_CELLS:
                load = _SheetLoad(self._calamine(), part.name)
                load.start()
                return True
            return False

        try:
            scan = self._scan(part, overlap if part.part is not None else None)
        except BaseException:
            if load is not None:
                load.join()  # bounded: the part's declared size passed the checks above
            raise
        if part.part is not None and (
            scan.bytes_read > limits.LARGE_SHEET_BYTES or scan.cells > limits.LARGE_SHEET_CELLS
        ):
            if load is not None:  # the declared size lied (the CRC check would fail): drop what was loaded
                load.join()
                load.sheet = None
            return self._streamed(part.part, scan)
        try:
            data = load.result() if load is not None else self._calamine().get_sheet_by_name(part.name)
        except pc.CalamineError as exc:
            raise InputFileError(self.path, f"cannot read sheet {part.name!r} ({_short(exc)})") from exc
        return self._rows(data, scan)

    def _scan(self, part: SheetPart, on_first_chunk: Callable[[SheetScan], bool] | None = None) -> SheetScan:
        if part.part is None:
            return SheetScan()
        try:
            return scan_sheet(self._zip, part.part, on_first_chunk)
        except OversizedCell as exc:
            raise InputFileError(self.path, str(exc), row=exc.row) from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise InputFileError(self.path, f"damaged worksheet {part.name!r} ({_short(exc)})") from exc

    def _rows(self, data: pc.CalamineSheet, scan: SheetScan) -> Iterator[SourceRow]:
        start = data.start
        if start is None:
            return
        pad: list[CellValue] = [None] * start[1]
        errors = scan.errors
        hidden = scan.hidden_rows
        merged = _merge_map(scan.merges)
        last_row = max([(data.end or start)[0] + 1, *hidden, *(r for r, _ in errors), *merged])
        self._row_last = last_row
        if not (errors or hidden or merged):
            yield from self._plain_rows(data, pad)
            self._row_last = 0
            self._bytes_done = self.bytes_total
            return
        top_lefts: dict[tuple[int, int], CellValue] = {}
        rows = data.iter_rows()
        number = 0
        for number, raw in enumerate(rows, 1):
            values = pad + list(map(_convert, raw)) if pad else list(map(_convert, raw))
            row = SourceRow(number, values, number in hidden)
            if errors:
                _apply_errors(row, errors)
            while values and values[-1] is None:  # rows end at their last non-empty cell, as when streamed
                values.pop()
            if number in merged:
                _apply_merges(row, merged[number], top_lefts)
            self._row_at = number
            yield row
        for extra in range(number + 1, last_row + 1):  # hidden/merged rows past calamine's range (all empty)
            row = SourceRow(extra, [], extra in hidden)
            if extra in merged:
                _apply_merges(row, merged[extra], top_lefts)
            yield row
        self._row_last = 0
        self._bytes_done = self.bytes_total

    def native_values(self) -> None:
        """From now on, rows of a sheet without error cells, hidden rows or merges may carry calamine's own
        values (see :func:`native_value`): the caller converts only the columns it needs, at once."""
        self._native = True

    def native_block(self, size: int) -> tuple[int, list[list[Any]]] | None:
        """After :meth:`native_values`, on a plain sheet (no error cell, hidden row or merge) being read:
        the next ``size`` rows at most, as calamine's own lists (see :func:`native_value`), and the Excel row
        number of the first; an empty list at the end. None when rows are not available this way (then read
        :meth:`rows`). Shares its position with the :meth:`rows` iterator: both continue where the other
        stopped."""
        rows_iter = self._plain_iter
        if rows_iter is None or not self._native:
            return None
        rows = list(islice(rows_iter, size))
        first = self._plain_number + 1
        self._plain_number += len(rows)
        self._row_at = self._plain_number
        pad = self._plain_pad
        if pad and rows:
            rows = [pad + raw for raw in rows]
        return first, rows

    def _plain_rows(self, data: pc.CalamineSheet, pad: list[CellValue]) -> Iterator[SourceRow]:
        """The common case (no error cell, hidden row or merge): one pass per row, strings (most cells) not
        even passed to :func:`_convert`; none at all once :meth:`native_values` was called."""
        convert = _convert
        rows_iter = self._plain_iter = data.iter_rows()
        self._plain_pad = pad
        self._plain_number = 0
        for raw in rows_iter:
            number = self._plain_number = self._plain_number + 1
            if self._native:
                self._row_at = number
                yield SourceRow(number, pad + raw if pad else raw)  # type: ignore[operator,arg-type]
                continue
            values: list[CellValue] = [(v or None) if v.__class__ is str else convert(v) for v in raw]
            if pad:
                values[:0] = pad
            if values and values[-1] is None:
                while values and values[-1] is None:  # rows end at their last non-empty cell
                    values.pop()
            self._row_at = number
            yield SourceRow(number, values)

    def _streamed(self, member: str, scan: SheetScan) -> Iterator[SourceRow]:
        """Rows of a very large sheet, decoded from its XML stream (memory flat in the row count)."""
        try:
            if self._decoder is None:
                strings = shared_strings(self._zip, self._parts.shared_strings)
                kinds = style_kinds(self._zip, self._parts.styles)
                self._decoder = CellDecoder(strings, kinds, self._parts.date1904)
        except Exception as exc:  # defusedxml/ElementTree errors, damaged parts
            raise InputFileError(self.path, f"not a readable Excel workbook ({_short(exc)})") from exc
        return self._stream_rows(member, scan, self._decoder)

    def _stream_rows(self, member: str, scan: SheetScan, decoder: CellDecoder) -> Iterator[SourceRow]:
        hidden = scan.hidden_rows
        merged = _merge_map(scan.merges)
        top_lefts: dict[tuple[int, int], CellValue] = {}
        last = max(scan.last_row or 0, 1)
        number = 0
        for number_in_xml, values in stream_rows(self._zip, member, decoder):
            for blank in range(number + 1, number_in_xml):  # rows absent from the XML are empty rows
                yield self._decorate(SourceRow(blank, [], blank in hidden), merged, top_lefts)
            number = number_in_xml
            self._bytes_done = self.bytes_total * min(number, last) // last
            yield self._decorate(SourceRow(number, values, number in hidden), merged, top_lefts)
        tail = max([number, *hidden, *merged])
        for extra in range(number + 1, tail + 1):  # hidden or merged rows past the last written row
            yield self._decorate(SourceRow(extra, [], extra in hidden), merged, top_lefts)
        self._bytes_done = self.bytes_total

    @staticmethod
    def _decorate(
        row: SourceRow, merged: _MergeMap, top_lefts: dict[tuple[int, int], CellValue]
    ) -> SourceRow:
        if row.number in merged:
            _apply_merges(row, merged[row.number], top_lefts)
        return row

    def close(self) -> None:
        self._zip.close()
        if self._book is not None:
            self._book.close()

    def __enter__(self) -> XlsxReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SheetLoad(threading.Thread):
    """Loads one sheet with calamine in a thread (calamine parses with the GIL released)."""

    def __init__(self, book: pc.CalamineWorkbook, name: str) -> None:
        super().__init__(name="labsync-xlsx-load", daemon=True)
        self._book = book
        self._sheet_name = name
        self.sheet: pc.CalamineSheet | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.sheet = self._book.get_sheet_by_name(self._sheet_name)
        except BaseException as exc:  # handed to the reading thread by result()
            self.error = exc

    def result(self) -> pc.CalamineSheet:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.sheet is not None
        return self.sheet


def native_value(v: object) -> CellValue:
    """A calamine value as a :class:`SourceRow` value: ``""`` -> None, integral float -> int, time/duration ->
    text; for rows read after :meth:`XlsxReader.native_values` (whose empty cells are ``""`` and whose numbers
    are ``float``)."""
    return (v or None) if v.__class__ is str else _convert(v)


def _convert(v: object) -> CellValue:
    t = type(v)
    if t is str:
        return v or None  # type: ignore[return-value]
    if t is float:
        f: float = v  # type: ignore[assignment]
        return int(f) if f.is_integer() and -_MAX_EXACT < f < _MAX_EXACT else f
    if t is dt.time:
        return v.isoformat()  # type: ignore[attr-defined,no-any-return]
    if t is dt.timedelta:
        return duration_text(round(v.total_seconds()))  # type: ignore[attr-defined]
    return v  # type: ignore[return-value]


def _apply_errors(row: SourceRow, errors: dict[tuple[int, int], str]) -> None:
    values = row.values
    for col, value in enumerate(values):
        if value is None and (row.number, col) in errors:
            values[col] = ExcelError(errors[(row.number, col)])


# row -> list of (top-left row, top-left col, first col, last col) for the merges covering that row
_MergeMap = dict[int, list[tuple[int, int, int, int]]]


def _merge_map(merges: list[tuple[int, int, int, int]]) -> _MergeMap:
    out: _MergeMap = {}
    for r1, c1, r2, c2 in merges:
        if (r2 - r1 + 1) * (c2 - c1 + 1) > 1 << 20:
            continue  # absurd merge (a whole-column block): leave it, do not copy a value a million times
        for r in range(r1, r2 + 1):
            out.setdefault(r, []).append((r1, c1, c1, c2))
    return out


def _apply_merges(
    row: SourceRow, spans: list[tuple[int, int, int, int]], top_lefts: dict[tuple[int, int], CellValue]
) -> None:
    """Copy each covering merge's top-left value into the row (``top_lefts`` remembers them across rows)."""
    values = row.values
    copied: set[int] = set()
    for r1, c1, first, last in spans:
        if r1 == row.number:
            top_left = values[c1] if c1 < len(values) else None
            top_lefts[(r1, c1)] = top_left
        else:
            top_left = top_lefts.get((r1, c1))
        if len(values) <= last:
            values.extend([None] * (last + 1 - len(values)))
        for col in range(first, last + 1):
            if r1 == row.number and col == c1:
                continue
            values[col] = top_left
            if top_left is not None:
                copied.add(col)  # an empty merged range copies nothing worth a warning
    if copied:
        row.merged_columns = frozenset(copied)


def _short(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
