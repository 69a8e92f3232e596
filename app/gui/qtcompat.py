"""Work around a PySide6 refcount bug: in 6.12.0 ``SignalInstance.emit()`` returns a bool it does not own.

Every Python-side ``emit`` then steals one reference to ``True``; after a few thousand emits (an import's
progress reports, a sync) CPython aborts with "bool_dealloc: deallocating True or False". All GUI code emits
through :func:`emit`, which gives the reference back only when a probe at import time shows the bug, so a
fixed PySide6 needs no change here. Remove this module once the project requires a PySide6 without the bug.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    fired = Signal()


def _emit_steals_a_reference() -> bool:
    probe = _Probe()
    first = probe.fired.emit()
    flag = bool(first)
    del first
    target = bool(flag)
    before = sys.getrefcount(target)
    for _ in range(8):
        probe.fired.emit()
    lost = before - sys.getrefcount(target)
    if lost > 0:  # give back what the probe itself took (8 in the loop, 1 for ``first``)
        for _ in range(lost + 1):
            _incref(target)
        return True
    return False


EMIT_STEALS_REFERENCE = _emit_steals_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, safe on every PySide6 version."""
    result = signal.emit(*args)
    if EMIT_STEALS_REFERENCE:
        _incref(result)
