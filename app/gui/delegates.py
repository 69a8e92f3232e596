"""Per-type cell editors: a date picker, drop-downs for enumerations and units, a number field, plain text.

Editors start from the cell's text exactly as stored; nothing is rewritten for the user. A drop-down is
editable,
so a value outside the list can still be typed (the workspace will then say why it is not allowed).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from app.gui.grid_model import FieldRole

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str = "text"  # text | date | enum | decimal | integer | bool | list
    choices: tuple[str, ...] = ()
    required: bool = False
    label: str = ""
    synonyms: tuple[str, ...] = field(default_factory=tuple)


_DATE_HINTS = ("date", "period_start", "period_end")


def _guess_spec(name: str) -> FieldSpec:
    if any(h in name for h in _DATE_HINTS):
        return FieldSpec(name, "date")
    if name in {
        "quantity",
        "unit_cost",
        "sponsor_amount",
        "cost_share_amount",
        "total_quantity",
        "annual_salary",
        "required_percent",
        "utilization_percent",
        "concentration",
    }:
        return FieldSpec(name, "decimal")
    if name in {"container_count", "useful_life_years"}:
        return FieldSpec(name, "integer")
    return FieldSpec(name)


def field_specs(record_type: str | None) -> dict[str, FieldSpec]:
    """Field kinds and allowed values, from the validation package's data dictionary."""
    if not record_type:
        return {}
    try:
        from app.validation.dictionary import load_dictionary

        dictionary = load_dictionary()
        return _specs_from_dictionary(dictionary, record_type)
    except Exception as exc:  # the dictionary is the validation package's; fall back to plain editors
        log.debug("no field specs for %s: %s", record_type, exc)
        return {}


_KINDS = {
    "decimal": "decimal",
    "money": "decimal",
    "percent": "decimal",
    "integer": "integer",
    "date": "date",
    "enum": "enum",
    "bool": "bool",
}


def _specs_from_dictionary(dictionary: Any, record_type: str) -> dict[str, FieldSpec]:
    rtype = dictionary.record_type(record_type)
    specs: dict[str, FieldSpec] = {}
    for f in rtype.fields:
        kind = _KINDS.get(f.type, "text")
        choices: tuple[str, ...] = tuple(f.enum.values) if f.enum is not None else ()
        if kind == "bool":
            choices = ("yes", "no")
        specs[f.name] = FieldSpec(f.name, kind, choices, f.required, f.name, tuple(f.synonyms))
    return specs


class _DecimalValidator(QValidator):
    """Accepts anything that could become a number while typing; the workspace does the real check."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        stripped = text.strip().replace(",", "")
        if stripped in {"", "-", ".", "-."}:
            return QValidator.State.Intermediate, text, pos
        try:
            float(stripped)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos


class CellDelegate(QStyledItemDelegate):
    """Chooses the editor from the field's kind."""

    def __init__(self, parent: QAbstractItemView | None = None) -> None:
        super().__init__(parent)
        self.specs: dict[str, FieldSpec] = {}

    def spec_for(self, index: QModelIndex | QPersistentModelIndex) -> FieldSpec:
        name = str(index.data(FieldRole) or "")
        return self.specs.get(name) or _guess_spec(name)

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        spec = self.spec_for(index)
        if spec.kind == "date":
            editor = QDateEdit(parent)
            editor.setCalendarPopup(True)
            editor.setDisplayFormat("yyyy-MM-dd")
            editor.setAccessibleName(self.tr("Date for {0}").format(spec.name))
            return editor
        if spec.kind in {"enum", "bool"} and spec.choices:
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.addItems(list(spec.choices))
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            combo.setAccessibleName(self.tr("Choice for {0}").format(spec.name))
            return combo
        line = QLineEdit(parent)
        line.setAccessibleName(self.tr("Value for {0}").format(spec.name))
        if spec.kind in {"decimal", "integer"}:
            line.setValidator(_DecimalValidator(line))
            line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return line

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The whole cell (not only its text part beside the problem icon), widened for drop-downs and
        date pickers whose arrow would otherwise hide the value."""
        rect = QRect(option.rect)
        if isinstance(editor, QComboBox | QDateEdit):
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
        rect.setHeight(max(rect.height(), editor.sizeHint().height()))
        if rect.height() > option.rect.height():
            rect.moveCenter(option.rect.center())
        editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QDateEdit):
            date = _parse_date(text) or dt.date.today()
            editor.setDate(QDate(date.year, date.month, date.day))
        elif isinstance(editor, QComboBox):
            pos = editor.findText(text, Qt.MatchFlag.MatchFixedString)
            if pos >= 0:
                editor.setCurrentIndex(pos)
            else:
                editor.setEditText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QDateEdit):
            value = editor.date().toString("yyyy-MM-dd")
        elif isinstance(editor, QComboBox):
            value = editor.currentText()
        elif isinstance(editor, QLineEdit):
            value = editor.text()
        else:
            super().setModelData(editor, model, index)
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)


def _parse_date(text: str) -> dt.date | None:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text[:10], fmt).date()
        except ValueError:
            continue
    return None
