"""Edits go through a QUndoStack; each command calls the workspace (edit_cell / undo) on the DB thread.

The workspace re-validates the edited row and every row whose DUPLICATE_KEY status changes, and audits the
change;
the GUI only repaints the rows the result names. Undo is the workspace's compensating edit, so the audit log
shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.gui.codes import field_label
from app.gui.jobs import JobContext
from app.gui.service import WorkspaceService
from app.workspace.models import EditResult, StoredRow

log = logging.getLogger(__name__)


def edit_id_of(result: EditResult) -> int | None:
    return result.edit_id


def affected_rows_of(result: EditResult) -> list[int]:
    """Every row the edit re-validated: the edited row plus rows whose duplicate-key status changed."""
    return sorted({result.row.id, *result.changed_row_ids})


class CellEdit:
    """One cell change: the row, field and texts before and after."""

    __slots__ = ("field", "new_text", "old_text", "row_id")

    def __init__(self, row_id: int, field: str, old_text: str, new_text: str) -> None:
        self.row_id = row_id
        self.field = field
        self.old_text = old_text
        self.new_text = new_text


class EditCommand(QUndoCommand):
    """A group of cell edits (one for a typed value; many for fill down or replace all) undone as one."""

    def __init__(self, controller: EditController, edits: Sequence[CellEdit], text: str) -> None:
        super().__init__(text)
        self._controller = controller
        self._edits = list(edits)
        self._edit_ids: list[int | None] = []

    def redo(self) -> None:
        edits = self._edits

        def job(ws: Any, _ctx: JobContext) -> tuple[list[int | None], list[StoredRow]]:
            edit_ids: list[int | None] = []
            fresh = _Fresh()
            for e in edits:
                result = ws.edit_cell(e.row_id, e.field, e.new_text)
                edit_ids.append(edit_id_of(result))
                fresh.add(result)
            return edit_ids, fresh.rows(ws)

        def done(value: tuple[list[int | None], list[StoredRow]]) -> None:
            self._edit_ids = value[0]
            self._controller._applied(value[1])

        self._controller._submit(self.text(), job, done)

    def undo(self) -> None:
        def job(ws: Any, _ctx: JobContext) -> list[StoredRow]:
            fresh = _Fresh()
            for edit_id, _e in zip(reversed(self._edit_ids), reversed(self._edits), strict=False):
                if edit_id is None:  # the edit changed nothing, so there is nothing to undo
                    continue
                fresh.add(ws.undo(edit_id))
            return fresh.rows(ws)

        self._controller._submit(self.text(), job, self._controller._applied)


class _Fresh:
    """The rows an edit re-validated, as the workspace now stores them (read on the DB thread, so the GUI
    repaints without a query): the edited rows come with the result, rows whose duplicate-key status changed
    are read in one query."""

    def __init__(self) -> None:
        self._rows: dict[int, StoredRow] = {}
        self._others: set[int] = set()

    def add(self, result: EditResult) -> None:
        self._rows[result.row.id] = result.row
        self._others.update(result.changed_row_ids)

    def rows(self, ws: Any) -> list[StoredRow]:
        missing = sorted(self._others - self._rows.keys())
        for start in range(0, len(missing), 500):
            for row in ws.rows_by_id(missing[start : start + 500]):
                self._rows[row.id] = row
        return list(self._rows.values())


class EditController(QObject):
    """Turns edit requests from views into undoable workspace edits; reports re-validated rows."""

    rows_revalidated = Signal(object)  # list[StoredRow]: the rows as re-validated
    edit_failed = Signal(str, object)  # what, exception
    idle = Signal()

    def __init__(self, service: WorkspaceService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.stack = QUndoStack(self)
        self._pending = 0
        # how a field is named in undo/redo texts; the main window uses the column's title in the file
        self.describe: Callable[[str], str] = field_label

    @property
    def pending(self) -> int:
        return self._pending

    def edit(self, row_id: int, field: str, old_text: str, new_text: str) -> None:
        text = QCoreApplication.translate("EditController", "{0} edit").format(self.describe(field))
        self.stack.push(EditCommand(self, [CellEdit(row_id, field, old_text, new_text)], text))

    def edit_many(self, edits: Iterable[CellEdit], text: str) -> int:
        batch = [e for e in edits if e.old_text != e.new_text]
        if batch:
            self.stack.push(EditCommand(self, batch, text))
        return len(batch)

    def _submit(self, what: str, job: Callable[[Any, JobContext], Any], done: Callable[[Any], None]) -> None:
        self._pending += 1

        def ok(value: Any) -> None:
            self._pending -= 1
            done(value)
            if not self._pending:
                self.idle.emit()

        def failed(exc: BaseException) -> None:
            self._pending -= 1
            log.warning("edit failed: %s", exc)
            self.edit_failed.emit(what, exc)
            if not self._pending:
                self.idle.emit()

        self.service.write(what, job, ok, failed)

    def _applied(self, rows: list[StoredRow]) -> None:
        self.rows_revalidated.emit(rows)
        self.service.rows_changed.emit([r.id for r in rows])
        self.service.audit_changed.emit()
