"""Secondary views: Quarantine, Outbox, Audit and the Dashboard; each reads the workspace via the service."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QPieSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme
from app.gui.codes import code_severity, code_title, field_label, state_title
from app.gui.grid_model import worst_severity
from app.gui.list_model import Column, ObjectTableModel, display
from app.gui.rows import row_number_of, row_raw_of, row_violations_of
from app.gui.service import WorkspaceService

log = logging.getLogger(__name__)


def attr(obj: Any, *names: str, default: Any = None) -> Any:
    """The first attribute (or mapping key) present: entries from the core are dataclasses or dicts."""
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return default


def state_name(state: Any) -> str:
    return str(getattr(state, "value", state) or "").upper()


STATE_COLORS = {  # chart colours
    "PENDING": "#90a4ae",
    "SENDING": "#1e88e5",
    "ACKED": "#43a047",
    "REJECTED": "#e53935",
    "RETRY_WAIT": "#fb8c00",
}
STATE_TINTS = {  # cell backgrounds (light, dark)
    "PENDING": ("#eceff1", "#37474f"),
    "SENDING": ("#dbeafe", "#1e3a5f"),
    "ACKED": ("#e3f1dc", "#1f3d22"),
    "REJECTED": ("#fbd5d2", "#5c2626"),
    "RETRY_WAIT": ("#fde7c8", "#5a3d14"),
}
RECORD_LABEL_FIELDS = ("container_id", "asset_tag", "manifest_tracking_number", "award_number", "pi_name")
RECORD_NAME_FIELDS = ("chemical_name", "description", "dot_description", "sponsor", "attestation_type")


def state_tint(state: Any) -> QBrush:
    light, dark = STATE_TINTS.get(state_name(state), ("#ffffff", "#000000"))
    return QBrush(QColor(dark if theme.is_dark() else light))


def record_label(payload: Mapping[str, Any]) -> str:
    """A record as a person names it: its key and its name (e.g. "HC-10452 Acetone")."""
    key = next((str(payload[f]) for f in RECORD_LABEL_FIELDS if payload.get(f)), "")
    name = next((str(payload[f]) for f in RECORD_NAME_FIELDS if payload.get(f)), "")
    return f"{key} {name}".strip()


def _table(parent: QWidget, model: Any, name: str) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setAccessibleName(name)
    return view


def _reasons(row: Any) -> list[Any]:
    """Local violations plus what the portal said when it rejected the row."""
    return row_violations_of(row)


def _fix_text(violations: Sequence[Any]) -> str:
    parts = []
    for v in violations:
        where = f"{field_label(v.field)}: " if v.field else ""
        parts.append(f"{where}{v.message}")
    return "; ".join(parts)


def _violations_text(violations: Sequence[Any]) -> str:
    return "; ".join(f"{attr(v, 'code')}: {attr(v, 'message', default='')}" for v in violations)


class QuarantineView(QWidget):
    """Invalid rows held back from the portal, with their reasons (local rules or the portal's codes)."""

    row_activated = Signal(int)  # row id

    def __init__(self, service: WorkspaceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.batch_id: int | None = None
        self.model = ObjectTableModel(
            [
                Column(self.tr("Row"), lambda r: row_number_of(r), align_right=True),
                Column(self.tr("Record"), lambda r: record_label(row_raw_of(r))),
                Column(
                    self.tr("Problems"),
                    lambda r: ", ".join(code_title(c) for c in sorted({v.code for v in _reasons(r)})),
                    icon=lambda r: theme.icon(worst_severity(_reasons(r)) or "warning"),
                    tooltip=lambda r: ", ".join(sorted({v.code for v in _reasons(r)})),
                ),
                Column(
                    self.tr("What to fix"),
                    lambda r: _fix_text(_reasons(r)),
                    tooltip=lambda r: _violations_text(_reasons(r)),
                ),
            ],
            self,
        )
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.table = _table(self, self.model, self.tr("Quarantined rows"))
        self.table.setAccessibleDescription(self.tr("Double-click a row to fix it in the grid."))
        self.table.doubleClicked.connect(
            lambda idx: self.row_activated.emit(int(self.model.item(idx.row()).id))
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(self.table)

    def refresh(self, batch_id: int | None = None) -> None:
        if batch_id is not None:
            self.batch_id = batch_id
        reader = self.service.reader
        if reader is None:
            return
        ids = list(reader.quarantine_ids(self.batch_id))
        shown = reader.rows_by_id(ids[:5000])
        rows = ids
        self.model.set_items(shown)
        extra = self.tr(" (first 5,000 shown)") if len(rows) > len(shown) else ""
        self.info.setText(
            self.tr("1 row is held back until it is fixed. Double-click it to fix it.")
            if len(rows) == 1
            else self.tr(
                "{0} rows are held back until they are fixed. Double-click one to fix it.{1}"
            ).format(f"{len(rows):,}", extra)
            if rows
            else self.tr("Nothing is in quarantine.")
        )
        for c in range(3):
            self.table.resizeColumnToContents(c)
            self.table.setColumnWidth(c, min(self.table.columnWidth(c), 320))


class OutboxView(QWidget):
    """Records waiting for, on their way to, or refused by the portal; filter by state; retry now."""

    retry_requested = Signal(object)  # list of outbox ids, or None for "all rejected"
    sync_requested = Signal()

    def __init__(self, service: WorkspaceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = ObjectTableModel(
            [
                Column(
                    self.tr("State"),
                    lambda e: state_title(state_name(e.state)),
                    background=lambda e: state_tint(e.state),
                ),
                Column(self.tr("Batch"), lambda e: e.batch_id, align_right=True),
                Column(self.tr("Row"), lambda e: self._row_numbers.get(e.row_id, ""), align_right=True),
                Column(self.tr("Record"), lambda e: record_label(e.payload)),
                Column(self.tr("Class"), lambda e: e.classification),
                Column(self.tr("Attempts"), lambda e: e.attempts, align_right=True),
                Column(self.tr("Next attempt"), lambda e: e.next_attempt_at),
                Column(
                    self.tr("Idempotency key"),
                    lambda e: str(e.idempotency_key)[:12] + "…",
                    tooltip=lambda e: str(e.idempotency_key),
                ),
                Column(
                    self.tr("Portal said"),
                    lambda e: _violations_text(e.portal_violations) or display(e.last_error),
                    tooltip=lambda e: _violations_text(e.portal_violations) or None,
                ),
            ],
            self,
        )
        self._row_numbers: dict[int, int] = {}
        self.state = QComboBox(self)
        self.state.addItem(self.tr("All states"), None)
        for state in STATE_COLORS:
            self.state.addItem(state_title(state), state)
        self.state.setAccessibleName(self.tr("Show outbox entries in state"))
        self.state.currentIndexChanged.connect(lambda _i: self.refresh())
        self.counts = QLabel(self)
        self.retry = QPushButton(self.tr("Retry Selected Now"), self)
        self.retry_all = QPushButton(self.tr("Retry All Rejected"), self)
        self.sync = QPushButton(self.tr("Sync Now"), self)
        self.retry.clicked.connect(self._retry_selected)
        self.retry_all.clicked.connect(lambda: self.retry_requested.emit(None))
        self.sync.clicked.connect(self.sync_requested.emit)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:"), self))
        top.addWidget(self.state)
        top.addWidget(self.counts, 1)
        top.addWidget(self.retry)
        top.addWidget(self.retry_all)
        top.addWidget(self.sync)
        self.table = _table(self, self.model, self.tr("Outbox entries"))
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)

    def _retry_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [attr(self.model.item(r), "id", "outbox_id") for r in rows]
        if ids:
            self.retry_requested.emit(ids)

    def refresh(self) -> None:
        reader = self.service.reader
        if reader is None:
            return
        wanted = self.state.currentData()
        entries = list(reader.outbox(wanted, limit=20000)) if wanted else list(reader.outbox(limit=20000))
        self._row_numbers = {r.id: r.row_no for r in reader.rows_by_id([e.row_id for e in entries])}
        self.model.set_items(entries)
        counts = {state_name(k): v for k, v in dict(reader.outbox_counts()).items()}
        self.counts.setText("   ".join(f"{state_title(s)}: {counts.get(s, 0):,}" for s in STATE_COLORS))
        self.retry_all.setEnabled(counts.get("REJECTED", 0) > 0)
        for c in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(c)


class AuditView(QWidget):
    """The audit log, filterable by batch, record and action; Verify says the result plainly; Export."""

    verified = Signal(object)

    def __init__(self, service: WorkspaceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.model = ObjectTableModel(
            [
                Column(self.tr("#"), lambda e: attr(e, "seq", "sequence", "id"), align_right=True),
                Column(
                    self.tr("When (local time)"), lambda e: _local_time(e.ts), tooltip=lambda e: f"{e.ts} UTC"
                ),
                Column(
                    self.tr("Who"),
                    lambda e: e.actor,
                    tooltip=lambda e: f"{e.actor} on {e.host}, LabSync {e.app_version}",
                ),
                Column(
                    self.tr("Action"),
                    lambda e: self._action_words.get(str(attr(e, "action")), str(attr(e, "action"))),
                    tooltip=lambda e: str(attr(e, "action")),
                ),
                Column(self.tr("What"), _audit_what, tooltip=lambda e: str(e.entity)),
                Column(
                    self.tr("Before"), lambda e: _audit_value(e.before), tooltip=lambda e: e.before or None
                ),
                Column(self.tr("After"), lambda e: _audit_value(e.after), tooltip=lambda e: e.after or None),
            ],
            self,
        )
        self.batch = QComboBox(self)
        self.batch.setAccessibleName(self.tr("Filter by batch"))
        self.record = QLineEdit(self)
        self.record.setPlaceholderText(self.tr("Record or row…"))
        self.record.setAccessibleName(self.tr("Filter by record"))
        self.action = QComboBox(self)
        self.action.setAccessibleName(self.tr("Filter by action"))
        self.action.addItem(self.tr("All actions"), None)
        actions = {
            "import": self.tr("Import"),
            "edit": self.tr("Edit"),
            "undo": self.tr("Undo"),
            "submit": self.tr("Submit"),
            "send": self.tr("Send"),
            "ack": self.tr("Accepted by the portal"),
            "reject": self.tr("Rejected by the portal"),
            "retry": self.tr("Retry"),
            "export": self.tr("Export"),
            "rekey": self.tr("Key change"),
        }
        self._action_words = {
            **actions,
            "create": self.tr("Workspace created"),
            "migrate": self.tr("Workspace upgraded"),
            "attest": self.tr("Attestation signed"),
        }
        for code, label in actions.items():
            self.action.addItem(label, code)
        self.verify = QPushButton(self.tr("Verify Integrity"), self)
        self.verify.setAccessibleDescription(
            self.tr("Checks that no audit entry was changed, removed or reordered")
        )
        self.export = QPushButton(self.tr("Export…"), self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.setAccessibleName(self.tr("Verification result"))
        for w in (self.batch, self.action):
            w.currentIndexChanged.connect(lambda _i: self.refresh())
        self.record.textChanged.connect(lambda _t: self.refresh())
        self.verify.clicked.connect(self.run_verify)
        self.export.clicked.connect(self.run_export)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Batch:"), self))
        top.addWidget(self.batch)
        top.addWidget(self.record)
        top.addWidget(QLabel(self.tr("Action:"), self))
        top.addWidget(self.action)
        top.addStretch(1)
        top.addWidget(self.verify)
        top.addWidget(self.export)
        self.table = _table(self, self.model, self.tr("Audit log entries"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.result)
        layout.addWidget(self.table)
        self.last_verify: Any = None

    def set_batches(self, batches: Sequence[tuple[int, str]]) -> None:
        current = self.batch.currentData()
        self.batch.blockSignals(True)
        self.batch.clear()
        self.batch.addItem(self.tr("All batches"), None)
        for bid, label in batches:
            self.batch.addItem(label, bid)
        self.batch.setCurrentIndex(max(self.batch.findData(current), 0) if current is not None else 0)
        self.batch.blockSignals(False)

    def refresh(self) -> None:
        reader = self.service.reader
        if reader is None:
            return
        entries = list(
            reader.audit.entries(batch_id=self.batch.currentData(), action=self.action.currentData())
        )
        needle = self.record.text().strip().casefold()
        if needle:
            entries = [e for e in entries if needle in f"{e.entity} {_audit_what(e)}".casefold()]
        entries.reverse()  # newest first
        self.model.set_items(entries[:20000])
        for c in range(self.model.columnCount() - 1):
            self.table.resizeColumnToContents(c)

    def run_verify(self) -> None:
        self.result.setText(self.tr("Verifying…"))

        def job(ws: Any, _ctx: Any) -> Any:
            return ws.audit.verify()

        self.service.write("verify", job, self._show_verify, self._verify_failed)

    def _show_verify(self, result: Any) -> None:
        self.last_verify = result
        ok = bool(attr(result, "ok", "valid", default=False))
        count = attr(result, "entries", "checked", "count", default=None)
        if ok:
            text = self.tr(
                "The audit log is intact: all {0} entries check out; none was changed, removed, "
                "inserted or reordered."
            ).format(f"{count:,}" if isinstance(count, int) else "")
            self.result.setStyleSheet("color: #2e7d32; font-weight: bold;")
        else:
            bad = attr(result, "first_bad_seq", default="?")
            why = attr(result, "problem", default="") or ""
            text = self.tr("The audit log has been tampered with: entry {0} does not check out. {1}").format(
                bad, why
            )
            self.result.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.result.setText(text)
        self.verified.emit(result)

    def _verify_failed(self, exc: BaseException) -> None:
        self.result.setStyleSheet("color: #b3261e;")
        self.result.setText(self.tr("Verification could not run: {0}").format(exc))

    def run_export(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, self.tr("Export audit log"), "audit.csv", self.tr("CSV (*.csv);;JSON Lines (*.jsonl)")
        )
        if not path:
            return
        fmt = "jsonl" if path.endswith(".jsonl") or "jsonl" in chosen else "csv"
        self.export_to(Path(path), fmt)

    def export_to(self, path: Path, fmt: str) -> None:
        def job(ws: Any, _ctx: Any) -> Path:
            ws.audit.export(path, fmt)
            return path

        self.service.write(
            "audit export", job, lambda p: self.result.setText(self.tr("Exported to {0}").format(p))
        )


def _local_time(text: str) -> str:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(text).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except (TypeError, ValueError):
        return str(text)


def _json(text: str | None) -> Any:
    import json

    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _audit_what(entry: Any) -> str:
    """ "row 98 · quantity" for a cell edit; the entity as recorded otherwise."""
    data = _json(entry.before) or _json(entry.after)
    if isinstance(data, dict) and "field" in data and "row" in data:
        return f"row {data['row']} · {field_label(str(data['field']))}"
    return str(entry.entity)


def _audit_value(text: str | None) -> str:
    """A cell edit's value as the user typed it ("(empty)" for blank); other entries compactly."""
    data = _json(text)
    if isinstance(data, dict) and "value" in data and "field" in data:
        value = data["value"]
        return "(empty)" if value in (None, "") else f"“{value}”"
    return _short(text)


def _short(value: Any) -> str:
    text = display(value)
    return text if len(text) <= 60 else text[:57] + "…"


class Dashboard(QWidget):
    """Charts: violations by code, outbox by state, and the trend over batches."""

    def __init__(self, service: WorkspaceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.by_code = self._chart_view(self.tr("Open problems by code"))
        self.by_state = self._chart_view(self.tr("Outbox by state"))
        self.trend = self._chart_view(self.tr("Valid rows and rows with errors, batch by batch"))
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.headline.setFont(font)
        grid = QGridLayout(self)
        grid.addWidget(self.headline, 0, 0, 1, 2)
        grid.addWidget(self.by_code, 1, 0, 2, 1)
        grid.addWidget(self.by_state, 1, 1)
        grid.addWidget(self.trend, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)

    def _chart_view(self, title: str) -> QChartView:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setVisible(False)
        chart.setMargins(QMargins(4, 4, 4, 4))
        view = QChartView(chart, self)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setAccessibleName(title)
        view.setMinimumHeight(220)
        return view

    def _apply_theme(self, chart: QChart) -> None:
        chart.setTheme(
            QChart.ChartTheme.ChartThemeDark if theme.is_dark() else QChart.ChartTheme.ChartThemeLight
        )

    def refresh(self, batch_id: int | None, batches: Sequence[Any]) -> None:
        reader = self.service.reader
        if reader is None:
            return
        counts: dict[str, int] = dict(reader.violation_counts(batch_id)) if batch_id is not None else {}
        self._bars_by_code(counts)
        self._pie_by_state({state_name(k): v for k, v in dict(reader.outbox_counts()).items()})
        self._trend(batches)
        outbox = {state_name(k): v for k, v in dict(reader.outbox_counts()).items()}
        waiting = sum(outbox.get(st, 0) for st in ("PENDING", "SENDING", "RETRY_WAIT"))
        self.headline.setText(
            self.tr(
                "{0} problems of {1} kinds in the current batch · {2} records waiting to be sent · "
                "{3} accepted by the portal"
            ).format(
                f"{sum(counts.values()):,}",
                len([c for c in counts.values() if c]),
                f"{waiting:,}",
                f"{outbox.get('ACKED', 0):,}",
            )
        )

    def _bars_by_code(self, counts: Mapping[str, int]) -> None:
        chart = self.by_code.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._apply_theme(chart)
        items = sorted(((c, n) for c, n in counts.items() if n), key=lambda kv: kv[1])[-12:]
        errors = QBarSet(self.tr("Errors"))
        warnings = QBarSet(self.tr("Warnings"))
        errors.setColor(QColor("#e53935"))
        warnings.setColor(QColor("#f2a900"))
        for code, n in items:
            errors.append(n if code_severity(code) == "error" else 0)
            warnings.append(n if code_severity(code) == "warning" else 0)
        series = QHorizontalStackedBarSeries()
        series.append(errors)
        series.append(warnings)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append([f"{code_title(c)} ({n:,})" for c, n in items] or [self.tr("no problems")])
        chart.addAxis(cats, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(cats)
        values = QValueAxis()
        top = max([n for _, n in items] or [1])
        values.setRange(0, top)
        values.setTickCount(min(top, 5) + 1)
        values.applyNiceNumbers()
        values.setLabelFormat("%d")
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)
        chart.legend().setVisible(any(code_severity(c) == "warning" for c, _ in items))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)

    def _pie_by_state(self, counts: Mapping[str, int]) -> None:
        chart = self.by_state.chart()
        chart.removeAllSeries()
        self._apply_theme(chart)
        series = QPieSeries()
        for state, color in STATE_COLORS.items():
            n = counts.get(state, 0)
            if n:
                sl = series.append(f"{state_title(state)}: {n:,}", n)
                sl.setBrush(QColor(color))
                sl.setBorderColor(QColor(color))
        if not series.count():
            sl = series.append(self.tr("Outbox empty"), 1)
            sl.setBrush(QColor("#cfd8dc"))
            sl.setBorderColor(QColor("#cfd8dc"))
        series.setPieSize(0.75)
        series.setHoleSize(0.4)
        chart.addSeries(series)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)

    def _trend(self, batches: Sequence[Any]) -> None:
        chart = self.trend.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self._apply_theme(chart)
        recent = sorted(batches, key=lambda b: b.id)[-12:]
        invalid = QBarSet(self.tr("Rows with errors"))
        invalid.setColor(QColor("#e53935"))
        valid = QBarSet(self.tr("Valid rows"))
        valid.setColor(QColor("#43a047"))
        line = QLineSeries()
        labels: list[str] = []
        for i, b in enumerate(recent):
            bad = int(b.invalid_count)
            good = int(b.valid_count)
            invalid.append(bad)
            valid.append(good)
            line.append(i, bad)
            labels.append(f"#{attr(b, 'id', default=i + 1)}")
        series = QBarSeries()
        series.append(valid)
        series.append(invalid)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart.addSeries(series)
        cats = QBarCategoryAxis()
        cats.append(labels or ["-"])
        chart.addAxis(cats, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(cats)
        axis = QValueAxis()
        axis.setLabelFormat("%d")
        top = max([max(int(b.invalid_count), int(b.valid_count)) for b in recent] or [1])
        axis.setRange(0, max(1, top) * 1.15)
        axis.applyNiceNumbers()
        chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
        chart.legend().setVisible(True)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
