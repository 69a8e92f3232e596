"""The streaming engine: header detection, mapping, sheet and type choice, DUPLICATE_KEY, Excel quirks."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.errors import InputFileError, UserError
from app.validation import load_dictionary, open_validation
from app.validation.engine import KeySet, RowValidator, load_mapping, payload_of
from app.validation.models import record_models
from app.validation.policy import load_policy

AS_OF = dt.date(2026, 1, 15)
HEADER = [
    "Container ID",
    "Chemical Name",
    "CAS",
    "Quantity",
    "Unit",
    "Building",
    "Room",
    "Hazard Codes",
    "SDS",
]
ROW = ["C1", "Acetone", "67-64-1", "4", "L", "Hall B", "2104", "H225", "SDS-1"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def run_all(path: Path, **kwargs: object) -> tuple[object, list]:
    with open_validation(path, as_of=AS_OF, **kwargs) as run:  # type: ignore[arg-type]
        results = list(run.results())
    return run, results


def test_title_rows_and_blank_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "inv.csv",
        [
            ["Chemistry - Chemical Inventory"],
            ["Prepared by: J. Rivera", "", "2026-01-05"],
            [],
            HEADER,
            ROW,
            [],
            ["", "", ""],
            ["C2", *ROW[1:]],
            ["  ", "\u00a0"],
        ],
    )
    run, results = run_all(path)
    assert run.record_type == "chemical_inventory"
    assert run.header_row == 4
    assert [r.row for r in results] == [5, 8]  # blank records skipped, numbers as Excel shows them
    assert run.rows_read == 2
    assert run.valid_rows == 2
    assert run.invalid_rows == 0
    assert results[0].raw["cas_number"] == "67-64-1"
    assert results[0].values["quantity"] == 4


def test_duplicate_key_on_every_repeat(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dup.csv", [HEADER, ROW, ["c1 ", *ROW[1:]], ["C2", *ROW[1:]], ["C1", *ROW[1:]]]
    )
    _run, results = run_all(path)
    dups = [(r.row, v.value) for r in results for v in r.violations if v.code == "DUPLICATE_KEY"]
    assert dups == [(3, "C1"), (5, "C1")]


def test_header_missing_is_a_file_issue(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "inv.csv", [[h for h in HEADER if h != "Room"], ROW[:6] + ROW[7:]])
    run, results = run_all(path, record_type="chemical_inventory")
    assert [(v.code, v.field, v.row) for v in run.file_issues] == [("HEADER_MISSING", "room", None)]  # type: ignore
    assert "REQUIRED_MISSING" in [v.code for v in results[0].violations]
    assert "room" not in results[0].raw


def test_mapping_file_overrides(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "odd.csv",
        [
            ["Thing", "Where", "Lab #", "How much", "UoM", "Notes"],
            ["Acetone", "Hall B", "2104", "4", "L", "x"],
        ],
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[mapping]\nThing = "chemical_name"\nwhere = "building"\n"LAB #" = "room"\n'
        '"How much" = "quantity"\nNotes = ""\n',
        encoding="utf-8",
    )
    run, results = run_all(path, mapping=mapping)
    assert run.mapping == {
        "Thing": "chemical_name",
        "Where": "building",
        "Lab #": "room",  # type: ignore
        "How much": "quantity",
        "UoM": "unit",
    }
    assert results[0].is_valid
    json_mapping = tmp_path / "m.json"
    json_mapping.write_text(json.dumps({"Thing": "no_such_field"}), encoding="utf-8")
    with pytest.raises(UserError):
        run_all(path, mapping=json_mapping, record_type="chemical_inventory")
    assert load_mapping(mapping)["Notes"] == ""


def test_type_detection_and_errors(tmp_path: Path) -> None:
    equipment = write_csv(
        tmp_path / "eq.csv",
        [
            ["Asset Tag", "Description", "Acquisition Date", "Unit Cost"],
            ["A1", "Microscope", "2025-01-02", "4,000"],
        ],
    )
    run, _ = run_all(equipment)
    assert run.record_type == "equipment"  # type: ignore[attr-defined]
    nonsense = write_csv(tmp_path / "x.csv", [["alpha", "beta"], ["1", "2"]])
    with pytest.raises(InputFileError, match="no header row recognised"):
        run_all(nonsense)
    with pytest.raises(UserError):
        run_all(equipment, record_type="no_such_type")
    with pytest.raises(InputFileError):
        run_all(tmp_path / "missing.csv")


def test_text_error_codes_are_formula_errors_for_stable_revalidation(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", [HEADER, ["C1", "Acetone", "#N/A", "#VALUE!", *ROW[4:]]])
    _run, results = run_all(path)
    assert [(v.code, v.field) for v in results[0].violations] == [
        ("FORMULA_ERROR", "cas_number"),
        ("FORMULA_ERROR", "quantity"),
    ]


def _workbook(path: Path) -> Path:
    wb = Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["This workbook lists our chemicals"])
    inv = wb.create_sheet("Inventory")
    inv.append(["Inventory of room 2104"])
    inv.append([*HEADER, "Date Received"])
    inv.append(
        ["00123", "Acetone", "67-64-1", 4.0, "L", "Hall B", 2104, "H225", "SDS-1", dt.datetime(2025, 3, 1)]
    )
    inv.append(["C2", "Methanol", "67-56-1", 1.5, "L", None, 2104, "H225", "SDS-2", dt.date(2025, 4, 1)])
    inv.append(["C3", "Water", "7732-18-5", 1, "L", "Hall B", 2104, "", "", dt.date(2025, 4, 1)])
    inv["C5"] = "#N/A"
    inv.merge_cells("F3:F4")
    inv.row_dimensions[5].hidden = True
    hidden = wb.create_sheet("Old")
    hidden.sheet_state = "hidden"
    hidden.append(HEADER)
    wb.save(path)
    return path


def test_xlsx_sheet_choice_hidden_merged_and_raw_text(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "inv.xlsx")
    run, results = run_all(path)
    assert run.sheet == "Inventory"
    assert run.header_row == 2
    first, second, third = results
    assert first.raw["container_id"] == "00123"
    assert first.raw["quantity"] == "4"
    assert first.raw["room"] == "2104"
    assert first.raw["date_received"] == "2025-03-01"
    assert first.values["date_received"] == dt.date(2025, 3, 1)
    assert ("MERGED_CELL", "building") in [(v.code, v.field) for v in second.violations]
    assert second.raw["building"] == "Hall B"
    assert second.values["building"] == "Hall B"
    assert [v.code for v in third.violations] == ["HIDDEN_ROW", "FORMULA_ERROR"]
    assert third.hidden
    assert third.raw["cas_number"] == "#N/A"
    # the stored text re-validates to the same outcome (what the workspace does after an edit)
    validator = RowValidator("chemical_inventory", load_policy(), AS_OF)
    again = validator.check_row(third.row, third.raw, hidden=third.hidden, merged_fields=third.merged_fields)
    assert [v.code for v in again.violations] == [v.code for v in third.violations]
    with pytest.raises(InputFileError, match="no sheet named"):
        run_all(path, sheet="Nope")
    run_old, rows_old = run_all(path, sheet="Old", record_type="chemical_inventory")
    assert run_old.sheet == "Old"
    assert rows_old == []


def test_progress_callback(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [HEADER] + [[f"C{i}", *ROW[1:]] for i in range(20000)])
    calls: list[tuple[int, int, int]] = []
    with open_validation(path, as_of=AS_OF, progress=lambda *a: calls.append(a)) as run:
        assert sum(1 for _ in run.results()) == 20000
    assert calls[0][0] == 8192
    assert calls[-1][0] == 20000
    assert calls[-1][1] == calls[-1][2] > 0


def test_key_set() -> None:
    keys = KeySet(capacity=8)
    assert all(keys.add(f"K{i}") for i in range(5000))
    assert not keys.add("K17")
    assert "K4999" in keys
    assert "K5000" not in keys
    assert len(keys) == 5000
    keys.reserve(100_000)
    assert "K1" in keys
    assert not keys.add("K1")


@settings(max_examples=60, deadline=None)
@given(
    quantity=st.decimals(min_value="0.001", max_value="100000", places=3),
    unit=st.sampled_from(["mL", "ml", "L", "liters", "µL", "uL", "g", "kg", "lbs", "oz", "gal"]),
    state=st.sampled_from(["solid", "Liquid", "GAS", "s", "l"]),
    day=st.dates(min_value=dt.date(2000, 1, 1), max_value=AS_OF),
)
def test_valid_rows_give_payloads_that_satisfy_the_models(
    quantity: object, unit: str, state: str, day: dt.date
) -> None:
    validator = RowValidator("chemical_inventory", load_policy(), AS_OF)
    result = validator.check_row(
        2,
        {
            "chemical_name": "X",
            "quantity": str(quantity),
            "unit": unit,
            "physical_state": state,
            "building": "B",
            "room": "1",
            "date_received": day.isoformat(),
        },
    )
    assert result.is_valid, result.violations
    payload = payload_of(result, "chemical_inventory")
    model = record_models()["chemical_inventory"].model_validate(payload)
    assert str(model.quantity) == payload["quantity"]  # type: ignore[attr-defined]
    assert set(payload) == set(load_dictionary().record_type("chemical_inventory").field_names)


def test_public_templates_map(tmp_path: Path) -> None:
    rt = load_dictionary().record_type("chemical_inventory")
    cibr = rt.map_headers(
        [
            "Chemical_Name",
            "CAS",
            "Container_Size",
            "Units",
            "Container_Number",
            "Chemical_Physical_State",
            "Container_Type",
        ]
    )
    assert sorted(cibr.values()) == sorted(
        ["chemical_name", "cas_number", "quantity", "unit", "container_id", "physical_state"]
    )
    room = rt.map_headers(
        [
            "Chemical Name",
            "Substance Name",
            "CAS",
            "Physical State",
            "Room Number",
            "Sublocation",
            "Size",
            "Amount",
            "Units",
            "Container Type",
            "Concentration",
            "Barcode",
        ]
    )
    assert room[6] == "quantity"
    assert room[7] == "container_count"
    assert room[11] == "container_id"
    mbl = rt.map_headers(
        [
            "Chemical Name",
            "CAS Number",
            "Containers",
            "Amount",
            "Unit",
            "State",
            "PI Name",
            "Building",
            "Room",
        ]
    )
    assert mbl[2] == "container_count"
    assert mbl[3] == "quantity"
    assert mbl[6] == "owner"
    ecu = rt.map_headers(
        ["Department", "Building", "Room", "Chemical Name", "CAS No.", "Quantity", "Units", "MSDS On File"]
    )
    assert ecu[4] == "cas_number"
    assert ecu[7] == "sds_reference"
    assert 0 not in ecu
    scims = rt.map_headers(
        [
            "CAS No.",
            "Name",
            "State",
            "Unit",
            "Container Size",
            "Amount",
            "Location",
            "Date In",
            "Date Open",
            "Expiration Date",
            "Supplier",
        ]
    )
    assert scims[4] == "quantity"
    assert scims[5] == "container_count"
    assert scims[7] == "date_received"
    assert scims[9] == "expiration_date"
    assert scims[6] == "storage_location"
    waste = (
        load_dictionary()
        .record_type("waste_manifest")
        .map_headers(
            [
                "1. Generator ID Number",
                "4. Manifest Tracking Number",
                "Generator Status",
                "10. Containers No.",
                "10. Containers Type",
                "11. Total Quantity",
                "12. Unit Wt./Vol.",
                "13. Waste Codes",
                "9b. U.S. DOT Description",
            ]
        )
    )
    assert list(waste.values()) == [
        "generator_epa_id",
        "manifest_tracking_number",
        "generator_category",
        "container_count",
        "container_type",
        "total_quantity",
        "unit",
        "waste_codes",
        "dot_description",
    ]


def test_msds_on_file_no_counts_as_missing() -> None:
    validator = RowValidator("chemical_inventory", load_policy(), AS_OF)
    base = {
        "chemical_name": "Acetone",
        "quantity": "1",
        "unit": "L",
        "building": "B",
        "room": "1",
        "hazard_codes": "H225",
    }
    assert "SDS_MISSING" in [
        v.code for v in validator.check_row(2, {**base, "sds_reference": "No"}).violations
    ]
    assert validator.check_row(2, {**base, "sds_reference": "Yes"}).is_valid


def _both(path: Path, **kwargs: object) -> tuple[list, list, tuple[int, int, int], tuple[int, int, int]]:
    with open_validation(path, as_of=AS_OF, **kwargs) as run:  # type: ignore[arg-type]
        full = [v for r in run.results() for v in r.violations]
        counts_full = (run.rows_read, run.valid_rows, run.invalid_rows)
    with open_validation(path, as_of=AS_OF, **kwargs) as run:  # type: ignore[arg-type]
        fast = list(run.violations())
        counts_fast = (run.rows_read, run.valid_rows, run.invalid_rows)
    return full, fast, counts_full, counts_fast


@pytest.mark.parametrize(
    "name",
    ["chemical_inventory.xlsx", "equipment.csv", "waste_manifest.xlsx", "cost_share.csv", "attestation.csv"],
)
def test_violations_stream_equals_results_on_samples(name: str) -> None:
    from app.resources import resource_path

    full, fast, counts_full, counts_fast = _both(resource_path("samples", name))
    assert fast == full
    assert counts_fast == counts_full


def test_violations_stream_equals_results_on_generated_data(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench._gen import write_chemical_csv, write_chemical_xlsx

    for path in (
        write_chemical_csv(tmp_path / "g.csv", 5000, seed=3),
        write_chemical_xlsx(tmp_path / "g.xlsx", 1500, seed=4),
    ):
        full, fast, counts_full, counts_fast = _both(path)
        assert fast == full
        assert counts_fast == counts_full
        assert {v.code for v in full} >= {"CAS_CHECKSUM", "DUPLICATE_KEY", "VALUE_NOT_ALLOWED"}


def test_violations_stream_with_header_missing(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "inv.csv", [[h for h in HEADER if h != "Room"]] + [ROW[:6] + ROW[7:]] * 3)
    full, fast, counts_full, counts_fast = _both(path, record_type="chemical_inventory")
    assert fast == full
    assert counts_fast == counts_full == (3, 0, 3)


def test_violations_stream_equals_results_with_ragged_and_blank_rows(tmp_path: Path) -> None:
    rows: list[list[str]] = [HEADER]
    for i in range(1300):
        if i % 97 == 0:
            rows.append([])  # blank record
        elif i % 89 == 0:
            rows.append(["  ", "\u00a0", ""])  # whitespace only
        elif i % 83 == 0:
            rows.append([f"C{i}", "Acetone", "67-64-1"])  # ragged: short row
        elif i % 79 == 0:
            rows.append([" ", *ROW[1:]])  # blank first cell, data after it
        else:
            rows.append([f"C{i % 1000}", *ROW[1:]])  # ids repeat after 1000 rows
    path = write_csv(tmp_path / "ragged.csv", rows)
    full, fast, counts_full, counts_fast = _both(path)
    assert fast == full
    assert counts_fast == counts_full
    assert {v.code for v in full} >= {"DUPLICATE_KEY", "REQUIRED_MISSING"}


def test_violations_stream_equals_results_on_xlsx_with_native_values(tmp_path: Path) -> None:
    """The fast path hands calamine's own values (floats, "", bools, times) to the engine, which converts them
    column by column: same violations as the row-by-row path, whose rows are converted by the reader."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Container ID", *HEADER[1:], "Notes"])
    kinds: list[object] = [1.5, 0, -2, True, dt.time(8, 30), "", None, 3.0, "12", dt.date(2030, 1, 1)]
    for i in range(1200):
        row: list[object] = [f"C{i % 900}", *ROW[1:]]
        row[3] = kinds[i % len(kinds)]  # quantity
        row[8] = kinds[(i // 3) % len(kinds)]  # SDS reference
        row[6] = [12.0, "", "2104", 3.5, 7, None][i % 6]  # room: numbers and text only (another fast path)
        if i % 37 == 0:
            row[0] = None  # blank first cell
        if i % 53 == 0:
            row[1] = ""  # required field empty
        row.append(kinds[(i // 7) % len(kinds)])
        ws.append(row)
    path = tmp_path / "native.xlsx"
    wb.save(path)
    full, fast, counts_full, counts_fast = _both(path)
    assert fast == full
    assert counts_fast == counts_full
    assert {v.code for v in full} >= {"DUPLICATE_KEY", "VALUE_OUT_OF_RANGE", "REQUIRED_MISSING"}


def test_violations_stream_equals_results_on_xlsx_starting_right_of_column_a(tmp_path: Path) -> None:
    """calamine's rows start at the first used column: the blocks handed to the engine are padded back."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.cell(1, 3, "Inventory prepared by EHS")
    for j, header in enumerate(HEADER):
        ws.cell(3, 3 + j, header)
    for i in range(1300):
        row: list[object] = [f"C{i % 1000}", *ROW[1:]]
        row[3] = [4.0, 0.0, "", 2.5][i % 4]
        if i % 101 == 0:
            row[0] = " "  # blank key cell: that block goes the slow way
        for j, value in enumerate(row):
            ws.cell(4 + i, 3 + j, value)
    path = tmp_path / "offset.xlsx"
    wb.save(path)
    full, fast, counts_full, counts_fast = _both(path)
    assert fast == full
    assert counts_fast == counts_full
    assert {v.code for v in full} >= {"DUPLICATE_KEY", "VALUE_OUT_OF_RANGE", "REQUIRED_MISSING"}
    assert min(v.row for v in full if v.row is not None) >= 4
