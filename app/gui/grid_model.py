"""The lazy grid model: it holds row ids only and fetches pages of rows from the workspace (Anki's browser
model).

At a million rows the model keeps an ``array('q')`` of ids (8 MB) and a small LRU cache of pages of stored
rows;
nothing else is copied into Python. Rows are fetched on the GUI thread through the workspace's *reader*
connection
(``rows_by_id`` of one page is a single indexed query); writes never happen here.
"""

from __future__ import annotations

import logging
from array import array
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from app.gui import theme
from app.gui.codes import field_label
from app.gui.rows import row_id_of, row_number_of, row_raw_of, row_violations_of
from app.validation.violations import Severity, Violation

log = logging.getLogger(__name__)

PAGE_SIZE = 128
MAX_PAGES = 96  # ~12k rows cached: a few screens either side of any scroll position

RowIdRole = Qt.ItemDataRole.UserRole + 1
ViolationsRole = Qt.ItemDataRole.UserRole + 2
SeverityRole = Qt.ItemDataRole.UserRole + 3
FieldRole = Qt.ItemDataRole.UserRole + 4

ModelIndex = QModelIndex | QPersistentModelIndex


def worst_severity(violations: Iterable[Violation]) -> str | None:
    worst: str | None = None
    for v in violations:
        if str(v.severity) == Severity.ERROR.value:
            return "error"
        worst = "warning"
    return worst


def violation_tooltip(violations: Sequence[Violation], _tr: Any = None) -> str:
    """Rich-text tooltip: code, message, fix hint and citation for each violation on the cell."""
    parts: list[str] = []
    for v in violations:
        sev = (
            QCoreApplication.translate("RowGridModel", "Error")
            if worst_severity([v]) == "error"
            else QCoreApplication.translate("RowGridModel", "Warning")
        )
        html = f"<b>{_esc(v.code)}</b> ({sev})<br/>{_esc(v.message)}"
        if v.hint:
            how = QCoreApplication.translate("RowGridModel", "How to fix:")
            html += f"<br/><i>{how}</i> {_esc(v.hint)}"
        if v.citation:
            html += f"<br/><span style='color:gray'>{_esc(v.citation)}</span>"
        parts.append(html)
    return "<hr/>".join(parts)


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class RowGridModel(QAbstractTableModel):
    """Rows of one batch: columns are the batch's fields; the vertical header is the source row number."""

    rows_reloaded = Signal()

    def __init__(self, workspace: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self._batch_id: int | None = None
        self._fields: list[str] = []
        self._headers: dict[str, str] = {}
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._only_invalid = False
        self._search: str | None = None
        self.editable = True

    # -- configuration
    # ------------------------------------------------------------------------------------------
    def set_workspace(self, workspace: Any) -> None:
        self._ws = workspace

    @property
    def batch_id(self) -> int | None:
        return self._batch_id

    @property
    def fields(self) -> list[str]:
        return list(self._fields)

    @property
    def only_invalid(self) -> bool:
        return self._only_invalid

    @property
    def search(self) -> str | None:
        return self._search

    def set_batch(
        self, batch_id: int | None, *, headers: dict[str, str] | None = None, ids: array[int] | None = None
    ) -> None:
        """Show a batch. ``ids``: the row ids already read (in a background job, for very large batches)."""
        self.beginResetModel()
        self._batch_id = batch_id
        self._fields = (
            list(self._ws.fields(batch_id)) if (batch_id is not None and self._ws is not None) else []
        )
        if headers is None and batch_id is not None and hasattr(self._ws, "batch"):
            headers = {f: h for h, f in dict(self._ws.batch(batch_id).mapping or {}).items()}
        self._headers = dict(headers or {})
        self._load_ids(ids)
        self.endResetModel()
        self.rows_reloaded.emit()

    def set_filter(
        self,
        *,
        only_invalid: bool | None = None,
        search: str | bool | None = False,
        ids: array[int] | None = None,
    ) -> None:
        """Change the row filter; ``search=False`` leaves the search unchanged, ``None``/"" clears it."""
        if only_invalid is not None:
            self._only_invalid = only_invalid
        if search is not False:
            self._search = (search or None) if isinstance(search, str) else None
        self.beginResetModel()
        self._load_ids(ids)
        self.endResetModel()
        self.rows_reloaded.emit()

    def reload(self) -> None:
        """Re-read the id list (after a submit or a sync), keeping the columns."""
        if self._batch_id is None:
            return
        if not self._fields:
            self.set_batch(self._batch_id, headers=self._headers)
            return
        old = len(self._ids)
        new_ids = self._fetch_ids()
        if new_ids[:old] == self._ids and len(new_ids) >= old:
            # Rows only appended (progressive import): insert, keep the scroll position and selection.
            self._pages.pop(old // PAGE_SIZE, None)
            if len(new_ids) > old:
                self.beginInsertRows(QModelIndex(), old, len(new_ids) - 1)
                self._ids = new_ids
                self.endInsertRows()
            return
        self.beginResetModel()
        self._ids = new_ids
        self._pages.clear()
        self.endResetModel()
        self.rows_reloaded.emit()

    def _fetch_ids(self) -> array[int]:
        if self._batch_id is None or self._ws is None:
            return array("q")
        ids = self._ws.row_ids(self._batch_id, only_invalid=self._only_invalid, search=self._search)
        return array("q", ids)

    def _load_ids(self, ids: array[int] | None = None) -> None:
        self._ids = self._fetch_ids() if ids is None else ids
        self._pages.clear()

    # -- row access
    # ------------------------------------------------------------------------------------------------
    def row_ids_snapshot(self) -> array[int]:
        """A copy of the ids shown, in order (for searches run in the background)."""
        return array("q", self._ids)

    def row_id(self, row: int) -> int:
        return int(self._ids[row])

    def row_of_id(self, row_id: int) -> int | None:
        """Position of a row id in the current (filtered) list, or None. Ids are ascending: binary search."""
        lo, hi = 0, len(self._ids)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._ids[mid] < row_id:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self._ids) and self._ids[lo] == row_id:
            return lo
        try:  # ids not sorted (a custom order): fall back to a scan
            return self._ids.index(row_id)
        except ValueError:
            return None

    def stored_row(self, row: int) -> Any:
        page_no, offset = divmod(row, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            start = page_no * PAGE_SIZE
            ids = self._ids[start : start + PAGE_SIZE].tolist()
            fetched = self._ws.rows_by_id(ids)
            by_id = {row_id_of(r): r for r in fetched}
            page = [by_id.get(i) for i in ids]
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def refresh_rows(self, row_ids: Iterable[int]) -> None:
        """Drop cached copies of these rows and repaint them (after an edit re-validated them)."""
        for rid in row_ids:
            pos = self.row_of_id(int(rid))
            if pos is None:
                continue
            self._pages.pop(pos // PAGE_SIZE, None)
            self.dataChanged.emit(self.index(pos, 0), self.index(pos, max(0, len(self._fields) - 1)))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, pos, pos)

    def update_rows(self, rows: Iterable[Any]) -> None:
        """Put freshly re-validated rows into the page cache and repaint them (no query)."""
        for stored in rows:
            pos = self.row_of_id(row_id_of(stored))
            if pos is None:
                continue
            page = self._pages.get(pos // PAGE_SIZE)
            if page is not None:
                page[pos % PAGE_SIZE] = stored
            self.dataChanged.emit(self.index(pos, 0), self.index(pos, max(0, len(self._fields) - 1)))
            self.headerDataChanged.emit(Qt.Orientation.Vertical, pos, pos)

    def cell_violations(self, row: int, field: str) -> list[Violation]:
        stored = self.stored_row(row)
        if stored is None:
            return []
        return [v for v in row_violations_of(stored) if v.field == field]

    def row_level_violations(self, row: int) -> list[Violation]:
        stored = self.stored_row(row)
        if stored is None:
            return []
        return [v for v in row_violations_of(stored) if v.field is None or v.field not in self._fields]

    def column_of(self, field: str | None) -> int:
        if field is not None and field in self._fields:
            return self._fields.index(field)
        return 0

    # -- Qt model interface
    # ------------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._fields)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._ids) or index.column() >= len(self._fields):
            return None
        if role == RowIdRole:
            return int(self._ids[index.row()])
        field = self._fields[index.column()]
        if role == FieldRole:
            return field
        if role not in _ROLES_NEEDING_ROW:
            return None
        stored = self.stored_row(index.row())
        if stored is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row_raw_of(stored).get(field) or ""
        violations = [v for v in row_violations_of(stored) if v.field == field]
        if role == ViolationsRole:
            return violations
        if not violations:
            return None
        severity = worst_severity(violations)
        if role == SeverityRole:
            return severity
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(theme.severity_background(severity or ""))
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.icon(severity or "warning")
        if role == Qt.ItemDataRole.ToolTipRole:
            return violation_tooltip(violations, self.tr)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return "; ".join(f"{v.code}: {v.message}" for v in violations)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if section < 0 or section >= len(self._fields):
                return None
            field = self._fields[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return self._headers.get(field) or field_label(field)
            if role == Qt.ItemDataRole.FontRole and field not in self._headers:
                font = QFont()
                font.setItalic(True)  # a field of the record type that the file has no column for
                return font
            if role == Qt.ItemDataRole.ToolTipRole:
                if field in self._headers:
                    return self.tr("Column “{0}” of the file, field {1}").format(self._headers[field], field)
                return self.tr("Field {0} (not in the file)").format(field)
            return None
        if section < 0 or section >= len(self._ids):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            stored = self.stored_row(section)
            return str(row_number_of(stored)) if stored is not None else ""
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.DecorationRole):
            # every row with a problem is marked where the row number is, even when its cell is scrolled
            # out of sight; the tooltip lists the row's own problems first, then its cells'
            stored = self.stored_row(section)
            if stored is None:
                return None
            row_level = self.row_level_violations(section)
            in_cells = [v for v in row_violations_of(stored) if v not in row_level]
            if not row_level and not in_cells:
                return None
            if role == Qt.ItemDataRole.DecorationRole:
                return theme.icon(worst_severity([*row_level, *in_cells]) or "warning")
            return violation_tooltip([*row_level, *in_cells], self.tr)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Edits never write here: the view's controller pushes an undo command that calls the workspace.

        Returning False keeps the model honest (QAbstractItemModelTester, and no value appears before the
        workspace has accepted it); :attr:`edit_requested` carries the request to the controller.
        """
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        new_text = "" if value is None else str(value)
        old_text = self.data(index, Qt.ItemDataRole.EditRole) or ""
        if new_text == old_text:
            return False
        self.edit_requested.emit(
            int(self._ids[index.row()]), self._fields[index.column()], old_text, new_text
        )
        return False

    edit_requested = Signal(int, str, str, str)  # row id, field, old text, new text


_ROLES_NEEDING_ROW = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.AccessibleDescriptionRole,
        ViolationsRole,
        SeverityRole,
    }
)
