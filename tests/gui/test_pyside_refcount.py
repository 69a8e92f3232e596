"""PySide6 6.12.0 steals a reference to ``True``/``None`` on every ``Signal.emit()`` and on many ``void``
methods (``processEvents``, ``scrollTo``, ``setCurrentIndex``, ``QModelIndex.data`` answering None,
``QComboBox.currentData``): CPython 3.11 aborts with "bool_dealloc"/"none_dealloc" after a few hundred calls.
pyproject.toml pins ``PySide6<6.12``; this test fails loudly (instead of a later abort) if a broken build is
installed anyway. The counts are read as differences, so the test also holds on CPython >= 3.12 (immortal
singletons keep a constant count there).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QListView

pytestmark = pytest.mark.gui

CALLS = 50  # far below the ~700 references True holds at start-up: a broken build is seen, not crashed


class _Sender(QObject):
    fired = Signal()
    carried = Signal(object)


def _lost(obj: object, call: Callable[[], Any]) -> int:
    call()
    before = sys.getrefcount(obj)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(obj)


def test_installed_pyside_keeps_true_and_none_alive(qapp: Any) -> None:
    sender = _Sender()
    sender.fired.connect(lambda: None)
    sender.carried.connect(lambda _v: None)
    model = QStandardItemModel(4, 2)
    for r in range(4):
        model.setItem(r, 0, QStandardItem(str(r)))
    view = QListView()
    view.setModel(model)
    combo = QComboBox()
    combo.addItem("x")
    empty = model.index(1, 1)
    probes: dict[str, tuple[object, Callable[[], Any]]] = {
        "Signal.emit()": (True, sender.fired.emit),
        "Signal.emit(None)": (True, lambda: sender.carried.emit(None)),
        "processEvents()": (None, qapp.processEvents),
        "scrollTo()": (None, lambda: view.scrollTo(model.index(3, 0))),
        "setCurrentIndex()": (None, lambda: view.setCurrentIndex(model.index(2, 0))),
        "QModelIndex.data() of an empty cell": (None, empty.data),
        "QComboBox.currentData() without data": (None, combo.currentData),
    }
    leaks = {name: lost for name, (obj, call) in probes.items() if (lost := _lost(obj, call)) >= CALLS // 2}
    import PySide6

    assert not leaks, (
        f"PySide6 {PySide6.__version__} steals references to True/None ({leaks} per {CALLS} calls); "
        "the app would abort. Install the pinned version: pip install 'PySide6>=6.6,<6.12'"
    )
