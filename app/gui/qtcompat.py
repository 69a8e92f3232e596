"""Work around PySide6 6.12.0 refcount bugs that abort CPython 3.11 after a few thousand calls.

Measured here (see tests/gui/test_qtcompat.py): ``SignalInstance.emit()`` returns a bool it does not own, and
many ``void`` methods (``QAbstractItemView.scrollTo``, ``setCurrentIndex``,
``QCoreApplication.processEvents``), ``QModelIndex.data`` when the model answers None and
``QComboBox.currentData`` of an item without data return a ``None`` they do not own. Each call steals one
reference to ``True``/``None``; when the count reaches zero CPython aborts with "bool_dealloc" or
"none_dealloc" (after an import's progress reports, or a minute of scrolling).

Two defences, both inert on a PySide6 without the bugs:

* :func:`immortalize_singletons` (CPython < 3.12 only) lifts the reference counts of ``None``, ``True`` and
  ``False`` by 2**40, which is what CPython 3.12 does for them anyway (PEP 683 immortal objects): they can
  never be deallocated, whatever a C extension does. It is called when the GUI starts.
* :func:`emit` gives back the reference ``emit()`` steals, when a probe at import time shows the bug.

Remove this module once the project requires a PySide6 without these bugs.
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
    first = probe.fired.emit()  # type: ignore[func-returns-value]  # a bool, whatever the stub says
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

_LIFT = 1 << 40
_lifted = False


def immortalize_singletons() -> bool:
    """Make ``None``, ``True`` and ``False`` impossible to deallocate on CPython < 3.12 (idempotent)."""
    global _lifted
    if _lifted or sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every PyObject on CPython 3.11
        ctypes.c_ssize_t.from_address(id(obj)).value += _LIFT
    _lifted = True
    return True


def emit(signal: Any, *args: Any) -> None:
    """``signal.emit(*args)``, safe on every PySide6 version."""
    result = signal.emit(*args)  # PySide's stub says None; it returns a bool
    if EMIT_STEALS_REFERENCE:
        _incref(result)
