"""Unit and property tests for the delimited-text reader (CSV, TSV, Excel Unicode text)."""

from __future__ import annotations

import codecs
import csv
import io
import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import InputFileError
from app.ingest import open_table
from app.ingest.delimited import sniff_delimiter


def _read(path: Path, sheet: str | None = None) -> list[tuple[int, list[object]]]:
    with open_table(path) as reader:
        return [(row.number, row.values) for row in reader.rows(sheet)]


def _notes(path: Path) -> dict[str, str]:
    with open_table(path) as reader:
        return {n.code: n.message for n in reader.notes()}


def test_cp1252_micro_sign_accents_and_smart_quotes(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_bytes("Name,Amount,PI\nCafé “X”,5 µg,Zoë Ñúñez — lab\n".encode("cp1252"))
    assert _read(path) == [(1, ["Name", "Amount", "PI"]), (2, ["Café “X”", "5 µg", "Zoë Ñúñez — lab"])]
    assert "1252" in _notes(path)["ENCODING"]


def test_cp1252_byte_after_a_long_ascii_prefix_is_not_mojibake(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    body = "Name,Amount\n" + "Acetone,5 mg\n" * 20_000 + "Sodium azide,5 µg\n"
    path.write_bytes(body.encode("cp1252"))
    with open_table(path) as reader:
        rows = list(reader.rows())
        notes = {n.code: n.message for n in reader.notes()}
    assert (rows[-1].number, rows[-1].values) == (20_002, ["Sodium azide", "5 µg"])
    assert notes["ENCODING"] == "read as ASCII/UTF-8"
    assert "read as Windows-1252" in notes["ENCODING_FALLBACK"]


@pytest.mark.parametrize(
    ("codec", "bom", "label"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8 (BOM)"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 LE (BOM)"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 BE (BOM)"),
    ],
)
def test_unicode_encodings(tmp_path: Path, codec: str, bom: bytes, label: str) -> None:
    path = tmp_path / "u.csv"
    path.write_bytes(bom + "Nom,Quantité\nÉthanol,5 µL\n中国人,😀\n".encode(codec))
    assert _read(path) == [(1, ["Nom", "Quantité"]), (2, ["Éthanol", "5 µL"]), (3, ["中国人", "😀"])]
    assert _notes(path)["ENCODING"] == f"read as {label}"


def test_excel_unicode_text_txt(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "CAS\tName\r\n67-64-1\tAcetone, dry\r\n".encode("utf-16-le"))
    with open_table(path) as reader:
        assert reader.format == "txt"
        assert [r.values for r in reader.rows()] == [["CAS", "Name"], ["67-64-1", "Acetone, dry"]]


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_delimiter_sniffing(tmp_path: Path, delim: str) -> None:
    path = tmp_path / "d.csv"
    rows = [["Name", "Amount, total", "Unit"], ["Acetone", "1,5", "L"], ["Ethanol", "2", "mL"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert [v for _, v in _read(path)] == rows


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings_and_quoted_newlines(tmp_path: Path, eol: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(f'a,b{eol}"x{eol}y",2{eol}{eol}z,3{eol}'.encode())
    assert _read(path) == [(1, ["a", "b"]), (2, [f"x{eol}y", "2"]), (3, []), (4, ["z", "3"])]


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_bytes(b"sep=;\r\nName;Qty,1\r\nAcetone;1,5\r\n")
    assert _read(path) == [(1, ["Name", "Qty,1"]), (2, ["Acetone", "1,5"])]


def test_no_trailing_newline_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_bytes(b"a,b,c\n1,2\n3,4,5,6")
    assert _read(path) == [(1, ["a", "b", "c"]), (2, ["1", "2"]), (3, ["3", "4", "5", "6"])]


def test_identifiers_keep_their_text(tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_bytes(b"ID,Qty\n00123,1.50\n")
    assert _read(path)[1] == (2, ["00123", "1.50"])


def test_sheets_and_wrong_sheet_name(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_bytes(b"a\n1\n")
    with open_table(path) as reader:
        assert [s.name for s in reader.sheets()] == ["inventory"]
        assert len(list(reader.rows("inventory"))) == 2
        with pytest.raises(InputFileError, match="no sheet named"):
            reader.rows("Other")


def test_progress_reaches_file_size(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 1000)
    with open_table(path) as reader:
        for _ in reader.rows():
            pass
        assert reader.bytes_total == path.stat().st_size


def test_rows_can_be_read_twice(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with open_table(path) as reader:
        assert list(reader.rows()) == list(reader.rows())


def test_sniffer_prefers_consistent_split() -> None:
    assert sniff_delimiter("a;b;c\n1,5;2;3\n4;5,5;6\n") == ";"
    assert sniff_delimiter("a|b\n1|2\n") == "|"
    assert sniff_delimiter("single column\nvalue\n") == ","


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        open_table(path)


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        open_table(tmp_path / "nope.csv")


def _excel_style(rows: list[list[str]], delim: str, eol: str) -> str:
    """Write rows as Excel does: quote a field holding the delimiter, a quote, CR or LF (Python 3.11's csv
    writer leaves a lone CR unquoted when the line terminator is LF, which no reader can round-trip)."""

    def field(c: str) -> str:
        if any(ch in c for ch in (delim, '"', "\r", "\n")):
            return '"' + c.replace('"', '""') + '"'
        return c

    return "".join(delim.join(map(field, r)) + eol for r in rows)


_cell = st.text(alphabet=string.ascii_letters + string.digits + " ,;|\t\"'\n\r-.µéÖ“”€—中", max_size=12)
# Legacy cp1252 detection is a judgement on real text, so cp1252 cells are built from words found in
# inventories.
_WORDS = [
    "Café",
    "5 µg",
    "“Acetone”",
    "Größe",
    "Ñúñez",
    "naïve",
    "—",
    "Zoë",
    "10 °C",
    "Äther",
    "Müller",
    "résumé",
    "Acetone",
    "Ethanol",
    "Room 101",
    "12",
    "0.5",
    "mL",
    '"dry"',
    "a,b",
    "x;y",
    "p|q",
    "t\tu",
    "l1\nl2",
    "",
]
_cp1252_cell = st.lists(st.sampled_from(_WORDS), max_size=3).map(" ".join)


def _table(cell: st.SearchStrategy[str]) -> st.SearchStrategy[list[list[str]]]:
    return st.lists(st.lists(cell, min_size=2, max_size=5), min_size=1, max_size=8).map(
        lambda rows: [
            r + [""] * (max(map(len, rows)) - len(r)) for r in rows
        ]  # rectangular, like real tables
    )


@st.composite
def _case(draw: st.DrawFn) -> tuple[list[list[str]], str]:
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]))
    return draw(_table(_cp1252_cell if encoding == "cp1252" else _cell)), encoding


@settings(
    max_examples=int(os.environ.get("LABSYNC_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=_case(), delim=st.sampled_from([",", ";", "\t", "|"]), eol=st.sampled_from(["\n", "\r\n", "\r"]))
def test_round_trip(tmp_path: Path, case: tuple[list[list[str]], str], delim: str, eol: str) -> None:
    """Rows written Excel-style in any supported dialect/encoding read back identically."""
    rows, encoding = case
    if all(all(c == "" for c in r) for r in rows):
        rows = [["x", *r[1:]] for r in rows]  # an all-empty table has no delimiter to find
    rows[0] = [f"h{i}" for i in range(len(rows[0]))]  # a header row, like every real table
    text = _excel_style(rows, delim, eol)
    if encoding == "cp1252":
        data = text.encode("cp1252")
    elif encoding == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    path = tmp_path / "rt.csv"
    path.write_bytes(data)
    got = [row.values for row in open_table(path).rows()]
    assert [r for r in got if r] == rows
