"""Every model passes QAbstractItemModelTester (qutebrowser habit), on a real workspace."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester

from app.gui.grid_model import RowGridModel, SeverityRole, ViolationsRole
from app.gui.list_model import Column, ObjectTableModel
from app.gui.violations_panel import ViolationSummaryModel

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]

MODE = QAbstractItemModelTester.FailureReportingMode.Fatal


def test_grid_model_passes_tester_and_shows_violations(service: Any, imported: Any) -> None:
    model = RowGridModel(service.reader)
    tester = QAbstractItemModelTester(model, MODE)
    model.set_batch(imported.id)
    assert model.rowCount() == 5
    fields = model.fields
    q = model.index(1, fields.index("quantity"))
    assert q.data() == "-2"
    assert q.data(SeverityRole) == "error"
    assert [v.code for v in q.data(ViolationsRole)] == ["VALUE_OUT_OF_RANGE"]
    tip = q.data(Qt.ItemDataRole.ToolTipRole)
    assert "VALUE_OUT_OF_RANGE" in tip
    assert q.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"  # the Excel/CSV row number the user sees
    assert model.headerData(fields.index("owner"), Qt.Orientation.Horizontal) == "PI Name"
    model.set_filter(only_invalid=True)
    assert model.rowCount() == 3
    model.set_filter(search="Toluene")
    assert model.rowCount() == 1
    model.set_filter(only_invalid=False, search=None)
    assert model.rowCount() == 5
    model.reload()
    model.refresh_rows([model.row_id(0), model.row_id(4)])
    del tester


def test_grid_model_setdata_requests_an_edit_and_changes_nothing(service: Any, imported: Any) -> None:
    model = RowGridModel(service.reader)
    model.set_batch(imported.id)
    seen: list[tuple[int, str, str, str]] = []
    model.edit_requested.connect(lambda *a: seen.append(a))
    index = model.index(1, model.fields.index("quantity"))
    assert model.setData(index, "2") is False
    assert index.data() == "-2"  # nothing changes until the workspace accepted the edit
    assert seen == [(model.row_id(1), "quantity", "-2", "2")]


def test_violation_summary_model(qapp: Any) -> None:
    model = ViolationSummaryModel()
    tester = QAbstractItemModelTester(model, MODE)
    model.set_data({"CAS_CHECKSUM": 3, "HIDDEN_ROW": 2, "ZERO": 0}, severities={"HIDDEN_ROW": "warning"})
    assert model.rowCount() == 2
    assert model.code_at(0) == "CAS_CHECKSUM"
    assert model.index(0, 2).data() == "3"
    assert model.index(0, 1).data() == "CAS_CHECKSUM"
    model.set_data({})
    assert model.rowCount() == 0
    del tester


def test_object_table_model(service: Any, imported: Any) -> None:
    model = ObjectTableModel([Column("Row", lambda r: r.row_no), Column("Raw", lambda r: r.raw)])
    tester = QAbstractItemModelTester(model, MODE)
    service.workspace.submit(imported.id)
    model.set_items(service.reader.quarantine(imported.id))
    assert model.rowCount() >= 1
    assert model.index(0, 0).data()
    model.set_items([])
    del tester
