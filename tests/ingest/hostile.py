"""Builders of hostile and broken files for the tests (generated into tmp_path; never committed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook


def letters_block(size: int = 1 << 20, seed: int = 1) -> bytes:
    """``size`` pseudo-random lowercase letters: incompressible enough that no zip ratio check fires."""
    import random

    return random.Random(seed).randbytes(size).translate(bytes(97 + b % 26 for b in range(256)))


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
)


def small_workbook(path: Path, rows: list[list[object]] | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows or [["Name", "CAS"], ["Acetone", "67-64-1"]]:
        ws.append(row)
    wb.save(path)
    return path


def rewrite_member(src: Path, dst: Path, member: str, data: bytes, *, compresslevel: int = 6) -> Path:
    """Copy the zip ``src`` to ``dst`` with ``member`` replaced (or added) by ``data``."""
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zout,
    ):
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info, zin.read(info))
        zout.writestr(member, data)
    return dst


def entity_bomb(tmp: Path) -> Path:
    base = small_workbook(tmp / "base.xlsx")
    return rewrite_member(base, tmp / "bomb.xlsx", "xl/sharedStrings.xml", BILLION_LAUGHS.encode())


def zip_bomb(tmp: Path, mib: int = 200) -> Path:
    """A workbook whose sheet inflates ``mib`` MiB of a single repeated byte (ratio ~1000:1)."""
    base = small_workbook(tmp / "base.xlsx")
    dst = tmp / "zipbomb.xlsx"
    with (
        zipfile.ZipFile(base) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                zout.writestr(info, zin.read(info))
        with zout.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            block = b" " * (1 << 20)
            for _ in range(mib):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return dst


NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_workbook(
    path: Path,
    sheet_data: str,
    *,
    shared: list[str] | None = None,
    after_data: str = "",
    workbook_pr: str = "",
    big_shared: int = 0,
) -> Path:
    """A hand-made minimal workbook: one sheet "Data" with ``sheet_data`` (its <row> elements) and optional
    shared strings; ``big_shared`` MiB of letters are appended as one more shared string (index
    ``len(shared)``)."""
    sst = shared is not None or big_shared
    rels = f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
    if sst:
        rels += f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>",
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f"<workbook {NS} {RNS}>{workbook_pr}<sheets>"
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PKG}">{rels}</Relationships>')
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f"<worksheet {NS}><sheetData>{sheet_data}</sheetData>{after_data}</worksheet>",
        )
        if sst:
            items = "".join(f"<si><t>{t}</t></si>" for t in shared or [])
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(f"<sst {NS}>{items}".encode())
                if big_shared:
                    f.write(b"<si><t>")
                    block = letters_block()
                    for _ in range(big_shared):
                        f.write(block)
                    f.write(b"</t></si>")
                f.write(b"</sst>")
    return path


def huge_shared_string(tmp: Path, mib: int = 100) -> Path:
    """A workbook whose cell B7 holds a ``mib`` MiB shared string."""
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="7"><c r="B7" t="s"><v>1</v></c></row>'
    return raw_workbook(tmp / "hugecell.xlsx", rows, shared=["Name"], big_shared=mib)


def huge_inline_string(tmp: Path, mib: int = 100) -> Path:
    """A workbook whose cell A3 holds a ``mib`` MiB inline string."""
    path = tmp / "hugeinline.xlsx"
    raw_workbook(path, '<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>')
    big = letters_block() * mib
    sheet = (
        (
            f'<worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
            '<row r="3"><c r="A3" t="inlineStr"><is><t>'
        ).encode()
        + big
        + b"</t></is></c></row></sheetData></worksheet>"
    )
    return rewrite_member(path, tmp / "hugeinline2.xlsx", "xl/worksheets/sheet1.xml", sheet, compresslevel=1)


def huge_csv_cell(tmp: Path, mib: int = 100, quoted: bool = False) -> Path:
    path = tmp / "hugecell.csv"
    with path.open("wb") as f:
        f.write(b"Name,Notes\nAcetone,")
        if quoted:
            f.write(b'"')
        block = letters_block()
        for _ in range(mib):
            f.write(block)
        if quoted:
            f.write(b'"')
        f.write(b"\n")
    return path
