"""Start the desktop app: ``run_gui(demo)`` is what ``labsync`` and ``labsync --demo`` call."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, Qt, QTimer, QTranslator
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from app.gui import theme
from app.gui.errors import CrashHandler, show_error
from app.resources import resource_path

log = logging.getLogger(__name__)

SMOKE_ENV = "LABSYNC_GUI_SMOKE_QUIT_MS"


def make_app() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    from app import __version__

    app.setApplicationName("LabSync")
    app.setOrganizationName("LabSync")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("labsync")
    app.setWindowIcon(theme.icon("labsync"))
    install_translators(app)
    theme.follow_color_scheme(app)
    return app


def install_translators(app: QApplication) -> list[QTranslator]:
    """Qt's strings and LabSync's for the user's locale (``resources/translations/labsync_<lang>.qm``)."""
    installed: list[QTranslator] = []
    locale = QLocale()
    qt = QTranslator(app)
    if qt.load(locale, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    ours = QTranslator(app)
    if ours.load(locale, "labsync", "_", str(resource_path("translations"))):
        app.installTranslator(ours)
        installed.append(ours)
    return installed


def open_workspace_interactively(parent: Any = None) -> Callable[[], Any]:
    """An opener for the user's workspace. The key comes from ``LABSYNC_PASSPHRASE`` or the OS keyring; when
    neither has it, the passphrase is asked in a dialog (never on a terminal the user cannot see)."""
    from app.errors import UnlockError, UserError
    from app.workspace import Workspace
    from app.workspace.keys import NO_KEY_MESSAGE

    try:
        Workspace.open(interactive=False).close()
        return lambda: Workspace.open(interactive=False)
    except UserError as exc:
        if isinstance(exc, UnlockError) or str(exc) != NO_KEY_MESSAGE:
            raise
    typed: list[str] = []

    def ask(label: str) -> str:
        text, ok = QInputDialog.getText(
            parent,
            QApplication.translate("launch", "Unlock the workspace"),
            QApplication.translate("launch", "Passphrase of your LabSync workspace:")
            if "again" not in label
            else QApplication.translate("launch", "The same passphrase again, to be sure:"),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            raise UserError("no passphrase was given")
        typed.append(text)
        return text

    last: BaseException = UnlockError()
    for _attempt in range(3):
        typed.clear()
        try:
            Workspace.open(prompt=ask).close()
        except UnlockError as exc:
            last = exc
            show_error(parent, QApplication.translate("launch", "Wrong passphrase"), exc)
            continue
        passphrase = typed[0]
        return lambda: Workspace.open(passphrase=passphrase)
    raise last


def run_gui(demo: bool) -> int:
    from app.config.logs import install_qt_message_handler

    # before the QApplication exists, so that what Qt says while it starts (platform plugin, fonts, high-DPI)
    # lands in the log file too, not only on a terminal the user may not have
    remove_handler = install_qt_message_handler()
    uninstall: Callable[[], None] | None = remove_handler
    try:
        app = make_app()
    except BaseException:
        remove_handler()
        raise
    window: Any = None
    crash = CrashHandler(lambda: window)
    crash.install()
    ctx = None
    service = None
    try:
        if demo:
            from app.gui.demo import start_demo

            ctx = start_demo()
        from app.gui.jobs import JobRunner
        from app.gui.main_window import MainWindow
        from app.gui.service import WorkspaceService

        try:
            opener = open_workspace_interactively()
        except Exception as exc:
            show_error(None, QApplication.translate("launch", "LabSync cannot start"), exc)
            return 2
        runner = JobRunner()
        runner.unhandled = lambda exc: crash(type(exc), exc, exc.__traceback__)
        service = WorkspaceService(opener, runner)
        window = MainWindow(service, settings_loader=_load_settings, demo=ctx)
        window.show()
        if ctx is not None:
            sample = ctx.first_sample()
            if sample is not None:
                QTimer.singleShot(0, lambda: window.open_file(sample))
            window.sync.sync_now()
        smoke = os.environ.get(SMOKE_ENV)
        if smoke:
            QTimer.singleShot(int(smoke), app.quit)
        rc = app.exec()
        return int(rc)
    finally:
        if window is not None:
            window.close()
        if service is not None:
            service.close()
        if ctx is not None:
            ctx.close()
        if uninstall is not None:
            uninstall()
        sys.excepthook = sys.__excepthook__


def _load_settings() -> Any:
    from app.config.settings import load_settings

    return load_settings()
