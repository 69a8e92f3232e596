"""Cancel an import, duplicate keys repaint both rows, work survives a restart, accessible controls."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QCheckBox, QComboBox, QLineEdit

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


def open_and_wait(qtbot: Any, window: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as blocker:
        window.open_file(path)
    return blocker.args[0]


def test_cancel_import_stores_nothing(qtbot: Any, window: Any, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Container ID", "Chemical Name", "CAS Number", "Quantity", "Unit", "Building", "Room"])
        for i in range(150_000):
            w.writerow([f"C-{i:07d}", "Acetone", "67-64-1", 1 + i % 9, "L", "Chem", str(100 + i % 40)])
    with qtbot.waitSignal(window.import_finished, timeout=60_000) as blocker:
        window.open_file(path)
        qtbot.waitUntil(lambda: window.import_job is not None, timeout=10_000)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)  # the first rows show early
        assert not window.model.editable  # read-only until the import is stored
        window.cancel_button.click()
    assert blocker.args[0] is None
    assert window.service.reader.batches() == []
    assert "nothing was stored" in window.statusBar().currentMessage()
    assert not window.progress.isVisible()


def test_fixing_the_first_duplicate_repaints_the_second(qtbot: Any, window: Any, chemical_csv: Path) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    model = window.model
    key = model.fields.index("container_id")
    assert "DUPLICATE_KEY" in [v.code for v in model.stored_row(3).violations]
    changed: list[Any] = []
    model.dataChanged.connect(lambda tl, br, roles=(): changed.append(tl.row()))
    model.setData(model.index(2, key), "C-006")  # the first C-003 becomes C-006
    qtbot.waitUntil(lambda: window.editing.pending == 0, timeout=10_000)
    assert "DUPLICATE_KEY" not in [v.code for v in model.stored_row(3).violations]
    assert {2, 3} <= set(changed)


def test_work_survives_closing_and_reopening(qtbot: Any, service: Any, chemical_csv: Path) -> None:
    from app.gui.jobs import JobRunner
    from app.gui.main_window import MainWindow
    from app.gui.service import WorkspaceService
    from app.workspace import Workspace

    first = MainWindow(service)
    qtbot.addWidget(first)
    open_and_wait(qtbot, first, chemical_csv)
    first.model.setData(first.model.index(1, first.model.fields.index("quantity")), "7")
    qtbot.waitUntil(lambda: first.editing.pending == 0, timeout=10_000)
    first.close()
    service.close()

    again = WorkspaceService(Workspace.open, JobRunner())
    second = MainWindow(again)
    qtbot.addWidget(second)
    try:
        assert second.model.rowCount() == 5  # the last batch is shown again
        assert second.model.index(1, second.model.fields.index("quantity")).data() == "7"
        assert str(chemical_csv) in second.recent_files()
    finally:
        second.sync.stop()
        again.close()


def test_controls_have_accessible_names(window: Any) -> None:
    unnamed = []
    for cls in (QLineEdit, QComboBox, QCheckBox, QAbstractItemView):
        for w in window.findChildren(cls):
            if _inside(w, QComboBox | QAbstractItemView):
                continue  # a combo box's popup list, an editor inside a view
            if not w.accessibleName() and not (isinstance(w, QAbstractButton) and w.text()):
                unnamed.append(f"{type(w).__name__} {w.objectName()} in {type(w.parent()).__name__}")
    assert unnamed == []


def _inside(widget: Any, kinds: Any) -> bool:
    parent = widget.parent()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent()
    return False


def test_large_batches_load_row_ids_in_the_background(
    qtbot: Any, window: Any, chemical_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.gui.main_window as mw

    monkeypatch.setattr(mw, "ASYNC_IDS_ABOVE", 2)  # treat the 5-row sample as a huge batch
    open_and_wait(qtbot, window, chemical_csv)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=10_000)
    window.only_problems.setChecked(True)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    window.search.setText("Toluene")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    assert "rows" in window.summary.text()
    window.search.clear()
    window.only_problems.setChecked(False)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=10_000)
    window.grid.setCurrentIndex(window.model.index(0, 0))
    assert window.jump_to_code("DUPLICATE_KEY")  # searched in the background on huge batches
    qtbot.waitUntil(lambda: window.grid.currentIndex().row() == 3, timeout=10_000)
    assert window.model.fields[window.grid.currentIndex().column()] == "container_id"
