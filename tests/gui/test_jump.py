"""Jump to the next cell with a code, through the workspace's code index (``row_ids(batch, code=...)``).

Until the workspace has the ``code`` parameter the window scans rows; these tests give the workspace a
``row_ids`` with ``code`` (a scan that records its calls) so the indexed path is exercised either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gui.test_main_window import open_and_wait

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


@pytest.fixture
def code_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the codes asked through ``row_ids(..., code=...)``; provide the parameter when it is missing."""
    import inspect

    from app.workspace import Workspace

    calls: list[str] = []
    original = Workspace.row_ids
    native = "code" in inspect.signature(original).parameters

    def row_ids(self: Any, batch_id: int, *, code: str | None = None, **kw: Any) -> list[int]:
        if code is None:
            return original(self, batch_id, **kw)
        calls.append(code)
        if native:
            return original(self, batch_id, code=code, **kw)
        ids = original(self, batch_id, **kw)
        return [r.id for r in self.rows_by_id(ids) if any(v.code == code for v in r.violations)]

    monkeypatch.setattr(Workspace, "row_ids", row_ids)
    return calls


def _at(window: Any) -> tuple[int, str]:
    index = window.grid.currentIndex()
    return index.row(), window.model.fields[index.column()]


def test_jump_asks_the_workspace_for_the_rows_with_the_code(
    qtbot: Any, window: Any, chemical_csv: Path, code_calls: list[str]
) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    assert window.jump_to_code("CAS_CHECKSUM")
    assert code_calls == ["CAS_CHECKSUM"]
    assert _at(window) == (2, "cas_number")
    # again: wraps around to the same (only) cell
    assert window.jump_to_code("CAS_CHECKSUM")
    assert _at(window) == (2, "cas_number")
    # the next DUPLICATE_KEY after row 0 is the repeat (row 3; the first occurrence is not flagged), and
    # from there it wraps around to itself
    window.grid.setCurrentIndex(window.model.index(0, window.model.fields.index("container_id")))
    hits = []
    for _ in range(2):
        assert window.jump_to_code("DUPLICATE_KEY")
        hits.append(_at(window))
    assert hits == [(3, "container_id"), (3, "container_id")]
    # no such code: nothing moves, the status bar says so
    before = _at(window)
    assert not window.jump_to_code("EPA_ID_INVALID")
    assert _at(window) == before
    assert "EPA_ID_INVALID" in window.statusBar().currentMessage()


def test_jump_lifts_a_filter_that_hides_the_cell(
    qtbot: Any, window: Any, chemical_csv: Path, code_calls: list[str]
) -> None:
    open_and_wait(qtbot, window, chemical_csv)
    window.search.setText("Acetone")
    qtbot.waitUntil(lambda: window.model.rowCount() < 5, timeout=3000)
    assert window.jump_to_code("CAS_CHECKSUM")
    assert window.search.text() == ""
    assert window.model.rowCount() == 5
    assert _at(window) == (2, "cas_number")


def test_jump_on_a_huge_batch_reads_the_ids_in_the_background(
    qtbot: Any, window: Any, chemical_csv: Path, code_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.gui.main_window as mw

    monkeypatch.setattr(mw, "ASYNC_IDS_ABOVE", 2)  # the 5-row sample counts as huge
    open_and_wait(qtbot, window, chemical_csv)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=10_000)
    window.grid.setCurrentIndex(window.model.index(0, 0))
    assert window.jump_to_code("CAS_CHECKSUM")
    qtbot.waitUntil(lambda: window.grid.currentIndex().row() == 2, timeout=10_000)
    assert _at(window) == (2, "cas_number")
    assert code_calls == ["CAS_CHECKSUM"]
