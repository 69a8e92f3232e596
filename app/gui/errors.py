"""Errors in plain words with details to copy; an uncaught exception ends in a crash dialog, not silence."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.errors import InputFileError, LabSyncError, SyncError, UnlockError, UserError

log = logging.getLogger(__name__)


def plain_message(exc: BaseException) -> str:
    """What the user is told: the error's own words for LabSync errors, a plain sentence otherwise."""
    if isinstance(exc, UnlockError):
        return QCoreApplication.translate(
            "errors", "The workspace could not be unlocked: the passphrase or key is wrong."
        )
    if isinstance(exc, InputFileError | UserError):
        return str(exc)
    if isinstance(exc, SyncError):
        return QCoreApplication.translate(
            "errors", "The portal could not be reached or refused the request: {0}"
        ).format(exc)
    if isinstance(exc, LabSyncError):
        return str(exc)
    if isinstance(exc, PermissionError):
        return QCoreApplication.translate("errors", "LabSync is not allowed to open {0}.").format(
            getattr(exc, "filename", "") or QCoreApplication.translate("errors", "the file")
        )
    if isinstance(exc, FileNotFoundError):
        return QCoreApplication.translate("errors", "{0} does not exist (any more).").format(
            getattr(exc, "filename", "") or QCoreApplication.translate("errors", "The file")
        )
    if isinstance(exc, OSError):
        return QCoreApplication.translate("errors", "The operating system refused: {0}").format(
            exc.strerror or exc
        )
    return QCoreApplication.translate(
        "errors", "Something went wrong inside LabSync ({0}). Your work is saved."
    ).format(type(exc).__name__)


def details_of(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def show_error(
    parent: QWidget | None, title: str, exc: BaseException | str, *, details: str | None = None
) -> None:
    """A modal message box; the technical details are in the expandable, selectable "Show Details" area."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    if isinstance(exc, BaseException):
        box.setText(plain_message(exc))
        if details is None and not isinstance(exc, UserError):
            details = details_of(exc)
    else:
        box.setText(exc)
    if details:
        box.setDetailedText(details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAccessibleName(title)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    if QApplication.platformName() == "offscreen" and _non_interactive():
        log.error("%s: %s", title, box.text())
        return
    box.exec()


def _non_interactive() -> bool:
    """Tests and smoke runs must not block on a modal dialog."""
    import os

    return bool(os.environ.get("LABSYNC_GUI_NONINTERACTIVE") or os.environ.get("PYTEST_CURRENT_TEST"))


def write_report(exc: BaseException) -> Path | None:
    try:
        from app.config.crash import write_crash_report

        return write_crash_report(exc)
    except Exception:
        log.exception("could not write a crash report")
        return None


class CrashHandler:
    """``sys.excepthook`` for the GUI: log, write a report, show it in a dialog the user can copy from."""

    def __init__(self, parent_getter: Callable[[], QWidget | None] = lambda: None) -> None:
        self._parent_getter = parent_getter
        self._showing = False
        self.last_report: Path | None = None
        self.crashes = 0

    def install(self) -> None:
        sys.excepthook = self

    def __call__(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.crashes += 1
        exc = exc if exc.__traceback__ is not None else exc.with_traceback(tb)
        log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
        self.last_report = write_report(exc)
        if self._showing:
            return
        self._showing = True
        try:
            text = details_of(exc)
            if self.last_report is not None:
                text = (
                    QCoreApplication.translate("errors", "Report saved to {0}").format(self.last_report)
                    + "\n\n"
                    + text
                )
            box = QMessageBox(self._parent_getter())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(QCoreApplication.translate("errors", "LabSync ran into a problem"))
            box.setText(
                QCoreApplication.translate(
                    "errors",
                    "LabSync hit an unexpected error ({0}). Your work up to the last change is saved in "
                    "the workspace. Please send the report below to your IT support.",
                ).format(exc_type.__name__)
            )
            box.setDetailedText(text)
            box.setAccessibleName(QCoreApplication.translate("errors", "Crash report"))
            if QApplication.platformName() == "offscreen" and _non_interactive():
                return
            box.exec()
        finally:
            self._showing = False
