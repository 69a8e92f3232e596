"""Crash reports: one text file per crash in the crash directory, with no secrets in it.

``write_crash_report(exc)`` is called by the CLI's error boundary (``app.cli.main``) and by the GUI's
``sys.excepthook``, which shows the report in a dialog the user can copy from. The report holds the version,
the platform, the traceback and the last log lines, all passed through the log redaction filter; record
contents are not in it unless ``--debug`` was on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from pathlib import Path

from app.config.logs import recent_lines, redact, tail_log_file
from app.paths import current_paths, ensure_private_dir

KEEP_REPORTS = 20
LOG_LINES = 200


def format_crash_report(exc: BaseException, *, log_lines: int = LOG_LINES) -> str:
    """The report's text (redacted)."""
    from app import __version__

    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = [
        "LabSync crash report",
        "====================",
        f"time:      {now}",
        f"version:   labsync {__version__}",
        f"frozen:    {_frozen()}",
        f"python:    {platform.python_version()} ({platform.python_implementation()})",
        f"platform:  {platform.platform()} ({platform.machine()})",
        f"qt:        {_qt_version()}",
        f"command:   {' '.join(_safe_argv())}",
        "",
        "Traceback",
        "---------",
        "".join(traceback.format_exception(exc)).rstrip(),
        "",
        f"Recent log lines (at most {log_lines})",
        "------------------------------",
    ]
    recent = recent_lines() or tail_log_file(log_lines)
    lines.extend(recent[-log_lines:] or ["(none)"])
    return redact("\n".join(lines)) + "\n"


def write_crash_report(exc: BaseException) -> Path:
    """Write a report for ``exc`` and return its path (0600; the oldest beyond the last 20 are removed).

    Falls back to the temporary directory when the crash directory cannot be written.
    """
    text = format_crash_report(exc)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    name = f"crash-{stamp}-{os.getpid()}.txt"
    for directory in (current_paths().crash_dir, Path(tempfile.gettempdir()) / "labsync-crash"):
        try:
            ensure_private_dir(directory)
            path = _unique(directory / name)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
        except OSError:
            continue
        _prune(directory)
        return path
    raise OSError("cannot write a crash report anywhere")


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    return candidate


def _prune(directory: Path) -> None:
    reports = sorted(directory.glob("crash-*.txt"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    for old in reports[:-KEEP_REPORTS]:
        with contextlib.suppress(OSError):
            old.unlink()


def _frozen() -> str:
    if not getattr(sys, "frozen", False):
        return "no"
    return f"yes ({getattr(sys, '_MEIPASS', sys.executable)})"


def _qt_version() -> str:
    """Qt's version if the GUI loaded it (never imports Qt)."""
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is None:
        return "not loaded"
    pyside = sys.modules.get("PySide6")
    return f"{getattr(qtcore, 'qVersion', lambda: '?')()} (PySide6 {getattr(pyside, '__version__', '?')})"


def _safe_argv() -> list[str]:
    """argv with the values of options that may carry secrets hidden."""
    out: list[str] = []
    hide_next = False
    for arg in sys.argv:
        if hide_next:
            out.append("***")
            hide_next = False
            continue
        lowered = arg.lower()
        if any(word in lowered for word in ("secret", "password", "passphrase", "token")):
            if "=" in arg:
                out.append(arg.split("=", 1)[0] + "=***")
            else:
                out.append(arg)
                hide_next = arg.startswith("-")
            continue
        out.append(arg)
    return out
