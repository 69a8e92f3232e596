"""Hostile and broken files are refused with InputFileError (exit 2, one line naming the file), quickly."""

from __future__ import annotations

import codecs
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from app.errors import EXIT_USAGE, InputFileError
from app.ingest import open_table

from . import hostile

ROOT = Path(__file__).resolve().parents[2]


def _drain(path: Path) -> None:
    with open_table(path) as reader:
        for _ in reader.rows():
            pass


def _refused(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as info:
        _drain(path)
    err = info.value
    assert err.exit_code == EXIT_USAGE
    assert str(path) in str(err)
    assert "\n" not in str(err)
    return err


def test_xml_entity_bomb(tmp_path: Path) -> None:
    assert "DOCTYPE" in str(_refused(hostile.entity_bomb(tmp_path)))


def test_external_entity_in_sheet(tmp_path: Path) -> None:
    base = hostile.small_workbook(tmp_path / "base.xlsx")
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
    )
    path = hostile.rewrite_member(base, tmp_path / "xxe.xlsx", "xl/worksheets/sheet1.xml", xxe)
    assert "DOCTYPE" in str(_refused(path))


def test_utf16_encoded_doctype_is_seen(tmp_path: Path) -> None:
    base = hostile.small_workbook(tmp_path / "base.xlsx")
    data = codecs.BOM_UTF16_LE + hostile.BILLION_LAUGHS.replace('<?xml version="1.0"?>', "").encode(
        "utf-16-le"
    )
    path = hostile.rewrite_member(base, tmp_path / "u16.xlsx", "xl/sharedStrings.xml", data)
    assert "DOCTYPE" in str(_refused(path))


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    assert "zip bomb" in str(_refused(hostile.zip_bomb(tmp_path, mib=64)))


def test_zip_bomb_by_declared_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ingest import limits

    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL_BYTES", 1 << 10)
    assert "zip bomb" in str(_refused(hostile.small_workbook(tmp_path / "small.xlsx")))


def test_too_many_zip_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ingest import limits

    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 5)
    assert "parts" in str(_refused(hostile.small_workbook(tmp_path / "small.xlsx")))


def test_random_binary_named_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "random.xlsx"
    path.write_bytes(random.Random(3).randbytes(10_000))
    assert "not an Excel workbook" in str(_refused(path))


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", "hello")
    assert "not an Excel workbook" in str(_refused(path))


def test_truncated_workbook(tmp_path: Path) -> None:
    full = hostile.small_workbook(tmp_path / "full.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(full[: len(full) // 2])
    _refused(path)


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv", "empty.txt"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    assert "empty" in str(_refused(path))


def test_encrypted_workbook(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(header + "EncryptionInfo".encode("utf-16-le") + bytes(64) + os.urandom(2048))
    assert "encrypted" in str(_refused(path))


def test_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le"))
    assert "97-2003" in str(_refused(path))


def test_huge_cell_in_csv_names_the_row(tmp_path: Path) -> None:
    err = _refused(hostile.huge_csv_cell(tmp_path, mib=8))
    assert err.row == 2
    assert "too large" in str(err) or "larger than" in str(err)


def test_huge_quoted_multiline_cell_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_bytes(b'Name,Notes\nA,"' + (b"0123456789" * 10 + b"\n") * 30_000 + b'"\n')
    err = _refused(path)
    assert err.row == 2
    assert "larger than 1 MiB" in str(err)


def test_huge_shared_string_names_the_row(tmp_path: Path) -> None:
    err = _refused(hostile.huge_shared_string(tmp_path, mib=3))
    assert err.row == 7


def test_huge_inline_string_names_the_row(tmp_path: Path) -> None:
    err = _refused(hostile.huge_inline_string(tmp_path, mib=3))
    assert err.row == 3


def test_binary_garbage_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(random.Random(5).randbytes(50_000))
    assert "not a text spreadsheet" in str(_refused(path))


def test_high_byte_garbage_named_csv(tmp_path: Path) -> None:
    path = tmp_path / "garbage2.csv"
    path.write_bytes(bytes(b | 0x80 for b in random.Random(6).randbytes(50_000)))
    assert "not a text spreadsheet" in str(_refused(path))


def test_invalid_utf16_is_refused_with_row(tmp_path: Path) -> None:
    path = tmp_path / "broken16.txt"
    good = "a\tb\r\n1\t2\r\n".encode("utf-16-le")
    path.write_bytes(codecs.BOM_UTF16_LE + good + b"\x00\xdc" + "x\r\n".encode("utf-16-le"))  # lone surrogate
    err = _refused(path)
    assert "not valid UTF-16" in str(err)


_CHILD = """
import resource, sys, time
from pathlib import Path
from app.errors import InputFileError
from app.ingest import open_table
t = time.perf_counter()
try:
    with open_table(Path(sys.argv[1])) as r:
        for _ in r.rows():
            pass
except InputFileError as e:
    print(e, file=sys.stderr)
    code = e.exit_code
else:
    code = 0
try:  # VmHWM is this program's own peak; ru_maxrss may carry the forking parent's peak on Linux
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
    rss = int(hwm.split()[1]) // 1024
except OSError:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{time.perf_counter() - t:.3f} {rss}")
sys.exit(code)
"""


@pytest.mark.parametrize("kind", ["zipbomb", "hugecell-xlsx", "hugecell-csv"])
def test_hostile_file_in_a_subprocess_is_bounded(tmp_path: Path, kind: str) -> None:
    """A separate interpreter refuses the file with exit 2 and one stderr line, in bounded time and memory."""
    path = {
        "zipbomb": lambda: hostile.zip_bomb(tmp_path, mib=256),
        "hugecell-xlsx": lambda: hostile.huge_shared_string(tmp_path, mib=100),
        "hugecell-csv": lambda: hostile.huge_csv_cell(tmp_path, mib=100),
    }[kind]()
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    wall = time.perf_counter() - start
    assert proc.returncode == EXIT_USAGE, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert str(path) in lines[0]
    seconds, rss_mb = proc.stdout.split()
    assert float(seconds) < 10
    assert wall < 30
    assert int(rss_mb) < 100, f"peak RSS {rss_mb} MB"


def _lie_about_size(path: Path, member: str, declared: int) -> None:
    """Patch ``member``'s uncompressed size in both the local header and the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        while pos >= 0:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[pos + size_at : pos + size_at + 4] = declared.to_bytes(4, "little")
            pos = data.find(sig, pos + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", ["xl/styles.xml", "xl/worksheets/sheet1.xml"])
def test_central_directory_lying_about_size(tmp_path: Path, member: str) -> None:
    """A part that inflates far beyond its declared size is cut at the declared size and fails its CRC."""
    base = hostile.small_workbook(tmp_path / "base.xlsx")
    with zipfile.ZipFile(base) as z:
        original = z.read(member)
    padded = original.replace(b">", b">" + b" " * (20 << 20), 1)
    path = hostile.rewrite_member(base, tmp_path / "liar.xlsx", member, padded)
    _lie_about_size(path, member, len(original))
    assert "damaged" in str(_refused(path))


def test_shared_strings_lying_about_size(tmp_path: Path) -> None:
    path = hostile.raw_workbook(
        tmp_path / "ss.xlsx", '<row r="1"><c r="A1" t="s"><v>0</v></c></row>', shared=["a"]
    )
    with zipfile.ZipFile(path) as z:
        original = z.read("xl/sharedStrings.xml")
    padded = original.replace(b"<si>", b" " * (20 << 20) + b"<si>", 1)
    liar = hostile.rewrite_member(path, tmp_path / "ss-liar.xlsx", "xl/sharedStrings.xml", padded)
    _lie_about_size(liar, "xl/sharedStrings.xml", len(original))
    assert "damaged" in str(_refused(liar))
