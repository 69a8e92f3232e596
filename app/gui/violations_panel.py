"""The violations panel: one line per code with its count; activating a line jumps to the next cell."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme
from app.gui.grid_model import violation_tooltip
from app.validation.violations import Violation

ModelIndex = QModelIndex | QPersistentModelIndex
CodeRole = Qt.ItemDataRole.UserRole + 10


class ViolationSummaryModel(QAbstractTableModel):
    """Columns: code, severity, count, what it means. File-level issues (e.g. HEADER_MISSING) come first."""

    COLUMNS = ("message", "code", "count")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, int, str]] = []

    def set_data(
        self,
        counts: Mapping[str, int],
        *,
        severities: Mapping[str, str] | None = None,
        messages: Mapping[str, str] | None = None,
        file_issues: Sequence[Violation] = (),
    ) -> None:
        severities = severities or {}
        messages = messages or {}
        rows: list[tuple[str, str, int, str]] = [(v.code, str(v.severity), 0, v.message) for v in file_issues]
        ordered = sorted(
            counts.items(), key=lambda kv: (severities.get(kv[0], "error") != "error", -kv[1], kv[0])
        )
        rows += [(code, severities.get(code, "error"), n, messages.get(code, "")) for code, n in ordered if n]
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def code_at(self, row: int) -> str:
        return self._rows[row][0]

    def total(self) -> int:
        return sum(r[2] for r in self._rows)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        code, severity, count, message = self._rows[index.row()]
        col = index.column()
        if role == CodeRole:
            return code
        sev_text = self.tr("Error") if severity == "error" else self.tr("Warning")
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return message or code
            if col == 1:
                return code
            return f"{count:,}" if count else self.tr("file")
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return theme.icon("error" if severity == "error" else "warning")
        if role == Qt.ItemDataRole.ForegroundRole and col == 1:
            return QBrush(theme.severity_foreground(severity))
        if role == Qt.ItemDataRole.FontRole and col == 1:
            font = QFont()
            font.setPointSizeF(max(6.0, font.pointSizeF() * 0.85))
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{sev_text}: {message or code} ({code})"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{sev_text}: {message or code}, {count} rows"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(self.COLUMNS):
            return None
        return (self.tr("Problem"), self.tr("Code"), self.tr("Count"))[section]


class ViolationsPanel(QWidget):
    """Shows the summary; ``code_activated`` asks the main window to jump to the next cell with that code."""

    code_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ViolationSummaryModel(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)  # a narrow dock wraps a long problem title rather than cutting it
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setAccessibleName(self.tr("Violations by code"))
        self.table.setAccessibleDescription(
            self.tr(
                "Each line is one kind of problem with the number of rows it affects. "
                "Press Enter or double-click to go to the next cell with that problem."
            )
        )
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        # what is wrong with the selected cell and how to fix it, without hovering for a tooltip
        self.details_title = QLabel(self.tr("Selected cell"), self)
        bold = QFont(self.details_title.font())
        bold.setBold(True)
        self.details_title.setFont(bold)
        self.details = QTextBrowser(self)
        self.details.setOpenLinks(False)
        self.details.setAccessibleName(self.tr("Problems of the selected cell"))
        self.details.setPlaceholderText(
            self.tr("Select a cell to see what is wrong with it and how to fix it.")
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.details_title)
        layout.addWidget(self.details, 2)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.code_activated.emit(self.model.code_at(index.row()))

    def show_cell(self, where: str, value: str | None, violations: Sequence[Violation]) -> None:
        """The selected cell's problems in full (code, message, how to fix, citation); ``where`` says which
        cell ("Row 9 · CAS"). Nothing selected: ``where`` empty."""
        if not where:
            self.details_title.setText(self.tr("Selected cell"))
            self.details.clear()
            return
        self.details_title.setText(where)
        if not violations:
            self.details.setHtml(self.tr("No problem in this cell."))
            return
        shown = self.tr("(empty)") if not value else f"“{value}”"
        self.details.setHtml(
            self.tr("Value: {0}").format(shown.replace("&", "&amp;").replace("<", "&lt;"))
            + "<hr/>"
            + violation_tooltip(violations)
        )

    def set_summary(self, text: str) -> None:
        self.summary.setText(text)
