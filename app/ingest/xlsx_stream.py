"""Memory-flat XLSX cell reader for sheets too large to load whole with calamine.

calamine is fast but holds the entire sheet in memory (about 100 bytes per cell). Above
``limits.LARGE_SHEET_CELLS`` cells (or ``limits.LARGE_SHEET_BYTES`` of sheet XML) the reader switches to this
module: the sheet part is inflated in chunks and each complete ``<row>`` element is decoded with a few regular
expressions, so memory stays flat in the number of rows (shared strings, as in Excel itself, stay in memory).
Values follow the same rules as the calamine path; it is about 5x slower.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

from app.ingest.types import CellValue, ExcelError
from app.ingest.xlsx_scan import column_index

_CHUNK = 1 << 20
_ROW = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?row>)", re.S)
_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b"
    rb'(?=[^>]*?\br="([A-Z]+)\d*")?(?=[^>]*?\bs="(\d+)")?(?=[^>]*?\bt="(\w+)")?'
    rb"[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?c>)",
    re.S,
)
_R_ROW = re.compile(rb'\br="(\d+)"')
_V = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v>", re.S)
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.S)
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b([^>]*)>(.*?)</(?:[\w.-]+:)?t>|<(?:[\w.-]+:)?t\b[^>]*/>", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#\d+|lt|gt|amp|quot|apos);")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_MAX_EXACT = 2**53


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] == "#":
        return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
    return _NAMED[name]


_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)


def unescape_text(raw: bytes, *, trim: bool = False) -> str:
    """XML character data -> text: entities and CDATA, optionally trimmed (like calamine: before the escapes),
    then Excel's ``_xHHHH_`` escapes (``_x000D_`` -> CR)."""
    if b"<![CDATA[" in raw:
        pieces = _CDATA.split(raw)  # even: character data, odd: CDATA content (taken literally)
        text = "".join(
            p.decode("utf-8") if i % 2 else _entities(p.decode("utf-8")) for i, p in enumerate(pieces)
        )
    else:
        text = _entities(raw.decode("utf-8"))
    return _escapes(text.strip() if trim else text)


def _entities(text: str) -> str:
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _escapes(text: str) -> str:
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    return text


def rich_text(xml: bytes) -> str:
    """The plain text of an ``<si>``/``<is>`` element body: its ``<t>`` runs, without phonetic guides; text
    not marked ``xml:space="preserve"`` is trimmed (as Excel and calamine do)."""
    if b"rPh" in xml:
        xml = _PHONETIC.sub(b"", xml)
    parts = []
    for m in _TEXT.finditer(xml):
        body = m.group(2)
        if body is None:
            continue
        parts.append(unescape_text(body, trim=b"preserve" not in (m.group(1) or b"")))
    return "".join(parts)


_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _element_text(si: Element) -> str:
    parts = []
    for child in si:
        tag = child.tag.rsplit("}", 1)[-1]
        runs = (
            [child]
            if tag == "t"
            else [t for t in child if t.tag.rsplit("}", 1)[-1] == "t"]
            if tag == "r"
            else []
        )
        for t in runs:
            text = t.text or ""
            parts.append(_escapes(text if t.get(_XML_SPACE) == "preserve" else text.strip()))
    return "".join(parts)


def shared_strings(zf: zipfile.ZipFile, member: str | None) -> list[str]:
    """All shared strings, streamed with defusedxml's iterparse (phonetic guides left out)."""
    if member is None:
        return []
    out: list[str] = []
    with zf.open(member) as f:
        for _, el in SafeET.iterparse(f, events=("end",)):
            if el.tag.rsplit("}", 1)[-1] == "si":
                out.append(_element_text(el))
                el.clear()
    return out


def serial_to_date(serial: float, date1904: bool) -> dt.date | dt.datetime:
    """An Excel serial in the workbook's date system -> date (whole days) or datetime."""
    if date1904:
        moment = _EPOCH_1904 + dt.timedelta(days=serial)
    elif serial < 60:
        moment = _EPOCH_1900 + dt.timedelta(days=serial + 1)  # Excel's fictitious 1900-02-29 comes later
    else:
        moment = _EPOCH_1900 + dt.timedelta(days=serial)
    # Excel keeps milliseconds; the float serial adds noise below that (10:30 -> 10:29:59.999999)
    moment = moment.replace(microsecond=0) + dt.timedelta(milliseconds=round(moment.microsecond / 1000))
    return moment.date() if moment.time() == dt.time(0) else moment


def _time_text(serial: float) -> str:
    seconds = round((serial % 1) * 86400) % 86400
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def duration_text(seconds: int) -> str:
    """A duration in whole seconds as Excel's ``[h]:mm:ss`` text (both readers give durations this way)."""
    sign = "-" if seconds < 0 else ""
    h, rest = divmod(abs(seconds), 3600)
    return f"{sign}{h}:{rest // 60:02d}:{rest % 60:02d}"


class CellDecoder:
    """Decodes one ``<c>`` element with the workbook's shared strings, styles and date system."""

    def __init__(self, strings: list[str], kinds: list[str | None], date1904: bool) -> None:
        self.strings = strings
        self.kinds = kinds
        self.date1904 = date1904

    def value(self, kind: bytes | None, style: bytes | None, body: bytes | None) -> CellValue:
        """Decode a cell from its ``t`` and ``s`` attributes and its element body."""
        if not body:
            return None
        if kind == b"inlineStr":
            if body.startswith(b"<is><t>") and body.endswith(b"</t></is>") and b"<" not in body[7:-9]:
                return unescape_text(body[7:-9], trim=True) or None  # the common plain inline string
            return rich_text(body) or None
        if body.startswith(b"<v>") and body.endswith(b"</v>") and b"<" not in body[3:-4]:
            raw = body[3:-4]
        else:
            v = _V.search(body)
            if v is None:
                return None
            raw = v.group(1)
        if kind is None or kind == b"n":
            return self._number(raw, style)
        if kind == b"s":
            try:
                return self.strings[int(raw)] or None
            except (ValueError, IndexError):
                return None
        if kind == b"str":
            return unescape_text(raw) or None
        if kind == b"b":
            return raw.strip() in (b"1", b"true")
        if kind == b"e":
            return ExcelError(unescape_text(raw).strip())
        if kind == b"d":
            text = raw.decode().strip()
            try:
                moment = dt.datetime.fromisoformat(text.rstrip("Z"))
            except ValueError:
                return text
            return moment.date() if moment.time() == dt.time(0) else moment
        return unescape_text(raw) or None

    def _number(self, raw: bytes, style: bytes | None) -> CellValue:
        try:
            number = float(raw)
        except ValueError:
            return unescape_text(raw) or None
        kind = None
        if style is not None:
            index = int(style)
            kind = self.kinds[index] if index < len(self.kinds) else None
        if kind is None:
            if number.is_integer() and -_MAX_EXACT < number < _MAX_EXACT:
                return int(number)
            return number
        if kind == "duration":
            return duration_text(round(number * 86400))
        if kind == "time" and 0 <= number < 1:
            return _time_text(number)
        try:
            return serial_to_date(number, self.date1904)
        except OverflowError:
            return number


def _row_cut(buf: bytes) -> int:
    """End of the last complete ``<row>`` element in ``buf`` (0 if none)."""
    at = buf.rfind(b"row>")
    while at >= 0:
        lt = buf.rfind(b"<", 0, at)
        if lt >= 0 and buf[lt + 1 : lt + 2] == b"/":
            return at + 4
        at = buf.rfind(b"row>", 0, at)
    return 0


def stream_rows(
    zf: zipfile.ZipFile, member: str, decoder: CellDecoder
) -> Iterator[tuple[int, list[CellValue]]]:
    """Yield (Excel row number, values aligned to column A) for every ``<row>`` of the sheet, in order."""
    carry = b""
    last_row = 0
    with zf.open(member) as f:
        while True:
            chunk = f.read(_CHUNK)
            buf = carry + chunk
            cut = _row_cut(buf) if chunk else len(buf)
            if chunk and cut == 0:
                carry = buf
                continue
            for row in _ROW.finditer(buf, 0, cut):
                r = _R_ROW.search(row.group(1))
                last_row = int(r.group(1)) if r else last_row + 1
                yield last_row, _cells(row.group(2), decoder)
            carry = buf[cut:]
            if not chunk:
                return


def _cells(body: bytes | None, decoder: CellDecoder) -> list[CellValue]:
    values: list[CellValue] = []
    if not body:
        return values
    col = -1
    value_of = decoder.value
    for letters, style, kind, inner in _CELL.findall(body):
        col = column_index(letters) if letters else col + 1
        value = value_of(kind or None, style or None, inner)
        if value is None:
            continue
        if col >= len(values):
            values.extend([None] * (col + 1 - len(values)))
        values[col] = value
    return values
