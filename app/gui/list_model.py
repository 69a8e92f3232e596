"""A read-only table model over plain objects, one getter per column (outbox, audit, quarantine)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QIcon

ModelIndex = QModelIndex | QPersistentModelIndex
ObjectRole = Qt.ItemDataRole.UserRole + 20


@dataclass(frozen=True)
class Column:
    title: str
    get: Callable[[Any], Any]
    tooltip: Callable[[Any], str | None] | None = None
    background: Callable[[Any], QBrush | None] | None = None
    icon: Callable[[Any], QIcon | None] | None = None
    align_right: bool = False


def display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone() if value.tzinfo else value
        return local.strftime("%Y-%m-%d %H:%M:%S")
    if hasattr(value, "value") and not isinstance(value, str | int | float):  # enums
        return str(value.value)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(display(v) for v in value)
    return str(value)


class ObjectTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._items: list[Any] = []

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> Any:
        return self._items[row]

    @property
    def items(self) -> list[Any]:
        return list(self._items)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items) or index.column() >= len(self.columns):
            return None
        obj = self._items[index.row()]
        col = self.columns[index.column()]
        if role == ObjectRole:
            return obj
        if role == Qt.ItemDataRole.DisplayRole:
            return display(col.get(obj))
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip(obj) if col.tooltip else None
        if role == Qt.ItemDataRole.BackgroundRole and col.background:
            return col.background(obj)
        if role == Qt.ItemDataRole.DecorationRole and col.icon:
            return col.icon(obj)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title if 0 <= section < len(self.columns) else None
        return str(section + 1) if 0 <= section < len(self._items) else None
