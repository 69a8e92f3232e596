"""Conformance of the readers with public peer suites in ../shared/corpora (skipped when absent).

Each test states the oracle it checks against (see the PROVENANCE.txt of each corpus folder).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from app.errors import InputFileError
from app.ingest import EXCEL_ERROR_CODES, ExcelError, SourceRow, open_table

pytestmark = pytest.mark.usefixtures("xlsx_engine")


def _read(path: Path, sheet: str | None = None) -> list[SourceRow]:
    with open_table(path) as reader:
        return list(reader.rows(sheet))


def _first(row: SourceRow) -> Any:
    """The value in column A (rows end at their last non-empty cell)."""
    return row.values[0] if row.values else None


def _records(rows: Iterable[SourceRow]) -> list[dict[str, Any]]:
    rows = [r for r in rows if not r.is_blank()]
    header = [str(v) for v in rows[0].values]
    return [dict(zip(header, r.values, strict=False)) for r in rows[1:]]


# --- csv-spectrum: CSV edge cases with expected JSON ----------------------------------------------

SPECTRUM = [
    "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines", "newlines_crlf",
    "quotes_and_newlines", "simple", "simple_crlf", "utf8",
]  # fmt: skip


@pytest.mark.parametrize("name", SPECTRUM)
def test_csv_spectrum(corpora: Path, name: str) -> None:
    base = corpora / "csv-spectrum"
    expected = json.loads((base / "json" / f"{name}.json").read_text(encoding="utf-8"))
    assert _records(_read(base / "csvs" / f"{name}.csv")) == expected


def test_csv_spectrum_multiline_record_numbers(corpora: Path) -> None:
    rows = _read(corpora / "csv-spectrum" / "csvs" / "newlines_crlf.csv")
    assert [r.number for r in rows] == [1, 2, 3, 4]  # record 3 spans two physical lines and counts once
    assert rows[2].values == ["Once upon \r\na time", "5", "6"]


# --- W3C CSVW: CSV -> JSON without metadata -------------------------------------------------------


def _csvw_cases(root: Path) -> list[tuple[str, str, bool]]:
    manifest = json.loads((root / "manifest-json.subset.jsonld").read_text(encoding="utf-8"))
    return [(e["action"], e["result"], bool(e.get("option", {}).get("minimal"))) for e in manifest["entries"]]


def test_csvw_to_json(corpora: Path) -> None:
    root = corpora / "csvw-tests"
    checked = 0
    for action, result, minimal in _csvw_cases(root):
        expected = json.loads((root / result).read_text(encoding="utf-8"))
        rows = _read(root / action)
        header = [str(v).strip() for v in rows[0].values]
        got = [
            (r.number, {h: str(v).strip() for h, v in zip(header, r.values, strict=False) if str(v).strip()})
            for r in rows[1:]
        ]
        if minimal:
            assert [g for _, g in got] == expected, action
        else:
            want = [
                (int(row["url"].rsplit("=", 1)[1]), row["describes"][0])
                for row in expected["tables"][0]["row"]
            ]
            # CSVW objects hold only the columns of the CSV (property names equal the headers here)
            assert got == [(n, {k: v for k, v in d.items() if k in header}) for n, d in want], action
        checked += 1
    assert checked == 9


# --- frictionless-data messy files (EXPECTED.json) ------------------------------------------------


def _fr(corpora: Path, name: str) -> Path:
    return corpora / "frictionless-data" / name


@pytest.mark.parametrize(
    ("name", "second"),
    [("bom.csv", "中国人"), ("table.csv", "中国人"), ("latin1.csv", "©"), ("table.xlsx", "中国人")],
)
def test_frictionless_encodings(corpora: Path, name: str, second: str) -> None:
    records = _records(_read(_fr(corpora, name)))
    assert [(str(r["id"]), r["name"]) for r in records] == [("1", "english"), ("2", second)]


def test_frictionless_accent_is_utf8(corpora: Path) -> None:
    with open_table(_fr(corpora, "accent.csv")) as reader:
        rows = list(reader.rows())
        assert "UTF-8" in {n.code: n.message for n in reader.notes()}["ENCODING"]
    assert len([r for r in rows if not r.is_blank()]) - 1 == 2


def test_frictionless_doublequote_17_fields(corpora: Path) -> None:
    rows = _read(_fr(corpora, "doublequote.csv"))
    assert {len(r.values) for r in rows if r.values} == {17}


def test_frictionless_delimiter_sniffed(corpora: Path) -> None:
    with open_table(_fr(corpora, "delimiter.csv")) as reader:
        rows = [r for r in reader.rows() if not r.is_blank()]
        assert "semicolon" in {n.code: n.message for n in reader.notes()}["DELIMITER"]
    assert len(rows) - 1 == 2


@pytest.mark.parametrize("name", ["issue-1009-semicolon.csv", "issue-1009-comma.csv"])
def test_frictionless_issue_1009(corpora: Path, name: str) -> None:
    # frictionless infers an integer (123); a reader keeps the text as written
    rows = [r.values for r in _read(_fr(corpora, name)) if r.values]
    assert rows == [["fieldNameA", "fieldNameB"], ["0123", "c"]]


def test_frictionless_defective_rows_kept_ragged(corpora: Path) -> None:
    rows = _read(_fr(corpora, "defective-rows.csv"))
    assert [(r.number, len(r.values)) for r in rows] == [
        (1, 3),
        (2, 2),
        (3, 4),
    ]  # missing-cell row 2, extra row 3


def test_frictionless_blank_row_numbers(corpora: Path) -> None:
    rows = _read(_fr(corpora, "blank-rows.csv"))
    assert [r.number for r in rows if r.is_blank()] == [4]


@pytest.mark.parametrize("name", ["blank-rows.csv", "blank-rows-multiple.csv", "blank-rows-no-fields.csv"])
def test_frictionless_skip_blank_rows(corpora: Path, name: str) -> None:
    assert [(r["id"], r["name"], r["age"]) for r in _records(_read(_fr(corpora, name)))] == [
        ("1101", "John", "30"),
        ("1102", "Julie", "26"),
    ]


def test_frictionless_comment_rows_are_rows(corpora: Path) -> None:
    rows = [r for r in _read(_fr(corpora, "skip-rows.csv")) if not str(r.values[0]).startswith("#")]
    assert _records(rows) == [{"id": "1", "name": "english"}, {"id": "2", "name": "中国人"}]


def test_frictionless_leading_zeros_stay_text(corpora: Path) -> None:
    values = [r.values[0] for r in _read(_fr(corpora, "leading-zeros.csv"))[1:]]
    assert values[:3] == ["01", "002", "00003"]


def test_frictionless_sheet_by_name(corpora: Path) -> None:
    records = _records(_read(_fr(corpora, "sheet2.xlsx"), "Sheet2"))
    assert [(r["id"], r["name"]) for r in records] == [(1, "english"), (2, "中国人")]
    with pytest.raises(InputFileError, match="no worksheet named 'bad'"):
        _read(_fr(corpora, "sheet2.xlsx"), "bad")


def test_frictionless_merged_cells_filled(corpora: Path) -> None:
    rows = _read(_fr(corpora, "merged-cells.xlsx"))
    assert [r.values for r in rows] == [["data", "data"]] * 3
    assert [set(r.merged_columns) for r in rows] == [{1}, {0, 1}, {0, 1}]


def _joined_header(rows: list[SourceRow], numbers: list[int]) -> list[str]:
    by_number = {r.number: r for r in rows}
    width = max(len(by_number[n].values) for n in numbers)
    header = []
    for col in range(width):
        parts: list[str] = []
        for n in numbers:
            values = by_number[n].values
            text = "" if col >= len(values) or values[col] is None else str(values[col])
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        header.append(" ".join(parts))
    return header


def test_frictionless_multiline_headers(corpora: Path) -> None:
    rows = _read(_fr(corpora, "multiline-headers.xlsx"))
    assert _joined_header(rows, [1, 2, 3, 4, 5]) == [
        "Region",
        "Caloric contribution (%)",
        "Cumulative impact of changes on cost of food basket from previous quarter",
        "Cumulative impact of changes on cost of food basket from baseline (%)",
    ]
    assert rows[5].values == ["A", "B", "C", "D"]


def test_frictionless_issue_1024_and_320(corpora: Path) -> None:
    assert (
        _joined_header(_read(_fr(corpora, "issue-1024.xlsx"), "IPC"), [10, 11, 12])[21]
        == "Current Phase P3+ #"
    )
    header = _joined_header(_read(_fr(corpora, "issue-320.xlsx")), [10, 11, 12])
    assert header[7] == "Current Population Analysed % of total county Pop"


def test_frictionless_numbers_keep_identifiers(corpora: Path) -> None:
    rows = _read(_fr(corpora, "cast-int-to-string-issue-1251.xlsx"))
    assert rows[1].values == ["001", "b", 1, "a", 1]
    assert rows[2].values == ["002", "c", 1, 1, 1]
    assert type(rows[1].values[2]) is int
    assert _read(_fr(corpora, "adjust-floating-point-error.xlsx"))[2].values[2] == 274.65999999999997
    assert [r.values for r in _read(_fr(corpora, "table-infer-boolean.xlsx"))][1:] == [
        [1, "two", True],
        [3, "four", False],
    ]


# --- charset-normalizer: 18 samples in 9 encodings ------------------------------------------------


def _charset_cases(corpora: Path) -> list[tuple[str, str]]:
    with (corpora / "charset-normalizer" / "expected.tsv").open(encoding="utf-8") as f:
        return [(row["file"], row["expected_charset"]) for row in csv.DictReader(f, delimiter="\t")]


def test_charset_normalizer_samples_decode_exactly(corpora: Path) -> None:
    """Every sample decodes to exactly the text its expected codec gives (BOM removed)."""
    from app.ingest.encoding import detect

    for name, codec in _charset_cases(corpora):
        data = (corpora / "charset-normalizer" / name).read_bytes()
        enc = detect(data[: 64 << 10], complete=len(data) <= 64 << 10)
        assert data[enc.bom :].decode(enc.codec, enc.errors) == data.decode(codec).lstrip("\ufeff"), name


def test_ghs_codes_cp1252_tsv(corpora: Path) -> None:
    rows = _read(corpora / "ghs-codes" / "ghscode_10.txt")
    assert rows[0].values[:2] == ["H-Code", "Hazard Statement"]
    text = "\n".join("\t".join(map(str, r.values)) for r in rows)
    assert "°C" in text
    assert "\ufffd" not in text


def test_oehha_cp1252_micro_sign(corpora: Path) -> None:
    rows = _read(corpora / "chemical-lists-realworld" / "OEHHA_P65.csv")
    assert any("NSRL or MADL (µg/day)" in str(v) for r in rows[:15] for v in r.values)


# --- calamine workbooks (expectations from calamine's tests/test.rs) ------------------------------


def _cal(corpora: Path, name: str) -> Path:
    return corpora / "calamine-xlsx" / name


def test_calamine_errors(corpora: Path) -> None:
    rows = _read(_cal(corpora, "errors.xlsx"))
    assert [r.values[0] for r in rows[:7]] == [
        ExcelError(c) for c in ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]
    ]


@pytest.mark.parametrize("name", ["date.xlsx", "date_1904.xlsx"])
def test_calamine_dates_both_systems(corpora: Path, name: str) -> None:
    rows = _read(_cal(corpora, name))
    assert rows[0].values[0] == dt.date(2021, 1, 1)
    assert rows[1].values[0] == dt.date(2021, 1, 2)
    assert rows[2].values[0] == "255:10:10"  # a duration


def test_calamine_iso_and_quoted_format_dates(corpora: Path) -> None:
    iso = _read(_cal(corpora, "date_iso.xlsx"))[0].values[0]
    assert iso in (dt.date(2021, 1, 1), dt.datetime(2021, 1, 1))
    quoted = _read(_cal(corpora, "date_quoted_format.xlsx"))
    assert [r.values[0] for r in quoted[:4]] == [dt.date(2021, 1, 1)] * 4


def test_calamine_merges(corpora: Path) -> None:
    rows = _read(_cal(corpora, "merge_cells.xlsx"))
    assert rows[0].values[:2] == ["Row Merge", "Row Merge"]
    assert [r.values[0] for r in rows[1:4]] == ["Column Merge"] * 3
    assert all(r.values[1:4] == ["Chunk Merged"] * 3 for r in rows[1:4])
    assert rows[3].merged_columns == frozenset({0, 1, 2, 3})


@pytest.mark.parametrize("name", ["has_x000D_.xlsx", "has_x000D_inline.xlsx"])
def test_calamine_x000d(corpora: Path, name: str) -> None:
    path = _cal(corpora, name)
    if not path.exists():
        pytest.skip(f"{name} not in this corpus copy")
    assert _read(path)[0].values[0] == "ABC\r\nDEF"


def test_calamine_sheet_visibility(corpora: Path) -> None:
    with open_table(_cal(corpora, "any_sheets.xlsx")) as reader:
        assert [(s.name, s.visible) for s in reader.sheets()] == [
            ("Visible", True),
            ("Hidden", False),
            ("VeryHidden", False),
        ]  # the chartsheet has no rows and is not offered
        assert [r.values for r in reader.rows()][:3] == [[1, 2], [3, 4], [5, 6]]


def test_calamine_formula_cached_values(corpora: Path) -> None:
    rows = _read(_cal(corpora, "formula.issue.xlsx"))
    assert rows[0].values[0] == 23
    assert rows[0].values[2] == 23
    assert rows[12].values[6] == 2
    assert rows[13].values[9] == "US"


def test_calamine_inline_string_stays_text(corpora: Path) -> None:
    rows = _read(_cal(corpora, "inlineStr_cdata.xlsx"))
    assert [r.values for r in rows] == [["Hello CDATA", "World"], ["12345", "NormalText"]]


def test_calamine_header_row_offsets(corpora: Path) -> None:
    """calamine's 0-based (2, 2) "Note 1" and header at row index 8 are Excel rows 3 and 9."""
    rows = _read(_cal(corpora, "header-row.xlsx"))
    assert [r.number for r in rows] == list(range(1, 11))
    assert rows[2].values == [None, None, "Note 1"]
    assert rows[8].values == ["Columns", "Column A", "Column B", "Column C"]


# --- SheetJS: Excel-authored workbooks with Excel's own exports as oracles ------------------------


def _sj(corpora: Path, name: str) -> Path:
    return corpora / "sheetjs-test-files" / name


@pytest.mark.parametrize("name", ["1900", "1904"])
def test_sheetjs_1900_1904(corpora: Path, name: str) -> None:
    """Column C holds Excel's own =TEXT(B,"YYYY-MM-DD") of the date in column B: they must agree."""
    rows = _read(_sj(corpora, f"1904/{name}.xlsx"))
    checked = 0
    for row in rows:
        b, c = row.values[1], row.values[2]
        if isinstance(b, dt.date):
            assert b.strftime("%Y-%m-%d") == c
            checked += 1
    assert checked >= 3
    assert rows[0].values[1] == (dt.date(1900, 1, 1) if name == "1900" else dt.date(1904, 1, 2))


def test_sheetjs_error_types_match_excel_unicode_text_export(corpora: Path) -> None:
    """ErrorTypes.xlsx against Excel's own UTF-16 'Unicode text' export of the same sheet (ErrorTypes.txt)."""
    xlsx = _read(_sj(corpora, "ErrorTypes.xlsx"))
    txt = _read(_sj(corpora, "ErrorTypes.txt"))
    assert len(xlsx) == len(txt) == 14
    seen = set()
    for x_row, t_row in zip(xlsx, txt, strict=True):
        for x, t in zip(x_row.values, t_row.values, strict=True):
            if isinstance(x, ExcelError):
                assert t == x.code
                seen.add(x.code)
            else:  # text that merely looks like an error ("#NULL?", "#WTF") stays text
                assert t not in EXCEL_ERROR_CODES or x_row.number == 1
    assert seen == {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def test_sheetjs_error_types_csv_with_cr_line_ends(corpora: Path) -> None:
    rows = _read(_sj(corpora, "ErrorTypes.csv"))
    assert len(rows) > 3
    assert any("#DIV/0!" in r.values for r in rows)


def test_sheetjs_merge_cells(corpora: Path) -> None:
    rows = _read(_sj(corpora, "merge_cells.xlsx"))
    assert any(r.merged_columns for r in rows)


def test_sheetjs_sheet_visibility_and_strict(corpora: Path) -> None:
    for name in ["sheet_visibility.xlsx", "sheet_visibility_strict.xlsx"]:
        with open_table(_sj(corpora, name)) as reader:
            assert [s.visible for s in reader.sheets()] == [True, False, False], name


def test_sheetjs_wtf_path_and_hidden_row(corpora: Path) -> None:
    rows = _read(_sj(corpora, "wtf_path.xlsx"))
    assert rows[0].values[:3] == [1, 2, 3]
    assert [r.number for r in rows if r.hidden] == [5]


def test_sheetjs_sushi_astral_plane(corpora: Path) -> None:
    xlsx = [v for r in _read(_sj(corpora, "sushi.xlsx")) for v in r.values if isinstance(v, str)]
    csv_ = [v for r in _read(_sj(corpora, "sushi.xlsx.0.csv")) for v in r.values]
    assert any("\U0001f363" in v for v in xlsx)
    assert any("\U0001f363" in v for v in csv_)


@pytest.mark.parametrize("name", ["text_and_numbers", "phonetic_text"])
def test_sheetjs_unicode_text_exports_match_workbook(corpora: Path, name: str) -> None:
    """Excel's 'Unicode text' export (UTF-16 LE, tab) holds the same texts as the workbook's first sheet."""
    txt = {str(v) for r in _read(_sj(corpora, f"{name}.txt")) for v in r.values if str(v).strip()}
    xlsx = {
        v if isinstance(v, str) else str(v)
        for r in _read(_sj(corpora, f"{name}.xlsx"))
        for v in r.values
        if isinstance(v, str) and v.strip()
    }
    assert xlsx <= txt | {t.strip('"') for t in txt}


# --- XlsxWriter reference workbooks (the upstream test states what was written) -------------------


def _xw(corpora: Path, name: str) -> Path:
    return corpora / "xlsxwriter-reference" / name


def test_xlsxwriter_autofilter_hidden_rows(corpora: Path) -> None:
    rows = _read(_xw(corpora, "autofilter03.xlsx"))
    hidden = [5, 6, 8, 9, 10, 12, 14, 16, 19, 22, 24, 25, 26, 28, 30, 31, 34, 38, 41, 43, 45, 47, 50]
    assert [r.number for r in rows if r.hidden] == hidden
    assert all(r.values[0] in ("North", "West") for r in rows if r.hidden)
    assert len(rows) == 51


def test_xlsxwriter_collapsed_outline(corpora: Path) -> None:
    rows = _read(_xw(corpora, "outline02.xlsx"))
    assert [r.number for r in rows if r.hidden] == list(range(2, 12))
    assert rows[5].values == ["North Total", 4300]


def test_xlsxwriter_hidden_sheets(corpora: Path) -> None:
    for name in ["hide01.xlsx", "hide02.xlsx"]:
        with open_table(_xw(corpora, name)) as reader:
            assert [(s.name, s.visible) for s in reader.sheets()] == [
                ("Sheet1", True),
                ("Sheet2", False),
                ("Sheet3", True),
            ]


def test_xlsxwriter_merge_range(corpora: Path) -> None:
    rows = _read(_xw(corpora, "merge_range02.xlsx"))
    for row in rows[1:6]:
        assert row.values[1:4] == ["Foo"] * 3
    assert rows[1].merged_columns == frozenset({2, 3})
    assert rows[5].merged_columns == frozenset({1, 2, 3})


def test_xlsxwriter_dates_1900_and_1904(corpora: Path) -> None:
    d1900 = [r.values[0] for r in _read(_xw(corpora, "date_1904_01.xlsx"))]
    d1904 = [r.values[0] for r in _read(_xw(corpora, "date_1904_02.xlsx"))]
    assert d1900 == [
        dt.date(1900, 1, 1), dt.date(1902, 9, 26), dt.date(1913, 9, 8), dt.date(1927, 5, 18),
        dt.date(2173, 10, 14), dt.date(4637, 11, 26),
    ]  # fmt: skip
    assert d1904[1:] == [
        dt.date(1906, 9, 27), dt.date(1917, 9, 9), dt.date(1931, 5, 19), dt.date(2177, 10, 15),
        dt.date(4641, 11, 27),
    ]  # fmt: skip


def test_xlsxwriter_shared_string_control_escapes(corpora: Path) -> None:
    """A1..A127 hold chr(0)..chr(126) (A35, chr(34), left empty); control characters are stored as
    _x0001_-style escapes and must come back decoded."""
    values = [_first(r) for r in _read(_xw(corpora, "shared_strings01.xlsx"))]
    assert values == [None if i == 34 else chr(i) for i in range(127)]


def test_xlsxwriter_formula_results(corpora: Path) -> None:
    values = [r.values[0] for r in _read(_xw(corpora, "formula_results01.xlsx"))]
    assert values[:4] == [2, "Foo", True, False]
    assert values[4:] == [
        ExcelError(c) for c in ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DIV/0!"]
    ]


def test_xlsxwriter_escapes_and_types(corpora: Path) -> None:
    with open_table(_xw(corpora, "escapes01.xlsx")) as reader:
        assert reader.sheets()[0].name == "5&4"
        values = [_first(r) for r in reader.rows()]
    assert values[:6] == [1, "'<>&", "1b", "'", '"', "&&"]
    assert values[7] == '"&<>'
    assert [r.values[0] for r in _read(_xw(corpora, "types01.xlsx"))] == ["Hello", "123"]
