"""The main window: open, fix, submit, sync and audit. Views only lay out widgets and call the core."""

from __future__ import annotations

import datetime as dt
import logging
from array import array
from bisect import bisect_left
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSystemTrayIcon,
    QTableView,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme
from app.gui.codes import code_severity, code_title, field_label
from app.gui.delegates import CellDelegate, field_specs
from app.gui.dialogs import (
    AttestationDialog,
    FindReplaceDialog,
    MappingDialog,
    SettingRow,
    SettingsDialog,
    Signer,
    SubmitChoice,
    ask_submit,
    os_signer,
)
from app.gui.editing import CellEdit, EditController
from app.gui.errors import show_error
from app.gui.grid_model import RowGridModel
from app.gui.importing import FileInspection, ImportRequest, inspect_file, list_sheets, remember_mapping
from app.gui.jobs import JobHandle
from app.gui.preview import PREVIEW_BATCH_ID, PreviewStore, preview_job
from app.gui.rows import row_raw_of, row_violations_of
from app.gui.service import WorkspaceService
from app.gui.sync_controller import SyncController, SyncStatus
from app.gui.views import AuditView, Dashboard, OutboxView, QuarantineView
from app.gui.violations_panel import ViolationsPanel

log = logging.getLogger(__name__)

OPENABLE = "*.xlsx *.xlsm *.csv *.tsv *.txt"
ASYNC_IDS_ABOVE = 100_000  # batches larger than this read their row ids off the GUI thread


def _finds_rows_by_code(reader: Any) -> bool:
    """Whether the workspace answers ``row_ids(batch_id, code=...)`` (the rows having a violation code)."""
    import inspect

    try:
        return "code" in inspect.signature(reader.row_ids).parameters
    except (AttributeError, TypeError, ValueError):
        return False


MAX_RECENT = 8


class GridView(QTableView):
    """The grid: Enter/F2 edit, Ctrl+D fills down (handled by the window's action)."""

    @staticmethod
    def delegate_hint() -> QAbstractItemDelegate.EndEditHint:
        return QAbstractItemDelegate.EndEditHint.NoHint

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.verticalHeader().setSectionResizeMode(self.verticalHeader().ResizeMode.Fixed)
        self.horizontalHeader().setDefaultSectionSize(130)
        self.horizontalHeader().setHighlightSections(True)
        self.setAccessibleName(self.tr("Rows of the batch"))
        self.setAccessibleDescription(
            self.tr(
                "Cells with a problem are tinted red (error) or amber (warning); "
                "hover for the reason and fix."
            )
        )


class MainWindow(QMainWindow):
    batch_loaded = Signal(int)
    import_finished = Signal(object)  # BatchSummary or None when cancelled/failed
    submit_finished = Signal(object)

    def __init__(
        self,
        service: WorkspaceService,
        *,
        settings_loader: Callable[[], Any] | None = None,
        demo: Any = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.demo = demo
        self._settings_loader = settings_loader
        self.setWindowTitle(self.tr("LabSync") + (self.tr(" — demo workspace") if demo else ""))
        self.setWindowIcon(theme.icon("labsync"))
        self.setAcceptDrops(True)
        self.prefs = QSettings(str(_prefs_file()), QSettings.Format.IniFormat)
        self.import_job: JobHandle | None = None
        self.batch_summaries: list[Any] = []
        self.current_batch: Any = None
        self.last_inspection: FileInspection | None = None
        self._preview: PreviewStore | None = None
        self._ids_generation = 0
        self._jump_job: JobHandle | None = None
        self.preview_job: JobHandle | None = None
        self.first_rows_at: float | None = None
        self._import_started = dt.datetime.now()

        self.editing = EditController(service, self)
        self.editing.rows_revalidated.connect(self._rows_revalidated)
        self.editing.edit_failed.connect(
            lambda what, exc: show_error(self, self.tr("The change was not saved"), exc)
        )

        # -- grid page ----------------------------------------------------------------------------------
        self.model = RowGridModel(service.reader, self)
        self.model.edit_requested.connect(self.editing.edit)
        self.editing.describe = self._column_title
        self.grid = GridView(self)
        self.grid.setModel(self.model)
        self.delegate = CellDelegate(self.grid)
        self.grid.setItemDelegate(self.delegate)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._grid_menu)

        self.batch_combo = QComboBox(self)
        self.batch_combo.setAccessibleName(self.tr("Batch"))
        self.batch_combo.setMinimumContentsLength(28)
        self.batch_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.batch_combo.currentIndexChanged.connect(self._batch_chosen)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search rows…"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(self.tr("Search rows"))
        self._search_timer = QTimer(self, singleShot=True, interval=300)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.only_problems = QCheckBox(self.tr("Rows with errors only"), self)
        self.only_problems.setAccessibleName(self.tr("Show only rows with errors"))
        self.only_problems.toggled.connect(self._apply_only_problems)
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Batch summary"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Batch:"), self))
        bar.addWidget(self.batch_combo)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.only_problems)
        grid_page = QWidget(self)
        grid_layout = QVBoxLayout(grid_page)
        grid_layout.setContentsMargins(6, 6, 6, 0)
        grid_layout.addLayout(bar)
        grid_layout.addWidget(self.summary)
        grid_layout.addWidget(self.grid, 1)

        # -- other pages
        # --------------------------------------------------------------------------------------
        self.quarantine = QuarantineView(service, self)
        self.quarantine.row_activated.connect(self.jump_to_row)
        self.outbox = OutboxView(service, self)
        self.outbox.retry_requested.connect(self.retry)
        self.outbox.sync_requested.connect(self.sync_now)
        self.audit = AuditView(service, self)
        self.dashboard = Dashboard(service, self)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(grid_page, self.tr("Rows"))
        self.tabs.addTab(self.quarantine, self.tr("Quarantine"))
        self.tabs.addTab(self.outbox, self.tr("Outbox"))
        self.tabs.addTab(self.audit, self.tr("Audit"))
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setCentralWidget(self.tabs)

        # -- violations dock ------------------------------------------------------------------------------
        self.panel = ViolationsPanel(self)
        self.panel.code_activated.connect(self.jump_to_code)
        self.grid.selectionModel().currentChanged.connect(lambda _cur, _prev: self._show_cell_details())
        self.model.dataChanged.connect(lambda *_a: self._show_cell_details())
        self.model.modelReset.connect(self._show_cell_details)
        self.dock = QDockWidget(self.tr("Problems"), self)
        self.dock.setObjectName("problems-dock")
        self.dock.setWidget(self.panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.resizeDocks([self.dock], [400], Qt.Orientation.Horizontal)
        self._dock_wanted = True
        self._last_tab = 0

        # -- status bar --------------------------------------------------------------------------------------
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(260)
        self.progress.setAccessibleName(self.tr("Import progress"))
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel import"))
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        self.sync_icon = QLabel(self)
        self.sync_label = QLabel(self)
        self.sync_label.setAccessibleName(self.tr("Sync status"))
        self.pending_label = QLabel(self)
        self.pending_label.setAccessibleName(self.tr("Records waiting to be sent"))
        status = self.statusBar()
        status.addPermanentWidget(self.progress)
        status.addPermanentWidget(self.cancel_button)
        status.addPermanentWidget(self.sync_icon)
        status.addPermanentWidget(self.sync_label)
        status.addPermanentWidget(self.pending_label)

        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(theme.icon("labsync"), self)
            self.tray.setToolTip("LabSync")
            self.tray.show()
        self.notifications: list[tuple[str, str]] = []

        self.sync = SyncController(service, settings_loader or (lambda: None), self)
        self.sync.status_changed.connect(self._sync_status)
        self.sync.notify.connect(self.notify)
        self.sync.synced.connect(self._after_sync)

        self._build_actions()
        service.rows_changed.connect(lambda _ids: self._refresh_counts_soon())
        self._counts_timer = QTimer(self, singleShot=True, interval=150)
        self._counts_timer.timeout.connect(self.refresh_counts)

        hints = QApplication.styleHints()
        if hints is not None:  # the OS switched light/dark: repaint tints and redraw charts
            hints.colorSchemeChanged.connect(lambda _scheme: self._scheme_changed())
        self.resize(1280, 800)
        geometry = self.prefs.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.refresh_batches()
        self._sync_status(self.sync.status)

    # ------------------------------------------------------------------------------------------------------
    # actions and menus
    def _action(
        self,
        text: str,
        slot: Callable[[], Any],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        *,
        tip: str | None = None,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        sk = QKeySequence.StandardKey
        self.act_open = self._action(
            self.tr("&Open…"),
            self.open_dialog,
            sk.Open,
            tip=self.tr("Open a spreadsheet (xlsx, xlsm, csv, tsv, txt)"),
        )
        self.act_export = self._action(
            self.tr("&Export Corrected File…"),
            self.export_batch,
            tip=self.tr("Save the batch as xlsx (problems highlighted) or csv"),
        )
        self.act_report = self._action(self.tr("&Remediation Report per PI…"), self.remediation_report)
        self.act_quit = self._action(self.tr("&Quit"), self.close, sk.Quit)
        self.act_undo = self.editing.stack.createUndoAction(self, self.tr("&Undo"))
        self.act_undo.setShortcuts([QKeySequence(sk.Undo)])
        self.act_redo = self.editing.stack.createRedoAction(self, self.tr("&Redo"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(sk.Redo)])
        self.act_find = self._action(self.tr("&Find and Replace…"), self.find_replace, sk.Replace)
        self.act_find.setShortcuts([QKeySequence(sk.Replace), QKeySequence("Ctrl+H")])
        self.act_search = self._action(self.tr("&Search"), self._focus_search, sk.Find)
        self.act_fill = self._action(
            self.tr("Fill &Down"),
            self.fill_down,
            "Ctrl+D",
            tip=self.tr("Copy the top selected cell into the cells below it"),
        )
        self.act_next = self._action(self.tr("&Next Problem"), lambda: self.jump_to_code(None), "F8")
        self.act_submit = self._action(
            self.tr("&Submit…"),
            self.submit,
            "Ctrl+Return",
            tip=self.tr("Put the valid rows into the outbox for the portal"),
        )
        self.act_sync = self._action(self.tr("S&ync Now"), self.sync_now, sk.Refresh)
        self.act_retry = self._action(self.tr("&Retry Rejected"), lambda: self.retry(None))
        self.act_settings = self._action(self.tr("&Settings…"), self.open_settings, sk.Preferences)
        self.act_attest = self._action(self.tr("PI &Attestation…"), self.attest)
        self.act_about = self._action(self.tr("&About LabSync"), self.about)
        for a in (self.act_find, self.act_fill, self.act_next):
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.act_open)
        self.recent_menu = QMenu(self.tr("Open &Recent"), self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.act_export)
        file_menu.addAction(self.act_report)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_actions: tuple[QAction | None, ...] = (
            self.act_undo,
            self.act_redo,
            None,
            self.act_search,
            self.act_find,
            self.act_fill,
            self.act_next,
        )
        for entry in edit_actions:
            edit_menu.addSeparator() if entry is None else edit_menu.addAction(entry)
        batch_menu = menu.addMenu(self.tr("&Batch"))
        for a in (self.act_submit, self.act_sync, self.act_retry, self.act_attest):
            batch_menu.addAction(a)
        view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addAction(self.dock.toggleViewAction())
        for i in range(self.tabs.count()):
            act = self._action(self.tabs.tabText(i), partial(self.tabs.setCurrentIndex, i), f"Ctrl+{i + 1}")
            view_menu.addAction(act)
        tools = menu.addMenu(self.tr("&Tools"))
        tools.addAction(self.act_settings)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self.act_about)
        self._fill_recent()

        toolbar = QToolBar(self.tr("Main"), self)
        toolbar.setObjectName("main-toolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._set_action_icons()
        for a in (self.act_open, self.act_undo, self.act_redo, self.act_fill, self.act_submit, self.act_sync):
            toolbar.addAction(a)
        self.addToolBar(toolbar)

    # ------------------------------------------------------------------------------------------------------
    # recent files and drag and drop
    def recent_files(self) -> list[str]:
        value: Any = self.prefs.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        self.prefs.setValue("recent/files", items[:MAX_RECENT])
        self._fill_recent()

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for i, item in enumerate(self.recent_files()):
            act = self.recent_menu.addAction(f"&{i + 1} {Path(item).name}")
            act.setToolTip(item)
            act.triggered.connect(lambda _c=False, p=item: self.open_file(Path(p)))
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in _SUFFIXES for u in urls):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            self.open_file(Path(urls[0].toLocalFile()))

    # ------------------------------------------------------------------------------------------------------
    # opening and importing
    def open_dialog(self) -> None:
        start = self.prefs.value("recent/dir", str(Path.home()))
        if self.demo is not None:
            start = str(self.demo.samples_dir)
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a spreadsheet"),
            str(start),
            self.tr("Spreadsheets ({0});;All files (*)").format(OPENABLE),
        )
        if path:
            self.prefs.setValue("recent/dir", str(Path(path).parent))
            self.open_file(Path(path))

    def open_file(self, path: Path, *, sheet: str | None = None) -> None:
        """Sheet chooser -> header check (mapping dialog when needed) -> import in the background."""
        if self.import_job is not None and self.import_job.running:
            self.statusBar().showMessage(
                self.tr("Wait for the current import to finish, or cancel it."), 5000
            )
            return
        self.statusBar().showMessage(self.tr("Reading {0}…").format(path.name))
        if sheet is not None:
            self._inspect(path, sheet)
            return
        self.service.runner.run(
            "sheets",
            lambda _ctx: list_sheets(path),
            lambda sheets: self._sheets_listed(path, sheets),
            lambda exc: self._open_failed(path, exc),
        )

    def _sheets_listed(self, path: Path, sheets: list[str]) -> None:
        sheet: str | None = None
        if len(sheets) > 1:
            sheet = self.choose_sheet(path, sheets)
            if sheet is None:
                self.statusBar().clearMessage()
                return
        self._inspect(path, sheet)

    def choose_sheet(self, path: Path, sheets: Sequence[str]) -> str | None:
        """Overridable (tests): ask which sheet to import."""
        name, ok = QInputDialog.getItem(
            self,
            self.tr("Choose a sheet"),
            self.tr("{0} has several sheets. Which one holds the records?").format(path.name),
            list(sheets),
            0,
            False,
        )
        return name if ok else None

    def _inspect(self, path: Path, sheet: str | None) -> None:
        self.service.runner.run(
            "inspect",
            lambda _ctx: inspect_file(path, sheet),
            self._inspected,
            lambda exc: self._open_failed(path, exc),
        )

    def _inspected(self, info: FileInspection) -> None:
        self.last_inspection = info
        request: ImportRequest | None = info.request()
        if info.needs_mapping:
            request = self.ask_mapping(info)
            if request is None:
                self.statusBar().showMessage(self.tr("Import cancelled."), 4000)
                return
        assert request is not None
        self.start_import(request)

    def ask_mapping(self, info: FileInspection) -> ImportRequest | None:
        """Show the header-mapping dialog (overridable in tests)."""
        dialog = self.make_mapping_dialog(info)
        if dialog.exec() != MappingDialog.DialogCode.Accepted:
            return None
        choice = dialog.choice()
        if choice.remember:
            remember_mapping(info.headers, choice.record_type, choice.mapping)
        return ImportRequest(info.path, info.sheet, choice.record_type, choice.mapping)

    def make_mapping_dialog(self, info: FileInspection) -> MappingDialog:
        from app.gui.importing import fields_of, record_types

        return MappingDialog(
            info.headers,
            info.suggested,
            record_types(),
            info.record_type,
            fields_of,
            info.preview,
            info.problems,
            self,
        )

    def _open_failed(self, path: Path, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        show_error(self, self.tr("Cannot open {0}").format(path.name), exc)

    def start_import(self, request: ImportRequest) -> None:
        self._add_recent(request.path)
        self.progress.setRange(0, 0)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.progress.show()
        self.cancel_button.show()
        self.statusBar().showMessage(self.tr("Importing {0}…").format(request.path.name))
        self._import_started = dt.datetime.now()
        self._preview = None
        self.first_rows_at = None

        def job(ws: Any, ctx: Any) -> Any:
            return ws.import_file(
                request.path,
                record_type=request.record_type,
                sheet=request.sheet,
                mapping=request.mapping,
                progress=lambda *args: ctx.report(args),
                cancel=ctx.token,
            )

        self.import_job = self.service.write(
            "import", job, self._import_done, self._import_failed, self._import_progress
        )
        self.preview_job = self.service.runner.run(
            "preview",
            lambda ctx: preview_job(request.path, request.record_type, request.sheet, request.mapping, ctx),
            None,
            lambda exc: log.info("no preview: %s", exc),
            lambda chunk: self._preview_chunk(request, chunk),
        )

    def _preview_chunk(self, request: ImportRequest, value: Any) -> None:
        """Show the first rows, read-only, until the import commits and the real batch replaces them."""
        if self.import_job is None:
            return
        fields, results = value
        if self._preview is None:
            self._preview = PreviewStore(fields)
            self._preview.add(results)
            self.model.set_workspace(self._preview)
            self.model.editable = False
            self.delegate.specs = {}
            self.model.set_batch(PREVIEW_BATCH_ID)
            self.first_rows_at = (dt.datetime.now() - self._import_started).total_seconds()
            self.summary.setText(
                self.tr(
                    "{0}: showing the first rows while the whole file is checked "
                    "(read-only until the import finishes)…"
                ).format(request.path.name)
            )
        else:
            self._preview.add(results)
            self.model.reload()

    def cancel_import(self) -> None:
        if self.import_job is not None:
            self.import_job.token.cancel()
            self.statusBar().showMessage(self.tr("Cancelling the import…"))

    def _import_progress(self, args: Any) -> None:
        values = tuple(args) if isinstance(args, tuple | list) else (args,)
        if len(values) >= 3 and values[2]:
            done, total = int(values[1]), int(values[2])
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / max(total, 1)))
        if values and isinstance(values[0], int):
            self.progress.setFormat(self.tr("{0} rows").format(f"{values[0]:,}"))

    def _end_import_ui(self) -> None:
        self.import_job = None
        if self.preview_job is not None:
            self.preview_job.cancel()
        self.progress.hide()
        self.cancel_button.hide()
        if self._preview is not None:
            self._preview = None
            self.model.set_workspace(self.service.reader)
            self.model.editable = True
            self.model.set_batch(None)

    def _import_done(self, summary: Any) -> None:
        self._end_import_ui()
        self.refresh_batches(select=summary.id)
        secs = (dt.datetime.now() - self._import_started).total_seconds()
        self.statusBar().showMessage(
            self.tr("Imported {0} rows in {1} s: {2} valid, {3} with errors.").format(
                f"{summary.row_count:,}",
                f"{secs:.1f}",
                f"{summary.valid_count:,}",
                f"{summary.invalid_count:,}",
            ),
            10000,
        )
        self.import_finished.emit(summary)

    def _import_failed(self, exc: BaseException) -> None:
        from app.workspace import ImportCancelled

        self._end_import_ui()
        self.current_batch = None
        self.refresh_batches()
        self.import_finished.emit(None)
        if isinstance(exc, ImportCancelled):
            self.statusBar().showMessage(self.tr("Import cancelled; nothing was stored."), 6000)
            return
        show_error(self, self.tr("The file could not be imported"), exc)

    # ------------------------------------------------------------------------------------------------------
    # batches
    def refresh_batches(self, select: int | None = None) -> None:
        reader = self.service.reader
        self.batch_summaries = sorted(reader.batches(), key=lambda b: b.id) if reader is not None else []
        current = select if select is not None else (self.current_batch.id if self.current_batch else None)
        self.batch_combo.blockSignals(True)
        self.batch_combo.clear()
        for b in self.batch_summaries:
            self.batch_combo.addItem(_batch_label(b), b.id)
        self.batch_combo.blockSignals(False)
        self.audit.set_batches([(b.id, _batch_label(b)) for b in self.batch_summaries])
        if not self.batch_summaries:
            self.current_batch = None
            self.model.set_batch(None)
            self.refresh_counts()
            return
        target = current if current is not None else self.batch_summaries[-1].id
        pos = self.batch_combo.findData(target)
        self.batch_combo.setCurrentIndex(pos if pos >= 0 else self.batch_combo.count() - 1)
        self._batch_chosen(self.batch_combo.currentIndex())

    def _batch_chosen(self, pos: int) -> None:
        if pos < 0:
            return
        batch_id = self.batch_combo.itemData(pos)
        summary = next((b for b in self.batch_summaries if b.id == batch_id), None)
        if summary is not None and (
            self.current_batch is None
            or self.current_batch.id != summary.id
            or self.model.batch_id != summary.id
        ):
            self.show_batch(summary)
        elif summary is not None:
            self.current_batch = summary
            self.refresh_counts()

    def show_batch(self, summary: Any, *, in_progress: bool = False) -> None:
        self.current_batch = summary
        self.delegate.specs = field_specs(summary.record_type)
        self._with_ids(
            summary.id,
            self.model.only_invalid,
            self.model.search,
            lambda ids: self._batch_shown(summary, ids),
        )

    def _batch_shown(self, summary: Any, ids: array[int] | None) -> None:
        self.model.set_batch(summary.id, ids=ids)
        self.grid.resizeColumnsToContents() if self.model.rowCount() < 5000 else None
        for c in range(self.model.columnCount()):
            self.grid.setColumnWidth(c, min(max(self.grid.columnWidth(c), 70), 260))
        self.quarantine.batch_id = summary.id
        self.refresh_counts()
        self.batch_loaded.emit(summary.id)

    def _set_action_icons(self) -> None:
        for action, name, theme_name in (
            (self.act_open, "open", "document-open"),
            (self.act_undo, "undo", "edit-undo"),
            (self.act_redo, "redo", "edit-redo"),
            (self.act_fill, "fill-down", "go-down"),
            (self.act_submit, "submit", "document-send"),
            (self.act_sync, "sync", "view-refresh"),
        ):
            action.setIcon(theme.action_icon(name, theme_name))

    def changeEvent(self, event: QEvent) -> None:
        # the application's palette changed (light/dark): redraw the toolbar icons in the new text colour
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "act_sync"):
            self._set_action_icons()
        super().changeEvent(event)

    def _scheme_changed(self) -> None:
        self.grid.viewport().update()
        self._tab_changed(self.tabs.currentIndex())

    def _column_title(self, field: str) -> str:
        """A field as the grid's column header names it (the file's own header when it has one)."""
        if field in self.model.fields:
            title = self.model.headerData(self.model.column_of(field), Qt.Orientation.Horizontal)
            if title:
                return str(title)
        return field_label(field)

    def _show_cell_details(self) -> None:
        index = self.grid.currentIndex()
        if not index.isValid() or self.model.batch_id is None:
            self.panel.show_cell("", None, [])
            return
        field = self.model.fields[index.column()]
        stored = self.model.stored_row(index.row())
        number = self.model.headerData(index.row(), Qt.Orientation.Vertical) or index.row() + 1
        where = self.tr("Row {0} · {1}").format(number, self._column_title(field))
        row = index.row()
        violations = [*self.model.cell_violations(row, field), *self.model.row_level_violations(row)]
        value = str(index.data(Qt.ItemDataRole.EditRole) or "") if stored is not None else None
        self.panel.show_cell(where, value, violations)

    def _rows_revalidated(self, rows: list[Any]) -> None:
        self.model.update_rows(rows)

    def _refresh_counts_soon(self) -> None:
        self._counts_timer.start()

    def refresh_counts(self) -> None:
        """Summary line, violations panel, pending count (cheap aggregate queries on the reader)."""
        reader = self.service.reader
        if reader is None:
            return
        b = self.current_batch
        if b is None:
            self.summary.setText(
                self.tr("Open a spreadsheet to begin: File ▸ Open (Ctrl+O), or drop it here.")
            )
            self.panel.model.set_data({})
            self.panel.set_summary("")
        else:
            fresh = next((x for x in reader.batches() if x.id == b.id), b)
            self.current_batch = fresh
            counts = dict(reader.violation_counts(fresh.id))
            invalid = reader.row_count(fresh.id, only_invalid=True)
            total = reader.row_count(fresh.id)
            self.summary.setText(
                self.tr("{0} · {1}: {2} rows, {3} valid, {4} with errors").format(
                    _batch_name(fresh),
                    fresh.record_type.replace("_", " "),
                    f"{total:,}",
                    f"{total - invalid:,}",
                    f"{invalid:,}",
                )
            )
            self.panel.model.set_data(
                counts,
                severities={c: code_severity(c) for c in counts},
                messages={c: code_title(c) for c in counts},
                file_issues=list(fresh.file_issues or []),
            )
            self.panel.set_summary(
                self.tr("1 row needs fixing. Click a problem to go to the cell that has it.")
                if invalid == 1
                else self.tr(
                    "{0} rows need fixing. Click a problem to go to the next cell that has it."
                ).format(f"{invalid:,}")
                if invalid
                else self.tr("No errors left in this batch. Ready to submit.")
            )
        self._update_pending()

    def _update_pending(self) -> None:
        reader = self.service.reader
        if reader is None:
            return
        counts = {str(getattr(k, "value", k)): v for k, v in dict(reader.outbox_counts()).items()}
        pending = sum(counts.get(s, 0) for s in ("PENDING", "SENDING", "RETRY_WAIT"))
        rejected = counts.get("REJECTED", 0)
        text = self.tr("{0} pending").format(f"{pending:,}")
        if rejected:
            text += self.tr(", {0} rejected").format(f"{rejected:,}")
        self.pending_label.setText(text)

    def _tab_changed(self, index: int) -> None:
        widget = self.tabs.widget(index)
        # the problems panel belongs to the grid: keep the other views full width
        if index == 0:
            self.dock.setVisible(self._dock_wanted)
        elif self._last_tab == 0:
            self._dock_wanted = self.dock.isVisible()
            self.dock.hide()
        self._last_tab = index
        if widget is self.quarantine:
            self.quarantine.refresh(self.current_batch.id if self.current_batch else None)
        elif widget is self.outbox:
            self.outbox.refresh()
        elif widget is self.audit:
            self.audit.refresh()
        elif widget is self.dashboard:
            self.dashboard.refresh(
                self.current_batch.id if self.current_batch else None, self.batch_summaries
            )

    # ------------------------------------------------------------------------------------------------------
    # filter, search, navigation
    def _apply_search(self) -> None:
        text = self.search.text().strip() or None
        self._with_ids(
            self.model.batch_id,
            self.model.only_invalid,
            text,
            lambda ids: self.model.set_filter(search=text, ids=ids),
        )

    def _apply_only_problems(self, on: bool) -> None:
        self._with_ids(
            self.model.batch_id,
            on,
            self.model.search,
            lambda ids: self.model.set_filter(only_invalid=on, ids=ids),
        )

    def _with_ids(
        self, batch_id: int | None, only_invalid: bool, search: str | None, apply: Callable[[Any], None]
    ) -> None:
        """Run ``apply(ids)``: at once for ordinary batches (the model reads the ids itself), or after reading
        the ids of a very large batch in the background, so the window never freezes on a million rows."""
        self._ids_generation += 1
        reader = self.service.reader
        if (
            batch_id is None
            or batch_id < 0
            or reader is None
            or reader.row_count(batch_id) <= ASYNC_IDS_ABOVE
        ):
            apply(None)
            return
        generation = self._ids_generation
        self.summary.setText(self.tr("Loading rows…"))

        def job(_ctx: Any) -> array[int]:
            return array("q", reader.row_ids(batch_id, only_invalid=only_invalid, search=search))

        def done(ids: array[int]) -> None:
            if generation == self._ids_generation:  # a later filter wins
                apply(ids)
                self.refresh_counts()

        self.service.runner.run(
            "row ids", job, done, lambda exc: show_error(self, self.tr("Cannot show the rows"), exc)
        )

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.search.setFocus()
        self.search.selectAll()

    def select_cell(self, row: int, column: int) -> None:
        index = self.model.index(row, column)
        self.tabs.setCurrentIndex(0)
        self.grid.setCurrentIndex(index)
        self.grid.selectionModel().select(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.grid.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.grid.setFocus()

    def jump_to_row(self, row_id: int) -> None:
        pos = self.model.row_of_id(row_id)
        if pos is None and (self.only_problems.isChecked() or self.search.text()):
            self.search.clear()
            self.model.set_filter(only_invalid=False, search=None)
            self.only_problems.setChecked(False)
            pos = self.model.row_of_id(row_id)
        if pos is None:
            return
        stored = self.model.stored_row(pos)
        field = next((v.field for v in row_violations_of(stored) if v.field), None) if stored else None
        self.select_cell(pos, self.model.column_of(field))

    def jump_to_code(self, code: str | None, *, lift_filters: bool = True) -> bool:
        """Go to the next cell (after the current one, wrapping) with ``code`` (any problem if None).

        When the rows shown hide it (errors only, a search), the filters are lifted and the search repeated.
        With a workspace that indexes rows by code (``row_ids(batch, code=...)``) only the matching ids are
        read; otherwise rows are scanned, in the background for batches over ``ASYNC_IDS_ABOVE`` rows.
        """
        n = self.model.rowCount()
        current = self.grid.currentIndex()
        cur = current.row() if current.isValid() else -1
        cur_col = current.column() if current.isValid() else -1
        if code is not None and _finds_rows_by_code(self.service.reader):
            return self._jump_by_code_index(code, cur, cur_col, lift_filters)

        def wanted(stored: Any) -> list[Any]:
            return [v for v in row_violations_of(stored) if code is None or v.code == code]

        if n > ASYNC_IDS_ABOVE:
            self._jump_in_background(code, cur, cur_col, wanted)
            return True
        for offset in range(n + 1):
            pos = (cur + offset) % n if n else 0
            if offset == 0 and cur < 0:
                continue
            stored = self.model.stored_row(pos) if n else None
            if stored is None:
                continue
            hits = wanted(stored)
            if offset == 0:  # later cells of the current row first
                hits = [v for v in hits if self.model.column_of(v.field) > cur_col]
            elif offset == n:  # wrapped around to the current row: its earlier cells
                hits = [v for v in hits if self.model.column_of(v.field) <= cur_col]
            if hits:
                self.select_cell(pos, self.model.column_of(hits[0].field))
                return True
        if lift_filters and (self.only_problems.isChecked() or self.search.text()):
            self.search.clear()
            self.only_problems.setChecked(False)
            self.model.set_filter(only_invalid=False, search=None)
            return self.jump_to_code(code, lift_filters=False)
        self.statusBar().showMessage(
            self.tr("No cell with {0} in this batch.").format(code or self.tr("problems")), 5000
        )
        return False

    def _jump_by_code_index(self, code: str, cur: int, cur_col: int, lift_filters: bool) -> bool:
        """Ask the workspace for the ids of the rows with ``code`` (ints only; off the GUI thread for big
        batches), then go to the first of them after the current cell that the grid shows."""
        batch_id = self.model.batch_id
        reader = self.service.reader
        if batch_id is None or reader is None:
            return False
        if reader.row_count(batch_id) <= ASYNC_IDS_ABOVE:
            return self._go_to_code_hit(
                code, sorted(reader.row_ids(batch_id, code=code)), cur, cur_col, lift_filters
            )
        self.statusBar().showMessage(self.tr("Looking for the next {0}…").format(code))

        def job(_ctx: Any) -> list[int]:
            return sorted(reader.row_ids(batch_id, code=code))

        def done(ids: list[int]) -> None:
            if self.model.batch_id == batch_id:
                self.statusBar().clearMessage()
                self._go_to_code_hit(code, ids, cur, cur_col, lift_filters)

        if self._jump_job is not None:
            self._jump_job.cancel()
        self._jump_job = self.service.runner.run("find code", job, done)
        return True

    def _go_to_code_hit(self, code: str, ids: list[int], cur: int, cur_col: int, lift_filters: bool) -> bool:
        """``ids``: the batch's rows with ``code``, ascending. Selects the next cell with it, wrapping."""
        model = self.model

        def columns_at(pos: int) -> list[int]:
            stored = model.stored_row(pos)
            found = [v for v in row_violations_of(stored) if v.code == code] if stored is not None else []
            return sorted(model.column_of(v.field) for v in found)

        cur_rid = model.row_id(cur) if 0 <= cur < model.rowCount() else None
        split = bisect_left(ids, cur_rid) if cur_rid is not None else 0
        on_current = cur_rid is not None and split < len(ids) and ids[split] == cur_rid
        if on_current:  # later cells of the current row first
            later = [c for c in columns_at(cur) if c > cur_col]
            if later:
                self.select_cell(cur, later[0])
                return True
        for rid in (*ids[split + (1 if on_current else 0) :], *ids[:split]):
            pos = model.row_of_id(rid)
            if pos is None:  # hidden by a filter
                continue
            columns = columns_at(pos)
            if columns:
                self.select_cell(pos, columns[0])
                return True
        if on_current:  # wrapped around: the current row's earlier cells
            earlier = [c for c in columns_at(cur) if c <= cur_col]
            if earlier:
                self.select_cell(cur, earlier[0])
                return True
        if ids and lift_filters and (self.only_problems.isChecked() or self.search.text()):
            self.search.clear()
            self.only_problems.setChecked(False)
            self.model.set_filter(only_invalid=False, search=None)
            return self.jump_to_code(code, lift_filters=False)
        self.statusBar().showMessage(self.tr("No cell with {0} in this batch.").format(code), 5000)
        return False

    def _jump_in_background(
        self, code: str | None, cur: int, cur_col: int, wanted: Callable[[Any], list[Any]]
    ) -> None:
        ids = array("q", self.model.row_ids_snapshot())
        reader = self.service.reader
        self.statusBar().showMessage(self.tr("Looking for the next {0}…").format(code or self.tr("problem")))

        def job(ctx: Any) -> tuple[int, str | None] | None:
            n = len(ids)
            start = max(cur, 0)
            order = list(range(start, n, 2000)) + list(range(0, start, 2000))
            for chunk_start in order:
                if ctx.cancelled:
                    return None
                chunk = ids[chunk_start : min(chunk_start + 2000, n)].tolist()
                by_id = {r.id: r for r in reader.rows_by_id(chunk)}
                for offset, rid in enumerate(chunk):
                    pos = chunk_start + offset
                    stored = by_id.get(rid)
                    hits = wanted(stored) if stored is not None else []
                    if pos == cur:
                        hits = [v for v in hits if self.model.column_of(v.field) > cur_col]
                    if hits:
                        return rid, hits[0].field
            return None

        def done(found: tuple[int, str | None] | None) -> None:
            if found is None:
                self.statusBar().showMessage(
                    self.tr("No cell with {0} in the rows shown.").format(code or self.tr("problems")), 5000
                )
                return
            pos = self.model.row_of_id(found[0])
            if pos is not None:
                self.statusBar().clearMessage()
                self.select_cell(pos, self.model.column_of(found[1]))

        if self._jump_job is not None:
            self._jump_job.cancel()
        self._jump_job = self.service.runner.run("find code", job, done)

    # ------------------------------------------------------------------------------------------------------
    # editing helpers
    def _grid_menu(self, pos: Any) -> None:
        index = self.grid.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            stored = self.model.stored_row(index.row())
            field = self.model.fields[index.column()]
            for v in row_violations_of(stored) if stored else []:
                suggestion = getattr(v, "suggestion", None)
                if v.field == field and suggestion:
                    act = menu.addAction(self.tr("Use suggestion “{0}”").format(suggestion))
                    act.triggered.connect(
                        lambda _c=False, s=suggestion, i=index: self.model.setData(
                            i, s, Qt.ItemDataRole.EditRole
                        )
                    )
        for a in (self.act_undo, self.act_redo, self.act_fill, self.act_find, self.act_next):
            menu.addAction(a)
        menu.exec(self.grid.viewport().mapToGlobal(pos))

    def fill_down(self) -> int:
        """Copy the topmost selected cell of each selected column into the other selected cells below it."""
        indexes = self.grid.selectionModel().selectedIndexes()
        if len(indexes) < 2:
            self.statusBar().showMessage(self.tr("Select a cell and the cells below it to fill down."), 4000)
            return 0
        edits: list[CellEdit] = []
        by_col: dict[int, list[QModelIndex]] = {}
        for i in indexes:
            by_col.setdefault(i.column(), []).append(i)
        for col, cells in by_col.items():
            cells.sort(key=lambda i: i.row())
            value = str(cells[0].data(Qt.ItemDataRole.EditRole) or "")
            field = self.model.fields[col]
            for cell in cells[1:]:
                old = str(cell.data(Qt.ItemDataRole.EditRole) or "")
                edits.append(CellEdit(self.model.row_id(cell.row()), field, old, value))
        return self.editing.edit_many(edits, self.tr("Fill down"))

    def find_replace(self) -> FindReplaceDialog | None:
        if self.model.batch_id is None:
            return None
        columns = [
            (f, str(self.model.headerData(i, Qt.Orientation.Horizontal)))
            for i, f in enumerate(self.model.fields)
        ]
        current = self.grid.currentIndex()
        dialog = FindReplaceDialog(
            columns, self.model.fields[current.column()] if current.isValid() else None, self
        )
        dialog.replace_all.clicked.connect(lambda: self.replace_all(dialog))
        dialog.show()
        return dialog

    def replace_all(self, dialog: FindReplaceDialog) -> int:
        field = dialog.field()
        needle = dialog.find_edit.text()
        if not needle or self.model.batch_id is None:
            return 0
        reader = self.service.reader
        ids = reader.row_ids(self.model.batch_id, only_invalid=self.model.only_invalid, search=needle)
        edits: list[CellEdit] = []
        for start in range(0, len(ids), 1000):
            for row in reader.rows_by_id(ids[start : start + 1000]):
                old = row_raw_of(row).get(field) or ""
                new = dialog.transform(old)
                if new != old:
                    edits.append(CellEdit(row.id, field, old, new))
        n = self.editing.edit_many(edits, self.tr("Replace in {0}").format(field))
        dialog.result_label.setText(self.tr("Replaced in {0} cells.").format(n))
        return n

    # ------------------------------------------------------------------------------------------------------
    # submit, sync, retry
    def submit(self) -> None:
        b = self.current_batch
        if b is None:
            return
        reader = self.service.reader
        invalid = reader.row_count(b.id, only_invalid=True)
        total = reader.row_count(b.id)
        choice = self.ask_submit(total - invalid, invalid)
        if choice != SubmitChoice.NOW:
            if choice == SubmitChoice.WAIT:
                self.statusBar().showMessage(
                    self.tr("Nothing submitted: fix the remaining rows first."), 6000
                )
            return
        self.service.write(
            "submit",
            lambda ws, _ctx: ws.submit(b.id),
            self._submitted,
            lambda exc: show_error(self, self.tr("Submit failed"), exc),
        )

    def ask_submit(self, valid: int, invalid: int) -> str:
        """Overridable (tests): "submit valid rows now" / "wait until all are valid"."""
        return ask_submit(self, valid, invalid, partial_allowed=_partial_allowed())

    def _submitted(self, summary: Any) -> None:
        self.statusBar().showMessage(
            self.tr("{0} rows queued for the portal ({1} already sent), {2} held in quarantine.").format(
                f"{summary.queued:,}", f"{summary.unchanged:,}", f"{summary.quarantined:,}"
            ),
            10000,
        )
        self.refresh_batches()
        self.outbox.refresh()
        self.service.outbox_changed.emit()
        self.submit_finished.emit(summary)
        self.sync_now()

    def sync_now(self) -> None:
        self.sync.sync_now()

    def retry(self, ids: Any) -> None:
        def job(ws: Any, _ctx: Any) -> int:
            if ids is None:
                return int(ws.retry_all_rejected().get("requeued", 0))
            for i in ids:
                ws.retry(i)
            return len(ids)

        def done(n: int) -> None:
            self.statusBar().showMessage(self.tr("{0} entries will be sent again.").format(n), 6000)
            self.outbox.refresh()
            self._update_pending()
            self.sync_now()

        self.service.write("retry", job, done, lambda exc: show_error(self, self.tr("Retry failed"), exc))

    def _sync_status(self, status: SyncStatus) -> None:
        names = {
            "online": (self.tr("Online"), "online"),
            "idle": (self.tr("Portal: not synced yet"), "offline"),
            "offline": (self.tr("Offline"), "offline"),
            "syncing": (self.tr("Syncing…"), "syncing"),
            "not_configured": (self.tr("No portal configured"), "offline"),
            "signed_out": (self.tr("Sign-in needed"), "offline"),
            "paused": (self.tr("Sync paused (portal failing)"), "offline"),
        }
        text, icon_name = names.get(status.state, (status.state, "offline"))
        self.sync_icon.setPixmap(theme.icon(icon_name).pixmap(14, 14))
        self.sync_label.setText(text)
        self.sync_label.setToolTip(status.detail or text)
        self._update_pending()

    def _after_sync(self, report: Any) -> None:
        self._update_pending()
        if self.tabs.currentWidget() is self.outbox:
            self.outbox.refresh()
        if self.tabs.currentWidget() is self.audit:
            self.audit.refresh()
        self.model.reload()
        self.refresh_counts()
        acked = int(getattr(report, "acked", 0) or 0)
        if acked and not getattr(report, "rejected", 0):
            self.statusBar().showMessage(
                self.tr("1 record accepted by the portal.")
                if acked == 1
                else self.tr("{0} records accepted by the portal.").format(f"{acked:,}"),
                10000,
            )

    def notify(self, title: str, message: str) -> None:
        """A desktop notification (tray), and always a status-bar line."""
        self.notifications.append((title, message))
        if self.tray is not None and self.tray.supportsMessages():
            self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, 10000)
        self.statusBar().showMessage(f"{title}: {message}", 15000)

    # ------------------------------------------------------------------------------------------------------
    # export, reports, settings, attestation
    def export_batch(self) -> None:
        b = self.current_batch
        if b is None:
            return
        suggested = str(
            Path(str(self.prefs.value("recent/dir", str(Path.home())))) / f"{Path(b.source_name).stem}-"
            f"corrected.xlsx"
        )
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export corrected file"), suggested, self.tr("Excel workbook (*.xlsx);;CSV (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        b = self.current_batch
        if b is None:
            return
        self.service.write(
            "export",
            lambda ws, _ctx: ws.export(b.id, path),
            lambda _r: self.statusBar().showMessage(self.tr("Saved {0}").format(path), 8000),
            lambda exc: show_error(self, self.tr("Export failed"), exc),
        )

    def remediation_report(self) -> None:
        b = self.current_batch
        if b is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the remediation reports"))
        if folder:
            self.write_remediation_reports(Path(folder))

    def write_remediation_reports(self, folder: Path) -> None:
        from app.gui.reports import write_remediation_reports

        b = self.current_batch
        if b is None:
            return
        reader_rows = self.service.reader
        ids = reader_rows.row_ids(b.id, only_invalid=True)

        def rows() -> Any:
            for start in range(0, len(ids), 2000):
                yield from reader_rows.rows_by_id(ids[start : start + 2000])

        written = write_remediation_reports(folder, b, rows(), code_title)
        self.statusBar().showMessage(
            self.tr("Wrote {0} remediation reports to {1}").format(len(written), folder), 10000
        )

    def open_settings(self) -> SettingsDialog | None:
        try:
            from app.config.settings import describe, load_settings, save_user_setting
        except ImportError as exc:
            show_error(self, self.tr("Settings are unavailable"), exc)
            return None
        try:
            settings = load_settings()
        except Exception as exc:  # an invalid site or user file: say which, in plain words
            show_error(self, self.tr("The settings cannot be read"), exc)
            return None
        labels = {
            "portal_url": self.tr("Portal URL"),
            "oauth_client_id": self.tr("OAuth client id"),
            "ca_bundle": self.tr("CA bundle"),
            "client_cert": self.tr("Client certificate"),
            "client_key": self.tr("Client key"),
            "batch_size": self.tr("Batch size"),
            "policy_file": self.tr("Policy pack file"),
        }
        kinds = {
            "ca_bundle": "file",
            "client_cert": "file",
            "client_key": "file",
            "policy_file": "file",
            "batch_size": "int",
        }
        rows = [
            SettingRow(
                key,
                label,
                getattr(settings, key),
                "site" if settings.is_locked(key) else settings.source_of(key),
                kinds.get(key, "text"),
                describe(key),
            )
            for key, label in labels.items()
        ]
        dialog = SettingsDialog(
            rows,
            signed_in_as=self.sync.portal_identity,
            on_sign_in=self.sync.sign_in,
            on_sign_out=self.sync.sign_out,
            parent=self,
        )
        policy = QLabel(self.tr("Policy pack version in use: {0}").format(_policy_version()), dialog)
        dialog.body.insertWidget(1, policy)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            for key, value in dialog.changed_values().items():
                try:
                    save_user_setting(key, value)
                except Exception as exc:
                    show_error(self, self.tr("Setting not saved"), exc)
            self.sync.reload_settings()
        return dialog

    def attest(self) -> AttestationDialog:
        """The attestation form, signed as the portal identity (confirmed with the portal when it is not known
        yet) or, offline, as the computer's user, said plainly in the form."""
        known = self.sync.portal_identity
        dialog = AttestationDialog(Signer(known, "portal") if known else os_signer(), None, self)
        if not known and self.sync.configured:

            def confirmed(who: str | None) -> None:
                from shiboken6 import isValid

                if who and isValid(dialog) and dialog.isVisible():
                    dialog.set_signer(Signer(who, "portal"))

            self.sync.confirm_identity(confirmed)
        dialog.accepted.connect(lambda: self.save_attestation(dialog.record()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def save_attestation(self, record: dict[str, str]) -> None:
        """Store a signed attestation as a one-record ``attestation`` batch: validated, audited, submittable.

        The statement's text and version, the signer and the signing time are fields of the record
        (``statement_text``, ``statement_version``, ``signed_by``, ``signed_at``).
        """
        from app.gui.reports import ATTESTATION_COLUMNS, write_attestation_csv
        from app.paths import current_paths, ensure_private_dir

        columns = ATTESTATION_COLUMNS
        folder = ensure_private_dir(current_paths().data_dir / "attestations")
        path = write_attestation_csv(folder, record, columns)
        mapping = {title: name for name, title in columns}
        label = f"{record['attestation_type']} signed by {record['signed_by']}"

        def job(ws: Any, _ctx: Any) -> Any:
            return ws.import_file(path, record_type="attestation", mapping=mapping, label=label)

        def done(summary: Any) -> None:
            self.refresh_batches(select=summary.id)
            self.statusBar().showMessage(
                self.tr("Attestation signed and saved as batch #{0}.").format(summary.id), 8000
            )
            self.import_finished.emit(summary)

        self.service.write(
            "attestation",
            job,
            done,
            lambda exc: show_error(self, self.tr("The attestation was not saved"), exc),
        )

    def about(self) -> None:
        from app import __version__

        QMessageBox.about(
            self,
            self.tr("About LabSync"),
            self.tr(
                "<b>LabSync {0}</b><br/>Validate, fix and sync lab compliance spreadsheets.<br/>"
                "Workspace: {1}"
            ).format(__version__, getattr(self.service.reader, "path", "")),
        )

    # ------------------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        self.prefs.setValue("window/geometry", self.saveGeometry())
        self.prefs.sync()
        self.sync.stop()
        if self.import_job is not None:
            self.import_job.cancel()
        self.service.runner.cancel_all()
        event.accept()


_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".tsv", ".txt"}


def _batch_name(b: Any) -> str:
    """What a batch is called: its label when it has one (a signed attestation), else its file's name."""
    return str(getattr(b, "label", "") or b.source_name)


def _batch_label(b: Any) -> str:
    from PySide6.QtCore import QCoreApplication

    rows = (
        QCoreApplication.translate("MainWindow", "1 row")
        if b.row_count == 1
        else QCoreApplication.translate("MainWindow", "{0} rows").format(f"{b.row_count:,}")
    )
    return f"#{b.id} {_batch_name(b)} ({rows})"


def _prefs_file() -> Path:
    from app.paths import current_paths, ensure_private_dir

    return ensure_private_dir(current_paths().config_dir) / "gui.ini"


def _policy_version() -> str:
    try:
        from app.validation.policy import load_policy

        return str(load_policy().version)
    except Exception:
        return "?"


def _partial_allowed() -> bool:
    try:
        from app.validation.policy import load_policy

        policy = load_policy()
        return bool(getattr(policy, "allow_partial_submit", True))
    except Exception:
        return True


def app_instance() -> QApplication:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    return app
