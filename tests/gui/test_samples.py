"""Every bundled sample opens in the window (mapping dialog accepted as suggested) with its mistakes shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.gui.importing import FileInspection, ImportRequest
from app.resources import resource_path

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]

SAMPLES = (
    sorted(p for p in resource_path("samples").glob("*") if p.suffix in {".csv", ".xlsx"})
    if resource_path("samples").is_dir()
    else []
)

EXPECTED = {
    "chemical_inventory.xlsx": {
        "CAS_CHECKSUM",
        "FORMULA_ERROR",
        "DUPLICATE_KEY",
        "HIDDEN_ROW",
        "MERGED_CELL",
    },
    "equipment.csv": {"DEPRECIATION_MISSING", "VALUE_OUT_OF_RANGE"},
    "waste_manifest.xlsx": {"ACCUMULATION_EXCEEDED", "EPA_ID_INVALID"},
    "cost_share.csv": {"COST_SHARE_EXCEEDS_CAP", "VOLUNTARY_COMMITTED_PROHIBITED"},
    "attestation.csv": {"ATTESTATION_UNSIGNED", "PERIOD_INVALID"},
}


@pytest.mark.skipif(not SAMPLES, reason="resources/samples not built yet")
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_bundled_sample_opens_with_its_mistakes(
    qtbot: Any, window: Any, sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogs: list[Any] = []

    def accept_suggestions(info: FileInspection) -> ImportRequest:
        dialog = window.make_mapping_dialog(info)
        dialogs.append(dialog)
        choice = dialog.choice()
        return ImportRequest(info.path, info.sheet, choice.record_type, choice.mapping)

    monkeypatch.setattr(window, "ask_mapping", accept_suggestions)
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as blocker:
        window.open_file(sample)
    summary = blocker.args[0]
    assert summary is not None
    assert summary.invalid_count > 0
    codes = {window.panel.model.code_at(r) for r in range(window.panel.model.rowCount())}
    assert EXPECTED.get(sample.name, set()) <= codes, codes
    # the problems panel takes the user to a cell with each code, even one the filter hides (warnings)
    window.only_problems.setChecked(True)
    for code in EXPECTED.get(sample.name, set()):
        assert window.jump_to_code(code), code
        stored = window.model.stored_row(window.grid.currentIndex().row())
        assert code in {v.code for v in stored.violations}


def test_sheet_chooser_for_workbooks_with_several_sheets(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Notes"
    wb.active.append(["nothing to see here"])
    ws = wb.create_sheet("Inventory")
    ws.append(["Chemical Name", "CAS Number", "Quantity", "Unit", "Building", "Room"])
    ws.append(["Acetone", "67-64-1", 4, "L", "Chem", "101"])
    path = tmp_path / "two-sheets.xlsx"
    wb.save(path)
    asked: list[list[str]] = []

    def choose(_path: Path, sheets: list[str]) -> str:
        asked.append(list(sheets))
        return "Inventory"

    monkeypatch.setattr(window, "choose_sheet", choose)
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as blocker:
        window.open_file(path)
    assert asked == [["Notes", "Inventory"]]
    assert blocker.args[0].sheet == "Inventory"
    assert blocker.args[0].row_count == 1
