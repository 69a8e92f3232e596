"""The PySide6 refcount guard: after it, no number of leaky calls can deallocate None/True/False."""

from __future__ import annotations

import sys
from typing import Any

import pytest
from PySide6.QtCore import QObject, Signal

from app.gui.qtcompat import emit, immortalize_singletons

pytestmark = pytest.mark.gui


class _Sender(QObject):
    fired = Signal(object)


def test_emit_keeps_true_alive(qapp: Any) -> None:
    sender = _Sender()
    sender.fired.connect(lambda _v: None)
    before = sys.getrefcount(True)
    for _ in range(5000):
        emit(sender.fired, None)
    assert sys.getrefcount(True) >= before - 5  # emit() gives back what PySide takes


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None/True/False are immortal from CPython 3.12")
def test_singletons_survive_leaky_void_calls(qapp: Any) -> None:
    immortalize_singletons()
    assert sys.getrefcount(None) > 1 << 39
    assert sys.getrefcount(True) > 1 << 39
    for _ in range(20000):
        qapp.processEvents()  # each call may steal a reference to None on PySide6 6.12.0
    assert sys.getrefcount(None) > 1 << 39
