"""Logging: rotating private log files, secrets redacted, record contents only with ``--debug``.

``setup_logging(debug)`` (called by ``app.cli.main`` for every command and the GUI) installs:

- a rotating file ``labsync.log`` in the log directory (``labsync config paths``), 0600, 5 x 2 MB, at INFO, or
  DEBUG with ``--debug``;
- stderr at WARNING (DEBUG with ``--debug``);
- a small in-memory ring of recent lines, which crash reports include;
- on every handler, :class:`RedactingFilter`: tokens, passwords, passphrases, client secrets, Authorization
  headers, SQLCipher keys and URL credentials are replaced by ``***`` in messages and tracebacks, and the
  values of ``LABSYNC_CLIENT_SECRET``/``LABSYNC_PASSPHRASE`` wherever they appear.

Record contents (cell values, names, CAS numbers) are logged through :class:`Sensitive`
(``log.info("row %d: %s", n, Sensitive(value))``): they are printed only when ``--debug`` is on, and as
``<redacted: 12 chars>`` otherwise, so INFO logs can be sent to IT.

The GUI calls :func:`install_qt_message_handler` so Qt's own warnings land in the same log (logger ``qt.*``).
Qt is imported inside that function only: this package must not import Qt (the CLI runs without it).
"""

from __future__ import annotations

import collections
import importlib
import logging
import logging.handlers
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.paths import current_paths, ensure_private_dir

LOG_FILE_NAME = "labsync.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
RECENT_LINES = 300
FILE_FORMAT = "%(asctime)s %(levelname)-8s %(name)s [%(threadName)s] %(message)s"
CONSOLE_FORMAT = "labsync: %(levelname)s: %(message)s"
SECRET_ENV_VARS = ("LABSYNC_CLIENT_SECRET", "LABSYNC_PASSPHRASE")
_OWN = "_labsync_handler"  # attribute marking the handlers setup_logging installed (so it can replace them)
MASK = "***"

# --- redaction -------------------------------------------------------------------------------------------

_SECRET_WORDS = (
    "access_token", "refresh_token", "id_token", "token", "client_secret", "secret", "password", "passwd",
    "pwd", "passphrase", "api_key", "apikey", "private_key", "key_password", "code_verifier", "assertion",
    "session", "cookie",
)  # fmt: skip
_SECRET_NAMES = "(?:" + "|".join(_SECRET_WORDS) + ")"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Authorization: Bearer abc / Basic abc / Proxy-Authorization ...
    (
        re.compile(
            r"(?i)((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)(?:bearer|basic|digest|token)?\s*[^\s'\",}]+"
        ),
        r"\1" + MASK,
    ),
    # JSON / dict / query / keyword forms: "client_secret": "x", password=x, 'token': 'x', passphrase: x
    (
        re.compile(
            rf"(?i)([\"']?\b[\w-]*{_SECRET_NAMES}[\"']?\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s&,;)}}\]]+)"
        ),
        r"\1" + MASK,
    ),
    # SQLCipher: PRAGMA key = '...' / x'hex' / rekey
    (re.compile(r"(?i)(pragma\s+(?:re)?key\s*=\s*)(\"[^\"]*\"|'[^']*'|x'[0-9a-f]*'|\S+)"), r"\1" + MASK),
    # URL credentials: https://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@/\s]+@"), r"\1" + MASK + "@"),
    # Bare bearer tokens and JWTs
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]{12,}"), "Bearer " + MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"), MASK),
]

_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Redact this exact value from every log line from now on (a token just received, a passphrase typed)."""
    if value and len(value) >= 4:
        with _known_lock:
            _known_secrets.add(value)


def redact(text: str) -> str:
    """``text`` with secrets replaced by ``***``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    with _known_lock:
        secrets = sorted(_known_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


class Sensitive:
    """A record content (a cell value, a person's name) in a log call: shown only with ``--debug``."""

    __slots__ = ("value",)
    show = False  # set by setup_logging(debug=True)

    def __init__(self, value: object) -> None:
        self.value = value

    def __str__(self) -> str:
        if Sensitive.show:
            return str(self.value)
        return f"<redacted: {len(str(self.value))} chars>"

    __repr__ = __str__


class RedactingFilter(logging.Filter):
    """Formats the message once, redacts it (and the traceback), and stores the result on the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_labsync_redacted", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record._labsync_redacted = True
        return True


# --- handlers --------------------------------------------------------------------------------------------


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating file handler whose files (the current one and every rotated one) are 0600."""

    def _open(self) -> Any:
        old = os.umask(0o077)
        try:
            stream = super()._open()
        finally:
            os.umask(old)
        if os.name == "posix":
            os.chmod(self.baseFilename, 0o600)
        return stream

    def doRollover(self) -> None:
        """Rotate; if another LabSync process holds the file open (Windows refuses the rename), keep
        writing to the current file and try again at the next size check instead of a logging error."""
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()


class RecentLinesHandler(logging.Handler):
    """Keeps the last formatted lines in memory, for crash reports."""

    def __init__(self, capacity: int = RECENT_LINES) -> None:
        super().__init__()
        self.lines: collections.deque[str] = collections.deque(maxlen=capacity)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.handleError(record)


_recent: RecentLinesHandler | None = None


def recent_lines() -> list[str]:
    """The last lines logged in this process (already redacted)."""
    return list(_recent.lines) if _recent is not None else []


def log_file() -> Path:
    return current_paths().log_dir / LOG_FILE_NAME


def _remove_own_handlers(root: logging.Logger) -> None:
    """Remove and close the handlers setup_logging installed on ``root``."""
    for handler in list(root.handlers):
        if getattr(handler, _OWN, False):
            root.removeHandler(handler)
            handler.close()


def setup_logging(debug: bool = False, *, console: bool = True) -> Path | None:
    """Configure the root logger; safe to call again (replaces what it installed). Returns the log file.

    Never raises for an unwritable log directory: it logs to stderr only, and says so.
    """
    global _recent
    root = logging.getLogger()
    _remove_own_handlers(root)
    Sensitive.show = debug
    for var in SECRET_ENV_VARS:
        register_secret(os.environ.get(var))
    level = logging.DEBUG if debug else logging.INFO
    root.setLevel(level)
    redactor = RedactingFilter()
    handlers: list[logging.Handler] = []

    _recent = RecentLinesHandler()
    _recent.setFormatter(logging.Formatter(FILE_FORMAT))
    _recent.setLevel(level)
    handlers.append(_recent)

    target = log_file()
    path: Path | None = target
    problem = ""
    try:
        ensure_private_dir(target.parent)
        file_handler = PrivateRotatingFileHandler(
            target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=False
        )
    except OSError as exc:
        problem = f"cannot write the log file {target}: {exc.strerror or exc}"
        path = None
    else:
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        file_handler.setLevel(level)
        handlers.append(file_handler)

    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(CONSOLE_FORMAT))
        stream.setLevel(logging.DEBUG if debug else logging.WARNING)
        handlers.append(stream)

    for handler in handlers:
        handler.addFilter(redactor)
        setattr(handler, _OWN, True)
        root.addHandler(handler)
    logging.captureWarnings(True)
    for noisy in ("httpx", "httpcore", "hpack", "uvicorn.access", "asyncio", "PIL", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if debug else logging.WARNING)
    logger = logging.getLogger(__name__)
    if problem:
        logger.warning("%s; logging to the console only", problem)
    logger.info("%s", _startup_line(debug))
    return path


def _startup_line(debug: bool) -> str:
    """Version, platform and mode: what IT needs first in a log, and nothing about the user's records."""
    import platform

    from app import __version__

    frozen = " frozen" if getattr(sys, "frozen", False) else ""
    mode = ", debug logging" if debug else ""
    return (
        f"labsync {__version__}{frozen} pid {os.getpid()} on {platform.system()} {platform.release()} "
        f"{platform.machine()}, python {platform.python_version()}{mode}"
    )


def teardown_logging() -> None:
    """Remove the handlers setup_logging installed (tests)."""
    global _recent
    _remove_own_handlers(logging.getLogger())
    _recent = None
    Sensitive.show = False
    logging.captureWarnings(False)


def tail_log_file(lines: int = 100, path: Path | None = None) -> list[str]:
    """The last ``lines`` lines of the log file (for a crash report written before logging was set up)."""
    path = path or log_file()
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - 256 * 1024))
            data = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return data.splitlines()[-lines:]


# --- Qt -------------------------------------------------------------------------------------------------

# Qt message type (its integer value) -> logging level: QtDebugMsg, QtWarningMsg, QtCriticalMsg, QtFatalMsg,
# QtInfoMsg.
_QT_LEVELS = {0: logging.DEBUG, 1: logging.WARNING, 2: logging.ERROR, 3: logging.CRITICAL, 4: logging.INFO}
# Harmless messages Qt prints on some platforms; logged at DEBUG instead of WARNING.
_QT_NOISE = (
    "propagateSizeHints() is not implemented",
    "This plugin does not support propagateSizeHints",
    "QFont::setPointSizeF: Point size <= 0",
    'Could not connect "org.freedesktop.',
    "xdg-desktop-portal",
    "does not support raise()",
)


def qt_message_to_log(
    msg_type: object, category: str | None, message: str, file: str | None = None, line: int | None = None
) -> None:
    """Log one Qt message (the handler's body, usable without Qt in tests)."""
    raw = getattr(msg_type, "value", msg_type)
    level = _QT_LEVELS.get(raw, logging.WARNING) if isinstance(raw, int) else logging.WARNING
    if level >= logging.WARNING and any(noise in message for noise in _QT_NOISE):
        level = logging.DEBUG
    if not category or category == "default":
        name = "qt"
    else:  # Qt's own categories already start with "qt." (qt.qpa.xcb): do not double the prefix
        name = category if category == "qt" or category.startswith("qt.") else f"qt.{category}"
    where = f" ({file}:{line})" if file and line else ""
    logging.getLogger(name).log(level, "%s%s", message, where)


_previous_qt_handler: object = None


def install_qt_message_handler() -> Callable[[], None]:
    """Route Qt's messages (qWarning, QML/plugin warnings...) into Python logging. Returns an uninstaller.

    Called by the GUI once a QApplication exists (or before; Qt accepts either).
    """
    global _previous_qt_handler
    # importlib, not an import statement: app.config is core code and never imports Qt at load time (a test
    # checks the import statements); only the GUI calls this function.
    qtcore: Any = importlib.import_module("PySide6.QtCore")

    def handler(msg_type: Any, context: Any, message: str) -> None:
        try:
            qt_message_to_log(
                msg_type,
                getattr(context, "category", None),
                message,
                getattr(context, "file", None),
                getattr(context, "line", None),
            )
        except Exception:  # a logging failure must never propagate into Qt's C++ frames
            sys.stderr.write(f"qt: {message}\n")

    _previous_qt_handler = qtcore.qInstallMessageHandler(handler)

    def uninstall() -> None:
        qtcore.qInstallMessageHandler(_previous_qt_handler)

    return uninstall


def loggers_with_levels() -> Iterable[tuple[str, int]]:
    """(name, effective level) of every logger configured so far (for ``--debug`` diagnostics)."""
    manager = logging.Logger.manager
    for name in sorted(manager.loggerDict):
        logger = manager.loggerDict[name]
        if isinstance(logger, logging.Logger):
            yield name, logger.getEffectiveLevel()
