"""Streaming reader for delimited text: CSV, TSV and Excel's "Unicode text" (.txt, UTF-16 LE, tab-separated).

The hot loop is ``csv.reader`` over a ``TextIOWrapper`` fed by C-level ``readline`` calls; the only Python
work per record is building the :class:`SourceRow`. Every cell is a ``str`` exactly as written ("" for an
empty cell); rows may be ragged (as many cells as the record has). ``SourceRow.number`` is the record number
(header record = 1); a blank line is a record with no cells, so numbers match the rows Excel shows.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import partial
from itertools import count
from pathlib import Path
from typing import IO, cast

from app.errors import InputFileError
from app.ingest import encoding, limits
from app.ingest.encoding import Encoding, NotTextError, detect
from app.ingest.types import CellValue, ReadNote, SheetInfo, SourceRow

DELIMITERS = (",", ";", "\t", "|")
_SEP_HINT = re.compile(r"sep=(.)\r?\n", re.I)
_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def sniff_delimiter(text: str, preferred: str = ",") -> str:
    """Pick the delimiter among comma, semicolon, tab and pipe that splits the sample most consistently."""
    lines = text.splitlines(keepends=True)
    if len(lines) > 1 and len(text) >= limits.SNIFF_BYTES // 2:
        lines = lines[:-1]  # the last line of a truncated sample may be cut short
    lines = lines[:200]
    best, best_score = preferred, (0.0, 0, 0)
    for delim in DELIMITERS:
        try:
            widths = [len(rec) for rec in csv.reader(lines, delimiter=delim, strict=False) if rec]
        except csv.Error:
            continue
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        if modal < 2:
            continue
        consistency = round(widths.count(modal) / len(widths), 2)
        score = (consistency, modal, int(delim == preferred))
        if score > best_score:
            best, best_score = delim, score
    return best


class DelimitedReader:
    """An open delimited-text file: one sheet named after the file, streamed record by record."""

    def __init__(self, path: Path, fmt: str, *, delimiter: str | None = None) -> None:
        self.path = path
        self.format = fmt
        self._notes: list[ReadNote] = []
        self._raw: IO[bytes] | None = None
        try:
            self.bytes_total = path.stat().st_size
            with path.open("rb") as f:
                sample = f.read(limits.SNIFF_BYTES)
        except OSError as exc:
            raise InputFileError(path, f"cannot read the file ({exc.strerror or exc})") from exc
        if not sample:
            raise InputFileError(path, "the file is empty")
        try:
            self.encoding: Encoding = detect(sample, complete=len(sample) >= self.bytes_total)
        except NotTextError as exc:
            raise InputFileError(path, f"not a text spreadsheet: {exc}") from exc
        text = sample[self.encoding.bom :].decode(self.encoding.codec, errors="replace")
        hint = _SEP_HINT.match(text)
        self._skip_hint = hint is not None
        if hint is not None and delimiter is None:
            delimiter = hint.group(1)  # Excel's "sep=;" first line: Excel obeys and hides it, so do we
        if delimiter is None:
            delimiter = sniff_delimiter(text, "\t" if fmt in ("tsv", "txt") else ",")
        self.delimiter = delimiter
        self._notes.append(ReadNote("ENCODING", f"read as {self.encoding.label}"))
        self._notes.append(
            ReadNote("DELIMITER", f"fields separated by {_NAMES.get(delimiter, repr(delimiter))}")
        )

    def sheets(self) -> list[SheetInfo]:
        return [SheetInfo(self.path.stem)]

    def notes(self) -> list[ReadNote]:
        return list(self._notes)

    def bytes_done(self) -> int:
        """Bytes consumed so far by the current ``rows()`` stream (for progress bars)."""
        raw = self._raw
        if raw is None or raw.closed:
            return 0
        return raw.tell()

    def rows(self, sheet: str | None = None) -> Iterator[SourceRow]:
        if sheet is not None and sheet != self.path.stem:
            raise InputFileError(self.path, f"no sheet named {sheet!r} (a text file has one sheet)")
        return self._rows()

    def _rows(self) -> Iterator[SourceRow]:
        enc = self.encoding
        old_limit = csv.field_size_limit(limits.MAX_CELL_CHARS)
        try:
            raw = self.path.open("rb")
        except OSError as exc:
            raise InputFileError(self.path, f"cannot read the file ({exc.strerror or exc})") from exc
        self._raw = raw
        numbers = count(1)
        fallback_before = encoding.fallback_bytes
        try:
            raw.seek(enc.bom)
            text = io.TextIOWrapper(raw, encoding=enc.codec, errors=enc.errors, newline="")
            if self._skip_hint:
                text.readline()
            lines = iter(partial(text.readline, limits.MAX_LINE_CHARS), "")
            records = cast(
                "Iterator[list[CellValue]]",
                csv.reader(_guard_lines(lines), delimiter=self.delimiter, strict=False),
            )
            # map() draws the number before the record, so after a failure the failing record's number is the
            # last one drawn: next(numbers) - 1.
            yield from map(SourceRow, numbers, records)
        except csv.Error as exc:
            raise InputFileError(self.path, _csv_problem(exc), row=next(numbers) - 1) from exc
        except _LineTooLong as exc:
            raise InputFileError(self.path, str(exc), row=next(numbers) - 1) from exc
        except UnicodeDecodeError as exc:
            problem = f"not valid {enc.label} text ({exc.reason})"
            raise InputFileError(self.path, problem, row=next(numbers) - 1) from exc
        finally:
            csv.field_size_limit(old_limit)
            raw.close()
            fell_back = encoding.fallback_bytes - fallback_before
            if fell_back and not any(n.code == "ENCODING_FALLBACK" for n in self._notes):
                self._notes.append(
                    ReadNote(
                        "ENCODING_FALLBACK",
                        f"{fell_back} byte(s) were not valid UTF-8 and were read as Windows-1252 (µ, é, “)",
                    )
                )

    def close(self) -> None:
        if self._raw is not None:
            self._raw.close()

    def __enter__(self) -> DelimitedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _LineTooLong(Exception):
    pass


def _guard_lines(lines: Iterator[str]) -> Iterator[str]:
    """Pass lines through, refusing one that reached the read cap without ending (a huge cell or a binary
    blob)."""
    cap = limits.MAX_LINE_CHARS
    for line in lines:
        if len(line) >= cap and line[-1] not in "\r\n":
            raise _LineTooLong(f"a line longer than {cap >> 20} MiB characters (cell too large)")
        yield line


def _csv_problem(exc: csv.Error) -> str:
    msg = str(exc)
    if "field larger than field limit" in msg:
        return f"a cell larger than {limits.MAX_CELL_CHARS >> 20} MiB characters"
    return f"malformed delimited text ({msg})"
