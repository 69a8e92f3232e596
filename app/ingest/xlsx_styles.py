"""Which cell styles make a number a date, a time of day or a duration (for the streaming XLSX reader).

Excel stores dates as serial numbers; only the cell's number format says "this is a date". We read the cellXfs
of styles.xml (small, parsed with defusedxml) and classify each format code.
"""

from __future__ import annotations

import re
import zipfile

from defusedxml import ElementTree as SafeET

# Built-in number formats that are dates/times (ECMA-376 18.8.30, plus the East Asian ids Excel uses).
_BUILTIN_DATE = {
    14,
    15,
    16,
    17,
    22,
    27,
    28,
    29,
    30,
    31,
    34,
    35,
    36,
    50,
    51,
    52,
    53,
    54,
    57,
    58,
    71,
    72,
    73,
    74,
}
_BUILTIN_TIME = {18, 19, 20, 21, 32, 33, 45, 47, 55, 56, 75, 76, 79, 81}
_BUILTIN_DURATION = {46, 80}
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[[^\]]*\]")
_ELAPSED = re.compile(r"\[(?:h+|m+|s+)\]", re.I)


def classify_format(code: str) -> str | None:
    """ "date", "time" or "duration" for a date/time number format code, else None."""
    section = code.split(";", 1)[0]
    if _ELAPSED.search(section):
        return "duration"
    bare = _BRACKET.sub("", _QUOTED.sub("", section)).lower()
    if "general" in bare and not re.search(r"[dy]", bare.replace("general", "")):
        return None
    has_date = bool(re.search(r"[dy]", bare)) or ("m" in bare and not re.search(r"[hs]", bare))
    has_time = bool(re.search(r"[hs]", bare))
    if has_date:
        return "date"
    if has_time:
        return "time"
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def style_kinds(zf: zipfile.ZipFile, member: str | None) -> list[str | None]:
    """For each cellXfs index, the kind of its number format ("date", "time", "duration" or None)."""
    if member is None:
        return []
    with zf.open(member) as f:
        root = SafeET.fromstring(f.read())
    custom: dict[int, str] = {}
    kinds: list[str | None] = []
    for section in root:
        tag = _local(section.tag)
        if tag == "numFmts":
            for fmt in section:
                try:
                    custom[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
        elif tag == "cellXfs":
            for xf in section:
                try:
                    fid = int(xf.get("numFmtId", "0"))
                except ValueError:
                    fid = 0
                if fid in custom:
                    kinds.append(classify_format(custom[fid]))
                elif fid in _BUILTIN_DATE:
                    kinds.append("date")
                elif fid in _BUILTIN_TIME:
                    kinds.append("time")
                elif fid in _BUILTIN_DURATION:
                    kinds.append("duration")
                else:
                    kinds.append(None)
    return kinds
