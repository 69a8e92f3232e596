"""One streaming pass over a worksheet's XML for what calamine does not report: hidden rows, merged ranges and
Excel error cells (calamine gives an error cell as ""), plus the oversized-cell guard.

The pass never builds a tree: it inflates the part in 1 MiB chunks (capped by the declared size; the CRC is
checked at the end) and looks for a few byte needles (``hidden="``, ``t="e"``, ``mergeCell``) with
``bytes.find``, parsing only the tags they occur in. Cost: about the speed of inflating the part.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.ingest import limits

_CHUNK = 1 << 20
_OVERLAP = 64 << 10
_MAX_CARRY = 4 << 20
_TAG_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b")
_TAG_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b")
_TAG_MERGE = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*>")
_ATTR_R = re.compile(rb'\sr="([A-Z]*)(\d+)"')
_ATTR_REF = re.compile(rb'\sref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_ATTR_HIDDEN = re.compile(rb'\shidden="(1|true)"')
_ATTR_T = re.compile(rb'\st="([^"]*)"')
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>([^<]*)</(?:[\w.-]+:)?v>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_PREFIXED = re.compile(rb"<[\w.-]+:(?:worksheet|sheetData|row|c)\b")
_ROW_NUMBERS = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr="(\d+)"')


class OversizedCell(ValueError):
    """A text run longer than the cell cap; ``row`` is the 1-based Excel row when known."""

    def __init__(self, row: int | None) -> None:
        super().__init__(f"a cell larger than {limits.MAX_CELL_CHARS >> 20} MiB")
        self.row = row


@dataclass(slots=True)
class SheetScan:
    """What the scan found. Rows are 1-based Excel rows; columns 0-based."""

    hidden_rows: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # first row, first col, last row, last col
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    bytes_read: int = 0
    last_row: int | None = None  # the last <row r=".."> number seen
    cells: int = 0  # about how many <c> elements the sheet has (decides calamine vs streaming)
    count_cells: bool = True  # False once the caller decided from the first chunk (``cells`` stops there)


def column_index(letters: bytes) -> int:
    """``b"A"`` -> 0, ``b"AA"`` -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _chunks(zf: zipfile.ZipFile, member: str, scan: SheetScan) -> Iterator[bytes]:
    """Inflate ``member`` chunk by chunk, refusing a text run (no ``<``) longer than the cell cap."""
    run = 0
    row: int | None = None  # the last <row r=".."> seen, to name the row of an oversized cell
    prefixed: bool | None = None  # cells written as <x:c ...> (a namespace prefix): count those too
    with zf.open(member) as f:
        while chunk := f.read(_CHUNK):
            scan.bytes_read += len(chunk)
            if prefixed is None:
                prefixed = _PREFIXED.search(chunk) is not None
            if scan.count_cells:
                scan.cells += chunk.count(b"<c ") + (chunk.count(b":c ") if prefixed else 0)
            first = chunk.find(b"<")
            run += len(chunk) if first < 0 else first
            if run > limits.MAX_CELL_CHARS:
                raise OversizedCell(row)
            if first >= 0:
                run = len(chunk) - chunk.rfind(b"<") - 1
                at = chunk.rfind(b"row ")
                if at >= 0:
                    row = _last_row(chunk[max(0, at - 40) : at + 400]) or row
                    scan.last_row = row
            yield chunk


def _last_row(data: bytes) -> int | None:
    rows = _ROW_NUMBERS.findall(data)
    return int(rows[-1]) if rows else None


def scan_sheet(
    zf: zipfile.ZipFile, member: str, on_first_chunk: Callable[[SheetScan], bool] | None = None
) -> SheetScan:
    """Scan one worksheet part; raises :class:`OversizedCell`, ``zipfile.BadZipFile`` or ``ValueError``.

    ``on_first_chunk`` is called once with the counts of the first chunk (``cells``, ``bytes_read``), so that
    the caller can estimate the sheet's size and start work that overlaps the rest of the scan; when it
    returns True the caller has decided, and cells are no longer counted (``cells`` then covers the first
    chunk only).
    """
    scan = SheetScan()
    carry = b""
    chunks = _chunks(zf, member, scan)
    final = False
    first = True
    while not final:
        chunk = next(chunks, b"")
        if first and on_first_chunk is not None and on_first_chunk(scan):
            scan.count_cells = False
        first = False
        final = not chunk
        buf = carry + chunk
        if final:
            end = len(buf)
        else:
            end = buf.rfind(b"<", 0, max(0, len(buf) - _OVERLAP))
            if end <= 0:
                if len(buf) > _MAX_CARRY:
                    raise ValueError(f"{member}: malformed worksheet XML (no tags in {_MAX_CARRY >> 20} MiB)")
                carry = buf
                continue
        end = _scan_errors(buf, end, final, scan)
        _scan_hidden(buf, end, scan)
        _scan_merges(buf, end, scan)
        carry = buf[end:]
    return scan


def _tag_start(buf: bytes, pos: int) -> int:
    return buf.rfind(b"<", 0, pos)


def _scan_hidden(buf: bytes, end: int, scan: SheetScan) -> None:
    pos = buf.find(b'hidden="', 0, end)
    while pos >= 0:
        start = _tag_start(buf, pos)
        stop = buf.find(b">", pos)
        tag = buf[start : stop + 1]
        if _TAG_ROW.match(tag) and _ATTR_HIDDEN.search(tag):
            r = _ATTR_R.search(tag)
            if r is not None:
                scan.hidden_rows.add(int(r.group(2)))
        pos = buf.find(b'hidden="', pos + 8, end)


def _scan_errors(buf: bytes, end: int, final: bool, scan: SheetScan) -> int:
    """Record ``t="e"`` cells that start before ``end``; returns a possibly earlier ``end`` so that a cell cut
    by the chunk boundary is scanned with the next chunk."""
    pos = buf.find(b't="e"', 0, end)
    while pos >= 0:
        start = _tag_start(buf, pos)
        stop = buf.find(b">", pos)
        tag = buf[start : stop + 1]
        if _TAG_CELL.match(tag) and (t := _ATTR_T.search(tag)) is not None and t.group(1) == b"e":
            if tag.endswith(b"/>"):
                pass  # an error cell without a cached value: nothing to report
            else:
                close = _CELL_END.search(buf, stop + 1)
                if close is None and not final:
                    return start
                body = buf[stop + 1 : close.start() if close else len(buf)]
                value = _VALUE.search(body)
                r = _ATTR_R.search(tag)
                if value is not None and r is not None and r.group(1):
                    code = value.group(1).decode("utf-8", "replace").strip()
                    scan.errors[(int(r.group(2)), column_index(r.group(1)))] = code
        pos = buf.find(b't="e"', pos + 5, end)
    return end


def _scan_merges(buf: bytes, end: int, scan: SheetScan) -> None:
    pos = buf.find(b"mergeCell ", 0, end)
    while pos >= 0:
        m = _TAG_MERGE.match(buf, _tag_start(buf, pos))
        if m is not None and (ref := _ATTR_REF.search(m.group(0))) is not None and ref.group(3):
            c1, r1, c2, r2 = ref.groups()
            scan.merges.append((int(r1), column_index(c1), int(r2), column_index(c2)))
        pos = buf.find(b"mergeCell ", pos + 10, end)


def scan_text_runs(zf: zipfile.ZipFile, member: str) -> int | None:
    """Check a shared-strings part for an oversized string; returns its 0-based index, or None if all fit."""
    scan = SheetScan()
    count = 0
    carry = b""
    try:
        for chunk in _chunks(zf, member, scan):
            buf = carry + chunk
            cut = max(0, len(buf) - 16)
            count += len(re.findall(rb"<(?:[\w.-]+:)?si[\s>]", buf[:cut]))
            carry = buf[cut:]
    except OversizedCell:
        return count - 1 + len(re.findall(rb"<(?:[\w.-]+:)?si[\s>]", carry))
    return None


def find_shared_string_row(zf: zipfile.ZipFile, member: str, index: int) -> int | None:
    """The first Excel row with a cell using shared string ``index`` (names the row of an oversized one)."""
    needle = re.compile(rb"<(?:[\w.-]+:)?c\b[^>]*>\s*<(?:[\w.-]+:)?v>" + str(index).encode() + rb"</")
    carry = b""
    with zf.open(member) as f:
        while chunk := f.read(_CHUNK):
            buf = carry + chunk
            m = needle.search(buf)
            if m is not None:
                r = _ATTR_R.search(m.group(0))
                return int(r.group(2)) if r else _last_row(buf[: m.start()])
            carry = buf[-4096:]
    return None
