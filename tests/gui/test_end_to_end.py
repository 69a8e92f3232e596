"""End to end through real widgets: open a sample -> fix every violation by editing cells -> submit -> sync
to the
reference portal on loopback -> the audit log verifies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.gui.dialogs import SubmitChoice
from app.gui.grid_model import SeverityRole
from app.resources import resource_path

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]

FIXES = {  # (row index in the grid, field) -> the value a lab manager types
    (1, "quantity"): "2",
    (2, "cas_number"): "108-88-3",
    (2, "unit"): "L",
    (2, "sds_reference"): "SDS-3",
    (3, "container_id"): "C-004",
    (3, "room"): "104",
    (3, "date_received"): "2024-01-01",
}


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    run = pytest.importorskip("app.portal.run")
    running = run.start_portal(tmp_path / "portal.db", "127.0.0.1", port=0)
    monkeypatch.setenv("LABSYNC_PORTAL_URL", running.url)
    monkeypatch.setenv("LABSYNC_CLIENT_ID", running.client_id)
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", running.client_secret)
    monkeypatch.setenv("LABSYNC_LAB", "LAB-A")  # the demo client may submit for every lab: say which
    if running.ca_bundle:
        monkeypatch.setenv("LABSYNC_CA_BUNDLE", str(running.ca_bundle))
    yield running
    running.stop()


SAMPLE_FIXES = {  # resources/samples/cost_share.csv
    (1, "cost_share_amount"): "135000",  # mandatory share back at the required 30%
    (2, "cost_share_type"): "voluntary uncommitted",  # NSF prohibits voluntary committed
    (5, "sponsor_amount"): "120000",
    (6, "cost_share_type"): "voluntary uncommitted",  # "in-kind" is not a cost share type
}
COST_SHARE_SAMPLE = resource_path("samples", "cost_share.csv")


@pytest.mark.parametrize(
    ("source", "fixes", "invalid"),
    [
        pytest.param("chemical", FIXES, 3, id="chemical-inventory"),
        pytest.param(
            "sample",
            SAMPLE_FIXES,
            4,
            id="bundled-cost-share-sample",
            marks=pytest.mark.skipif(not COST_SHARE_SAMPLE.is_file(), reason="samples not built"),
        ),
    ],
)
def test_open_fix_submit_sync_audit(
    qtbot: Any,
    portal: Any,
    window: Any,
    chemical_csv: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
    fixes: dict[tuple[int, str], str],
    invalid: int,
) -> None:
    window.sync.reload_settings()
    assert window.sync.configured
    path = chemical_csv if source == "chemical" else COST_SHARE_SAMPLE
    with qtbot.waitSignal(window.import_finished, timeout=30_000):
        window.open_file(path)
    assert window.service.reader.row_count(window.model.batch_id, only_invalid=True) == invalid
    total = window.service.reader.row_count(window.model.batch_id)

    # fix every violation through the editor of each cell, as a user would
    for (row, field), value in fixes.items():
        index = window.model.index(row, window.model.fields.index(field))
        window.grid.setCurrentIndex(index)
        window.grid.edit(index)
        editor = window.grid.indexWidget(index) or window.grid.focusWidget()
        _type_into(editor, value)
        window.grid.commitData(editor)
        window.grid.closeEditor(editor, window.grid.delegate_hint())
        qtbot.waitUntil(lambda: window.editing.pending == 0, timeout=10_000)
    window.refresh_counts()
    for row in range(window.model.rowCount()):
        for col in range(window.model.columnCount()):
            assert window.model.index(row, col).data(SeverityRole) != "error", (row, window.model.fields[col])
    assert window.service.reader.row_count(window.model.batch_id, only_invalid=True) == 0
    assert "No errors left" in window.panel.summary.text()

    monkeypatch.setattr(window, "ask_submit", lambda valid, invalid: SubmitChoice.NOW)
    with qtbot.waitSignal(window.sync.synced, timeout=60_000) as synced:
        window.act_submit.trigger()
    report = synced.args[0]
    if report.remaining:  # a second round for anything deferred
        with qtbot.waitSignal(window.sync.synced, timeout=60_000) as synced:
            window.sync.sync_now()
        report = synced.args[0]
    assert report.remaining == 0, report.reason
    assert window.sync.status.state == "online"
    counts = {str(k): v for k, v in window.service.reader.outbox_counts().items()}
    rejected = [
        (e.row_id, e.portal_violations, e.last_error) for e in window.service.reader.outbox("REJECTED")
    ]
    assert counts["ACKED"] == total, rejected
    assert "0 pending" in window.pending_label.text()
    # after the first sync the portal says who we are (shown in Settings, used to sign attestations)
    qtbot.waitUntil(lambda: window.sync.portal_identity is not None, timeout=10_000)

    window.tabs.setCurrentWidget(window.audit)
    actions = {e.action for e in window.audit.model.items}
    assert {"import", "edit", "submit"} <= actions
    with qtbot.waitSignal(window.audit.verified, timeout=10_000) as verified:
        window.audit.verify.click()
    assert verified.args[0].ok
    assert "intact" in window.audit.result.text()


def _type_into(editor: Any, value: str) -> None:
    from PySide6.QtCore import QDate
    from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit

    if isinstance(editor, QDateEdit):
        editor.setDate(QDate.fromString(value, "yyyy-MM-dd"))
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(value)
    elif isinstance(editor, QLineEdit):
        editor.selectAll()
        editor.insert(value)
    else:  # pragma: no cover - a new editor type
        raise AssertionError(f"unexpected editor {editor!r}")
