"""The main window driven through its real widgets and the real workspace (offscreen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.gui.dialogs import SubmitChoice
from app.gui.grid_model import SeverityRole

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


def open_and_wait(qtbot: Any, window: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as blocker:
        window.open_file(path)
    return blocker.args[0]


def wait_edits(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.editing.pending == 0, timeout=10_000)


def cell(window: Any, row: int, field: str) -> Any:
    return window.model.index(row, window.model.fields.index(field))


def test_open_shows_rows_violations_and_panel(qtbot: Any, window: Any, chemical_csv: Path) -> None:
    tester = QAbstractItemModelTester(window.model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    summary = open_and_wait(qtbot, window, chemical_csv)
    assert summary.row_count == 5
    assert window.model.rowCount() == 5
    assert cell(window, 1, "quantity").data(SeverityRole) == "error"
    codes = {window.panel.model.code_at(r) for r in range(window.panel.model.rowCount())}
    assert {"VALUE_OUT_OF_RANGE", "CAS_CHECKSUM", "DUPLICATE_KEY"} <= codes
    assert "5 rows" in window.summary.text()
    assert str(chemical_csv) in window.recent_files()
    # the problems panel jumps to the cell
    assert window.jump_to_code("CAS_CHECKSUM")
    current = window.grid.currentIndex()
    assert window.model.fields[current.column()] == "cas_number"
    assert current.row() == 2
    # "rows with problems only" and search
    window.only_problems.setChecked(True)
    assert window.model.rowCount() == 3
    window.only_problems.setChecked(False)
    window.search.setText("Toluene")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    window.search.clear()
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=3000)
    del tester


def test_edit_undo_redo_fill_down_replace(qtbot: Any, window: Any, chemical_csv: Path) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    q = cell(window, 1, "quantity")
    assert window.model.setData(q, "2") is False  # the view never writes by itself
    wait_edits(qtbot, window)
    assert cell(window, 1, "quantity").data() == "2"
    assert cell(window, 1, "quantity").data(SeverityRole) is None
    window.act_undo.trigger()
    wait_edits(qtbot, window)
    assert cell(window, 1, "quantity").data() == "-2"
    assert cell(window, 1, "quantity").data(SeverityRole) == "error"
    window.act_redo.trigger()
    wait_edits(qtbot, window)
    assert cell(window, 1, "quantity").data() == "2"
    # duplicate key: fixing row 4's container id clears its DUPLICATE_KEY
    assert window.model.setData(cell(window, 3, "container_id"), "C-004") is False
    wait_edits(qtbot, window)
    assert "DUPLICATE_KEY" not in [v.code for v in window.model.stored_row(3).violations]
    # fill down: the building of row 1 into rows 2..3
    sel = window.grid.selectionModel()
    sel.clearSelection()
    for r in (0, 1, 2):
        sel.select(cell(window, r, "room"), QItemSelectionModel.SelectionFlag.Select)
    assert window.fill_down() == 1  # row 2 already holds 101: only row 3 changes
    wait_edits(qtbot, window)
    assert [cell(window, r, "room").data() for r in (0, 1, 2)] == ["101", "101", "101"]
    window.act_undo.trigger()
    wait_edits(qtbot, window)
    assert cell(window, 2, "room").data() == "102"
    # find & replace in a column is one undo step
    dialog = window.find_replace()
    dialog.column.setCurrentIndex(dialog.column.findData("unit"))
    dialog.find_edit.setText("furlongs")
    dialog.replace_edit.setText("L")
    dialog.whole.setChecked(True)
    assert window.replace_all(dialog) == 1
    wait_edits(qtbot, window)
    assert cell(window, 2, "unit").data() == "L"
    dialog.close()


def test_submit_puts_valid_rows_in_outbox(
    qtbot: Any, window: Any, chemical_csv: Path, monkeypatch: Any
) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    asked: list[tuple[int, int]] = []

    def answer(valid: int, invalid: int) -> str:
        asked.append((valid, invalid))
        return SubmitChoice.NOW

    monkeypatch.setattr(window, "ask_submit", answer)
    with qtbot.waitSignal(window.submit_finished, timeout=10_000) as blocker:
        window.act_submit.trigger()
    assert asked == [(2, 3)]
    assert blocker.args[0].queued == 2
    window.tabs.setCurrentWidget(window.outbox)
    assert window.outbox.model.rowCount() == 2
    window.tabs.setCurrentWidget(window.quarantine)
    assert window.quarantine.model.rowCount() == 3
    window.tabs.setCurrentWidget(window.audit)
    assert window.audit.model.rowCount() >= 2
    window.tabs.setCurrentWidget(window.dashboard)
    with qtbot.waitSignal(window.audit.verified, timeout=10_000):
        window.audit.verify.click()
    assert "intact" in window.audit.result.text()


def test_wait_until_valid_submits_nothing(
    qtbot: Any, window: Any, chemical_csv: Path, monkeypatch: Any
) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    monkeypatch.setattr(window, "ask_submit", lambda valid, invalid: SubmitChoice.WAIT)
    window.act_submit.trigger()
    window.service.runner.wait()
    assert window.service.reader.outbox() == []


def test_mapping_dialog_for_unknown_headers(
    qtbot: Any, window: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        "Thing,CAS Number,Qty,Unit,Building,Room,Shelf Notes\nAcetone,67-64-1,1,L,Chem,101,top\n",
        encoding="utf-8",
    )
    shown: list[Any] = []

    def fake_ask(info: Any) -> Any:
        dialog = window.make_mapping_dialog(info)
        shown.append(dialog)
        assert "Shelf Notes" in info.unmapped
        dialog.set_record_type("chemical_inventory")
        dialog.set_choice("Thing", "chemical_name")
        dialog.set_choice("Qty", "quantity")
        assert dialog.preview.item(0, 0).text() == "Acetone"
        choice = dialog.choice()
        from app.gui.importing import ImportRequest, remember_mapping

        remember_mapping(info.headers, choice.record_type, choice.mapping)
        return ImportRequest(info.path, info.sheet, choice.record_type, choice.mapping)

    monkeypatch.setattr(window, "ask_mapping", fake_ask)
    summary = open_and_wait(qtbot, window, path)
    assert shown
    assert summary.row_count == 1
    assert summary.mapping["Thing"] == "chemical_name"
    # remembered for this template: no dialog the second time
    shown.clear()
    open_and_wait(qtbot, window, path)
    assert not shown


def test_drop_and_recent(qtbot: Any, window: Any, chemical_csv: Path) -> None:
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(chemical_csv))])
    event = QDropEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    with qtbot.waitSignal(window.import_finished, timeout=30_000):
        window.dropEvent(event)
    assert window.recent_menu.actions()[0].toolTip() == str(chemical_csv)


def test_audit_filters_by_record_and_action(
    qtbot: Any, window: Any, chemical_csv: Path, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    window.model.setData(cell(window, 1, "quantity"), "3")
    wait_edits(qtbot, window)
    window.tabs.setCurrentWidget(window.audit)
    window.audit.action.setCurrentIndex(window.audit.action.findData("edit"))
    window.audit.record.setText("quantity")
    model = window.audit.model
    assert model.rowCount() == 1
    assert model.index(0, 4).data() == "row 3 · Quantity"  # the field as people write it
    assert (model.index(0, 5).data(), model.index(0, 6).data()) == ("“-2”", "“3”")
    window.audit.action.setCurrentIndex(window.audit.action.findData("import"))
    window.audit.record.clear()
    assert model.rowCount() == 1
    target = tmp_path / "audit.csv"
    window.audit.export_to(target, "csv")
    window.service.runner.wait()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert "edit" in target.read_text(encoding="utf-8")
