"""Unit tests for the XLSX/XLSM reader on small generated workbooks."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.errors import InputFileError
from app.ingest import ExcelError, open_table

from .hostile import raw_workbook

pytestmark = pytest.mark.usefixtures("xlsx_engine")


def _rows(path: Path, sheet: str | None = None) -> list[tuple[int, list[object], bool, set[int]]]:
    with open_table(path) as reader:
        return [(r.number, r.values, r.hidden, set(r.merged_columns)) for r in reader.rows(sheet)]


def test_values_types_and_identifiers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["ID", "Qty", "Cost", "Received", "Stamp", "OK", "Blank"])
    ws.append(["00123", 123, 1.5, dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 12, 30), True, None])
    ws["G2"] = ""
    path = tmp_path / "types.xlsx"
    wb.save(path)
    rows = _rows(path)
    # the row ends at its last non-empty cell: G2 ("") is empty
    assert rows[1][1] == ["00123", 123, 1.5, dt.date(2024, 3, 1), dt.datetime(2024, 3, 1, 12, 30), True]
    assert type(rows[1][1][1]) is int


def test_error_cells_become_excel_errors_and_text_stays_text(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
        '<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" t="s"><v>2</v></c></row>'
        '<row r="3"><c r="A3" t="e"><v>#N/A</v></c><c r="B3" t="str"><f>"#REF!"</f><v>#REF!</v></c></row>'
    )
    path = raw_workbook(tmp_path / "err.xlsx", data, shared=["Name", "Note", "#VALUE!"])
    assert [r[1] for r in _rows(path)] == [
        ["Name", "Note"],
        [ExcelError("#DIV/0!"), "#VALUE!"],  # typed-in text "#VALUE!" is text, not an error
        [ExcelError("#N/A"), "#REF!"],  # a formula whose *string* result is "#REF!" is text too
    ]


def test_hidden_rows_are_read_and_flagged(tmp_path: Path) -> None:
    data = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>H</t></is></c></row>'
        '<row r="2" hidden="1"><c r="A2"><v>2</v></c></row>'
        '<row r="3"><c r="A3"><v>3</v></c></row>'
        '<row r="4" customHeight="1" hidden="true" ht="0"><c r="A4"><v>4</v></c></row>'
    )
    path = raw_workbook(tmp_path / "hidden.xlsx", data)
    assert [(n, v, h) for n, v, h, _ in _rows(path)] == [
        (1, ["H"], False),
        (2, [2], True),
        (3, [3], False),
        (4, [4], True),
    ]


def test_merged_ranges_copy_the_top_left_value(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Building", "Room", "Name"])
    ws.append(["Chem", "101", "Acetone"])
    ws.append([None, None, "Ethanol"])
    ws.append([None, None, "Toluene"])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B2:B3")
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    assert _rows(path) == [
        (1, ["Building", "Room", "Name"], False, set()),
        (2, ["Chem", "101", "Acetone"], False, set()),
        (3, ["Chem", "101", "Ethanol"], False, {0, 1}),
        (4, ["Chem", None, "Toluene"], False, {0}),
    ]


def test_columns_align_with_excel_and_rows_keep_excel_numbers(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws["C5"] = "Name"
    ws["D6"] = 42
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    rows = _rows(path)
    assert rows[-2][:2] == (5, [None, None, "Name"])
    assert rows[-1][:2] == (6, [None, None, None, 42])
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]


def test_date_1904_system(tmp_path: Path) -> None:
    data = '<row r="1"><c r="A1" s="1"><v>42735</v></c></row>'
    path = raw_workbook(tmp_path / "d1904.xlsx", data, workbook_pr='<workbookPr date1904="1"/>')
    # without a date style the serial is a plain number; the date conversion itself is checked on real
    # Excel files in the conformance tests. The note tells the user the workbook uses the 1904 system.
    with open_table(path) as reader:
        list(reader.rows())
        assert "DATE_1904" in {n.code for n in reader.notes()}


def test_x000d_escapes_are_decoded(tmp_path: Path) -> None:
    data = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    path = raw_workbook(tmp_path / "esc.xlsx", data, shared=["ABC_x000D_&#10;DEF"])
    assert _rows(path)[0][1] == ["ABC\r\nDEF"]


def test_hidden_sheets_are_listed_but_read_only_by_name(tmp_path: Path) -> None:
    wb = Workbook()
    first = wb.active
    assert first is not None
    first.title = "Instructions"
    first.sheet_state = "hidden"
    first["A1"] = "how to fill this in"
    data = wb.create_sheet("Inventory")
    data["A1"] = "Name"
    secret = wb.create_sheet("Lookup")
    secret.sheet_state = "veryHidden"
    secret["A1"] = "lookup"
    path = tmp_path / "sheets.xlsx"
    wb.save(path)
    with open_table(path) as reader:
        assert [(s.name, s.visible) for s in reader.sheets()] == [
            ("Instructions", False),
            ("Inventory", True),
            ("Lookup", False),
        ]
        assert [r.values for r in reader.rows()] == [["Name"]]
        assert [r.values for r in reader.rows("Lookup")] == [["lookup"]]
        with pytest.raises(InputFileError, match="no worksheet named 'Nope'"):
            reader.rows("Nope")


def test_xlsm_format_name(tmp_path: Path) -> None:
    path = raw_workbook(tmp_path / "macro.xlsm", '<row r="1"><c r="A1"><v>1</v></c></row>')
    with open_table(path) as reader:
        assert reader.format == "xlsm"
        assert [r.values for r in reader.rows()] == [[1]]


def test_empty_sheet_yields_no_rows(tmp_path: Path) -> None:
    path = raw_workbook(tmp_path / "empty.xlsx", "")
    assert _rows(path) == []


def test_error_cell_with_shared_formula(tmp_path: Path) -> None:
    data = '<row r="1"><c r="A1" t="e"><f t="shared" si="0"/><v>#N/A</v></c><c r="B1"><v>1</v></c></row>'
    path = raw_workbook(tmp_path / "shared_f.xlsx", data)
    assert _rows(path)[0][1] == [ExcelError("#N/A"), 1]


def test_scan_is_exact_across_chunk_boundaries(tmp_path: Path) -> None:
    """Errors, hidden rows and merges spread over many 1 MiB chunks are all found, none invented."""
    parts = []
    for r in range(1, 60_001):
        hidden = ' hidden="1"' if r % 7 == 0 else ""
        pad = "x" * (r % 50)  # vary the offsets so tags straddle chunk boundaries in every possible way
        err = (
            f'<c r="B{r}" t="e"><f>{pad}</f><v>#REF!</v></c>' if r % 5 == 0 else f'<c r="B{r}"><v>{r}</v></c>'
        )
        parts.append(f'<row r="{r}"{hidden}><c r="A{r}" t="inlineStr"><is><t>{pad}</t></is></c>{err}</row>')
    merges = "".join(f'<mergeCell ref="C{r}:D{r}"/>' for r in range(3, 60_000, 1000))
    path = raw_workbook(
        tmp_path / "big.xlsx", "".join(parts), after_data=f'<mergeCells count="60">{merges}</mergeCells>'
    )
    rows = _rows(path)
    assert len(rows) == 60_000
    assert [n for n, _, h, _ in rows if h] == list(range(7, 60_001, 7))
    assert [n for n, v, _, _ in rows if isinstance(v[1], ExcelError)] == list(range(5, 60_001, 5))
    assert all(v[1] == n for n, v, _, _ in rows if n % 5)


_xlsx_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f"),
    min_size=1,
    max_size=20,
).filter(lambda t: t.strip() == t and not t.startswith("="))
_xlsx_value = st.one_of(
    _xlsx_text,
    st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1),
    # Excel (and openpyxl's writer) keep 15 significant digits
    st.floats(allow_nan=False, allow_infinity=False)
    .map(lambda f: float(f"{f:.15g}"))
    .filter(lambda f: math.isfinite(f) and not f.is_integer()),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31))
    .map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))  # Excel keeps milliseconds
    .filter(lambda d: d.time() != dt.time(0)),  # a midnight datetime reads back as a date
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_xlsx_value, min_size=1, max_size=6), min_size=1, max_size=6))
def test_round_trip_through_openpyxl(tmp_path: Path, xlsx_engine: str, rows: list[list[object]]) -> None:
    """Values written by openpyxl come back with the same type and value, on both XLSX paths."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    path = tmp_path / f"rt-{xlsx_engine}.xlsx"
    wb.save(path)
    got = [r.values for r in open_table(path).rows()]
    assert got == rows
    assert [[type(v) for v in r] for r in got] == [[type(v) for v in r] for r in rows]
