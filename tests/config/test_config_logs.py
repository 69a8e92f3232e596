"""Log files (rotating, private), redaction of secrets and record contents, Qt messages, crash reports."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from app.config import crash, logs
from app.config.logs import Sensitive, qt_message_to_log, redact, setup_logging
from app.paths import current_paths

SECRETS = [
    ("Authorization: Bearer abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnop"),
    ("headers={'authorization': 'Basic dXNlcjpwYXNz', 'accept': 'json'}", "dXNlcjpwYXNz"),
    ("POST /token client_id=lab&client_secret=s3cr3t-value&grant_type=client_credentials", "s3cr3t-value"),
    ('{"access_token": "at-123456", "refresh_token": "rt-654321", "expires_in": 3600}', "at-123456"),
    ('{"access_token": "at-123456", "refresh_token": "rt-654321", "expires_in": 3600}', "rt-654321"),
    ("PRAGMA key = 'correct horse battery'", "correct horse"),
    ("PRAGMA rekey = x'0011aabbccdd'", "0011aabbccdd"),
    ("proxy http://alice:pr0xy-pw@proxy.campus.edu:3128", "pr0xy-pw"),
    ("unlock with passphrase=open-sesame", "open-sesame"),
    ("login password: hunter2!", "hunter2"),
    ("jwt eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJsYWItNDIifQ.c2lnbmF0dXJl", "eyJzdWIiOiJsYWItNDIifQ"),
]


@pytest.mark.parametrize(("text", "secret"), SECRETS)
def test_redact_removes_secrets(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert "***" in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "imported 1200 rows from inventory.xlsx in 2.1 s",
        "max_tokens: 5",
        "keyring backend: SecretService: unavailable",
        "sync: 3 batches sent, token refreshed",
    ],
)
def test_redact_keeps_ordinary_lines(text: str) -> None:
    assert redact(text) == text


def test_log_file_is_private_and_rotating() -> None:
    path = setup_logging(debug=False, console=False)
    assert path == current_paths().log_dir / "labsync.log"
    logging.getLogger("app.test").info("hello from the test")
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "hello from the test" in path.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs.PrivateRotatingFileHandler))
    assert handler.maxBytes == logs.MAX_BYTES
    assert handler.backupCount == logs.BACKUP_COUNT
    handler.doRollover()
    logging.getLogger("app.test").info("after the rollover")
    rotated = path.with_name("labsync.log.1")
    assert "hello from the test" in rotated.read_text(encoding="utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(rotated.stat().st_mode) == 0o600


def test_setup_twice_does_not_duplicate_handlers() -> None:
    setup_logging(debug=False, console=False)
    count = len(logging.getLogger().handlers)
    setup_logging(debug=True, console=False)
    assert len(logging.getLogger().handlers) == count


def _file_text() -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (current_paths().log_dir / "labsync.log").read_text(encoding="utf-8")


def test_secrets_never_reach_the_log_file_even_in_tracebacks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABSYNC_CLIENT_SECRET", "env-client-secret-value")
    setup_logging(debug=True, console=False)
    log = logging.getLogger("app.sync.test")
    for text, _ in SECRETS:
        log.info("%s", text)
    log.debug("the secret from the environment is %s", "env-client-secret-value")
    log.info("workspace passphrase %r", os.environ["LABSYNC_PASSPHRASE"])  # set by the root conftest
    try:
        raise RuntimeError("token request failed: client_secret=abc-in-exception")
    except RuntimeError:
        log.exception("sync failed")
    text = _file_text()
    for _, secret in SECRETS:
        assert secret not in text
    assert "env-client-secret-value" not in text
    assert os.environ["LABSYNC_PASSPHRASE"] not in text
    assert "abc-in-exception" not in text
    assert "RuntimeError" in text  # the traceback itself is kept


def test_record_contents_only_with_debug() -> None:
    setup_logging(debug=False, console=False)
    log = logging.getLogger("app.ingest.test")
    log.info("row %d rejected: %s", 7, Sensitive("Acetone, CAS 67-64-1"))
    log.debug("debug line not at INFO")
    text = _file_text()
    assert "row 7 rejected: <redacted: 20 chars>" in text
    assert "Acetone" not in text
    assert "debug line" not in text
    setup_logging(debug=True, console=False)
    log.info("row %d rejected: %s", 8, Sensitive("Acetone, CAS 67-64-1"))
    log.debug("debug line at DEBUG")
    text = _file_text()
    assert "row 8 rejected: Acetone, CAS 67-64-1" in text
    assert "debug line at DEBUG" in text


def test_console_gets_warnings_only_without_debug(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging(debug=False)
    logging.getLogger("app.x").info("quiet info")
    logging.getLogger("app.x").warning("loud warning password=pw123")
    err = capsys.readouterr().err
    assert "quiet info" not in err
    assert "labsync: WARNING: loud warning password=***" in err


def test_unwritable_log_directory_falls_back_to_the_console(capsys: pytest.CaptureFixture[str]) -> None:
    log_dir = current_paths().log_dir
    log_dir.parent.mkdir(parents=True, exist_ok=True)
    log_dir.write_text("a file where the log directory should be", encoding="utf-8")
    assert setup_logging(debug=False) is None
    assert "logging to the console only" in capsys.readouterr().err


def test_qt_messages_map_to_log_levels(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    qt_message_to_log(1, "qt.qpa.fonts", "Cannot find font", "qfont.cpp", 12)
    qt_message_to_log(2, "default", "critical thing")
    qt_message_to_log(4, None, "just info")
    qt_message_to_log(1, "myapp.models", "a custom category")
    qt_message_to_log(1, "qt.qpa", "This plugin does not support propagateSizeHints()")
    got = [(r.name, r.levelno, r.getMessage()) for r in caplog.records]
    assert ("qt.qpa.fonts", logging.WARNING, "Cannot find font (qfont.cpp:12)") in got
    assert ("qt", logging.ERROR, "critical thing") in got
    assert ("qt", logging.INFO, "just info") in got
    assert ("qt.myapp.models", logging.WARNING, "a custom category") in got
    assert ("qt.qpa", logging.DEBUG, "This plugin does not support propagateSizeHints()") in got


def test_install_qt_message_handler_routes_real_qt_warnings(caplog: pytest.LogCaptureFixture) -> None:
    qtcore = pytest.importorskip("PySide6.QtCore")
    caplog.set_level(logging.DEBUG)
    uninstall = logs.install_qt_message_handler()
    try:
        qtcore.qWarning("a warning from Qt")
    finally:
        uninstall()
    assert any(
        r.name.startswith("qt") and r.getMessage().startswith("a warning from Qt") for r in caplog.records
    )


# --- crash reports ---


def _raise_with_secret() -> None:
    raise ValueError("boom while sending Authorization: Bearer tok-abcdefghijklmnop")


def test_crash_report_has_version_traceback_and_recent_log_lines_without_secrets() -> None:
    setup_logging(debug=False, console=False)
    logging.getLogger("app.sync").info("sending batch 3 with password=pw-in-log")
    try:
        _raise_with_secret()
    except ValueError as exc:
        path = crash.write_crash_report(exc)
    assert path.parent == current_paths().crash_dir
    text = path.read_text(encoding="utf-8")
    from app import __version__

    assert f"labsync {__version__}" in text
    assert "ValueError" in text
    assert "_raise_with_secret" in text
    assert "sending batch 3" in text
    assert "tok-abcdefghijklmnop" not in text
    assert "pw-in-log" not in text
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_crash_reports_are_pruned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crash, "KEEP_REPORTS", 3)
    paths = [crash.write_crash_report(RuntimeError(f"crash {n}")) for n in range(5)]
    assert len(set(paths)) == 5
    assert len(list(current_paths().crash_dir.glob("crash-*.txt"))) == 3


def test_crash_report_falls_back_to_the_temp_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    crash_dir = current_paths().crash_dir
    crash_dir.parent.mkdir(parents=True, exist_ok=True)
    crash_dir.write_text("not a directory", encoding="utf-8")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = crash.write_crash_report(RuntimeError("x"))
    assert path.parent == tmp_path / "labsync-crash"


def test_cli_error_boundary_writes_a_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import main as cli

    def broken_gui(*, demo: bool) -> int:
        raise RuntimeError("the GUI fell over")

    monkeypatch.setattr(cli, "_start_gui", broken_gui)
    assert cli.main([]) == 70
    err = capsys.readouterr().err
    assert "internal error: RuntimeError. A crash report was written to" in err
    reports = list(current_paths().crash_dir.glob("crash-*.txt"))
    assert len(reports) == 1
    assert "the GUI fell over" in reports[0].read_text(encoding="utf-8")


def test_rollover_that_cannot_rename_keeps_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    path = setup_logging(debug=False, console=False)
    assert path is not None
    handler = next(h for h in logging.getLogger().handlers if isinstance(h, logs.PrivateRotatingFileHandler))

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(
            13, "The process cannot access the file because it is being used by another process"
        )

    monkeypatch.setattr(handler, "rotate", refuse)
    handler.doRollover()
    logging.getLogger("app.test").info("still logging after a refused rotation")
    handler.flush()
    assert "still logging after a refused rotation" in path.read_text(encoding="utf-8")
