"""Attestation, remediation reports, export, settings locks, crash dialog, offline, rejections, demo."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.gui.dialogs import SubmitChoice

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


def open_and_wait(qtbot: Any, window: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as blocker:
        window.open_file(path)
    return blocker.args[0]


def test_pi_attestation_is_signed_into_a_batch(qtbot: Any, window: Any) -> None:
    from app.gui.dialogs import AttestationDialog

    dialog = AttestationDialog("Alice Nguyen", "alice@example.edu", window)
    assert not dialog.sign.isEnabled()  # nothing is signed without the explicit tick
    dialog.award.setText("NSF-2145678")
    dialog.agree.setChecked(True)
    assert dialog.sign.isEnabled()
    record = dialog.record()
    assert record["attested"] == "yes"
    assert record["statement_version"]
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as blocker:
        window.save_attestation(record)
    summary = blocker.args[0]
    assert summary.record_type == "attestation"
    assert summary.row_count == 1
    assert "signed" in summary.label


def test_remediation_report_per_pi_and_export(
    qtbot: Any, window: Any, chemical_csv: Path, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    open_and_wait(qtbot, window, chemical_csv)
    window.write_remediation_reports(tmp_path / "reports")
    files = sorted((tmp_path / "reports").glob("*.xlsx"))
    assert [f.name.split("-")[-1] for f in files] == ["Jones.xlsx", "Smith.xlsx"]
    sheet = load_workbook(files[0])["To fix"]
    codes = {row[4] for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert {"CAS_CHECKSUM", "DUPLICATE_KEY", "REQUIRED_MISSING"} <= codes
    target = tmp_path / "corrected.xlsx"
    window.export_to(target)
    window.service.runner.wait()
    qtbot.waitUntil(target.exists, timeout=5000)


def test_settings_dialog_shows_site_locked_values_read_only(
    qtbot: Any, window: Any, labsync_home: Path, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QLineEdit

    site = labsync_home / "site"
    site.mkdir(parents=True, exist_ok=True)
    (site / "site.toml").write_text(
        'portal_url = "https://portal.example.edu/api"\nlocked = ["portal_url"]\n', encoding="utf-8"
    )
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    seen: dict[str, Any] = {}

    def inspect() -> None:
        dialog = QApplication.activeModalWidget()
        editor = dialog._editors["portal_url"]  # type: ignore[union-attr]
        assert isinstance(editor, QLineEdit)
        seen["read_only"] = editor.isReadOnly()
        seen["text"] = editor.text()
        seen["batch_enabled"] = dialog._editors["batch_size"].isEnabled()  # type: ignore[union-attr]
        dialog.reject()  # type: ignore[union-attr]

    QTimer.singleShot(200, inspect)
    window.open_settings()
    assert seen == {"read_only": True, "text": "https://portal.example.edu/api", "batch_enabled": True}


def test_uncaught_exception_shows_crash_report_not_exit(qtbot: Any, window: Any, labsync_home: Path) -> None:
    from app.gui.errors import CrashHandler

    handler = CrashHandler(lambda: window)
    try:
        raise RuntimeError("boom for the test")
    except RuntimeError as exc:
        handler(type(exc), exc, exc.__traceback__)
    assert handler.crashes == 1
    assert handler.last_report is not None
    assert handler.last_report.is_file()
    assert "boom for the test" not in window.windowTitle()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_offline_portal_keeps_records_queued(
    qtbot: Any, window: Any, chemical_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABSYNC_PORTAL_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "nobody")
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", "nothing")
    window.sync.reload_settings()
    open_and_wait(qtbot, window, chemical_csv)
    monkeypatch.setattr(window, "ask_submit", lambda valid, invalid: SubmitChoice.NOW)
    with qtbot.waitSignal(
        window.sync.status_changed, timeout=60_000, check_params_cb=lambda s: s.state not in ("syncing",)
    ):
        window.act_submit.trigger()
    assert window.sync.status.state in {"offline", "paused", "signed_out"}
    assert "2 pending" in window.pending_label.text()


@pytest.fixture
def portal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    run = pytest.importorskip("app.portal.run")
    running = run.start_portal(tmp_path / "portal.db", "127.0.0.1", port=0)
    # a client allowed to submit for LAB-A only, told to file records under LAB-B: the portal refuses them
    monkeypatch.setenv("LABSYNC_PORTAL_URL", running.url)
    monkeypatch.setenv("LABSYNC_CLIENT_ID", "lab-a-client")
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", running.secret_of("lab-a-client"))
    monkeypatch.setenv("LABSYNC_LAB", "LAB-B")
    yield running
    running.stop()


def test_portal_rejections_notify_and_return_to_quarantine(
    qtbot: Any, portal: Any, window: Any, chemical_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # records for a lab outside the client's scope are refused by the portal: a real rejection
    window.sync.reload_settings()
    open_and_wait(qtbot, window, chemical_csv)
    monkeypatch.setattr(window, "ask_submit", lambda valid, invalid: SubmitChoice.NOW)
    with qtbot.waitSignal(window.sync.synced, timeout=60_000):
        window.act_submit.trigger()
    assert any("rejected" in title for title, _msg in window.notifications)
    window.tabs.setCurrentWidget(window.quarantine)
    reasons = " ".join(
        window.quarantine.model.index(r, 3).data() or "" for r in range(window.quarantine.model.rowCount())
    )
    assert "not allowed to submit for LAB-B" in reasons
    assert "rejected" in window.pending_label.text()


def test_demo_starts_and_quits_by_itself(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update({"LABSYNC_GUI_SMOKE_QUIT_MS": "1500", "QT_QPA_PLATFORM": "offscreen"})
    env.pop("LABSYNC_HOME", None)
    env.pop("LABSYNC_PASSPHRASE", None)
    done = subprocess.run(
        [sys.executable, "-m", "app", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_sign_in_with_client_credentials(qtbot: Any, portal: Any, window: Any) -> None:
    window.sync.identity = None
    with qtbot.waitSignal(window.sync.synced, timeout=60_000):
        window.sync.sign_in()
    assert window.sync.identity
    assert window.sync.status.state == "online"


def test_rejected_rows_show_the_portals_codes_in_the_grid(
    qtbot: Any, portal: Any, window: Any, chemical_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.sync.reload_settings()
    open_and_wait(qtbot, window, chemical_csv)
    monkeypatch.setattr(window, "ask_submit", lambda valid, invalid: SubmitChoice.NOW)
    with qtbot.waitSignal(window.sync.synced, timeout=60_000):
        window.act_submit.trigger()
    window.tabs.setCurrentIndex(0)
    row0 = window.model.row_level_violations(0)  # row 2 was valid locally, the portal refused it
    assert row0
    assert row0[0].code == "LAB_SCOPE_DENIED"
    from PySide6.QtCore import Qt

    assert "lab" in str(window.model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole))


def test_passphrase_is_asked_in_a_dialog_not_on_a_terminal(
    qapp: Any, labsync_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QInputDialog

    import app.gui.launch as launch
    from app.workspace.keys import usable_keyring

    if usable_keyring() is not None:
        pytest.skip("an OS keyring is available: no passphrase is asked")
    monkeypatch.delenv("LABSYNC_PASSPHRASE", raising=False)
    answers = iter(["correct horse", "correct horse", "wrong", "correct horse"])
    asked: list[str] = []

    def fake_get_text(*args: Any, **kwargs: Any) -> tuple[str, bool]:
        asked.append(str(args[2]))
        return next(answers), True

    monkeypatch.setattr(QInputDialog, "getText", fake_get_text)
    opener = launch.open_workspace_interactively()  # creates: asks twice (confirmation)
    assert len(asked) == 2
    opener().close()
    opener = launch.open_workspace_interactively()  # a wrong passphrase, then the right one
    assert len(asked) == 4
    opener().close()


def test_attestation_records_statement_signer_and_time_as_data(qtbot: Any, window: Any) -> None:
    from app.gui.dialogs import AttestationDialog, Signer, os_signer

    offline = os_signer()
    dialog = AttestationDialog(offline, "pi@example.edu", window)
    assert "not signed in to the portal" in dialog.identity.text()  # said plainly, not passed off as a login
    dialog.set_signer(Signer("pi-nguyen", "portal"))  # the portal confirmed who we are meanwhile
    assert "portal identity" in dialog.identity.text()
    assert dialog.pi.text() == "pi-nguyen"
    dialog.agree.setChecked(True)
    record = dialog.record()
    assert record["signed_by"] == "portal:pi-nguyen"
    assert record["statement_text"].startswith("I certify")
    assert record["statement_version"]
    assert record["signed_at"].endswith("+00:00")
    with qtbot.waitSignal(window.import_finished, timeout=30_000) as blocker:
        window.save_attestation(record)
    summary = blocker.args[0]
    stored = window.service.reader.rows_by_id(window.service.reader.row_ids(summary.id))[0]
    from app.gui.rows import row_raw_of

    raw = row_raw_of(stored)
    assert raw["statement_text"] == record["statement_text"]
    assert raw["statement_version"] == record["statement_version"]
    assert raw["signed_by"] == "portal:pi-nguyen"
    assert raw["signed_at"]
    assert record["statement_text"] not in summary.label
    signature = {"statement_text", "statement_version", "signed_by", "signed_at"}
    assert not [v for v in stored.violations if v.field in signature], stored.violations
    assert summary.invalid_count == 0, stored.violations


def test_attest_offline_signs_as_the_computer_user(qtbot: Any, window: Any) -> None:
    assert not window.sync.configured
    dialog = window.attest()
    try:
        assert dialog.signer.source == "os"
        assert "computer user" in dialog.identity.text()
    finally:
        dialog.reject()
