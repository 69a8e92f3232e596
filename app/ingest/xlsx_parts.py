"""Locate a workbook's parts: the workbook part, each sheet's name, visibility and XML part, and shared
strings.

Follows the package relationships (so non-``xl/`` layouts work), falls back to the conventional paths when a
writer left them out, and matches elements by local name (so Strict OOXML namespaces work too). Parsed with
defusedxml; these parts are small.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeET

_OFFICE_DOC = "officeDocument"
_MAX_SMALL_PART = 32 << 20


@dataclass(frozen=True, slots=True)
class SheetPart:
    """A sheet as the workbook declares it."""

    name: str
    state: str  # "visible", "hidden", "veryHidden"
    part: str | None  # zip member of its XML, None if it cannot be found
    kind: str  # "worksheet", "chartsheet", "dialogsheet", "macrosheet", ...


@dataclass(frozen=True, slots=True)
class WorkbookParts:
    workbook: str
    sheets: list[SheetPart]
    shared_strings: str | None
    date1904: bool
    styles: str | None = None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(el: Element, name: str) -> str | None:
    for key, value in el.attrib.items():
        if _local(key) == name:
            return value
    return None


def _parse(zf: zipfile.ZipFile, member: str) -> Element | None:
    try:
        info = zf.getinfo(member)
    except KeyError:
        return None
    if info.file_size > _MAX_SMALL_PART:
        raise ValueError(f"{member} is implausibly large ({info.file_size >> 20} MiB)")
    with zf.open(info) as f:
        root: Element = SafeET.fromstring(f.read())
    return root


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type local name, resolved member path) for ``part``."""
    folder, base = posixpath.split(part)
    root = _parse(zf, posixpath.join(folder, "_rels", base + ".rels"))
    out: dict[str, tuple[str, str]] = {}
    if root is None:
        return out
    for rel in root:
        rid, target, kind = rel.get("Id"), rel.get("Target"), rel.get("Type", "")
        if not rid or not target or rel.get("TargetMode") == "External":
            continue
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rid] = (kind.rsplit("/", 1)[-1], resolved)
    return out


def read_parts(zf: zipfile.ZipFile) -> WorkbookParts:
    """Read the workbook structure; raises ValueError when there is no workbook part."""
    members = {n.lower(): n for n in zf.namelist()}  # member names match case-insensitively

    def find(wanted: str) -> str | None:
        return members.get(wanted.lower())

    workbook = next((t for k, t in _rels(zf, "").values() if k == _OFFICE_DOC), None)
    if workbook is None or find(workbook) is None:
        workbook = find("xl/workbook.xml")
    if workbook is None:
        raise ValueError("no workbook part (not an Excel workbook)")
    workbook = find(workbook) or workbook
    root = _parse(zf, workbook)
    if root is None:
        raise ValueError("no workbook part (not an Excel workbook)")
    rels = _rels(zf, workbook)
    folder = posixpath.dirname(workbook)
    date1904 = False
    sheets: list[SheetPart] = []
    index = 0
    children = [(_local(el.tag), el) for el in root]
    sheet_elements = [el for tag, el in children if tag == "sheets" for el in el]
    for tag, el in children + [("sheet", el) for el in sheet_elements]:
        if tag == "workbookPr":
            date1904 = (el.get("date1904") or "").lower() in ("1", "true")
        elif tag == "sheet":
            index += 1
            rid = _attr(el, "id")
            kind, member = rels.get(rid or "", ("worksheet", ""))
            found = find(member) if member else None
            if found is None and not rels:
                found = find(posixpath.join(folder, f"worksheets/sheet{index}.xml"))
            sheets.append(SheetPart(el.get("name", f"Sheet{index}"), el.get("state", "visible"), found, kind))

    def related(kind: str, conventional: str) -> str | None:
        """The workbook's part of relationship ``kind`` (its conventional path when there are no rels)."""
        target = next((t for k, t in rels.values() if k == kind), None)
        if target is None and not rels:
            target = posixpath.join(folder, conventional)
        return find(target) if target else None

    shared = related("sharedStrings", "sharedStrings.xml")
    styles = related("styles", "styles.xml")
    return WorkbookParts(workbook, sheets, shared, date1904, styles)
