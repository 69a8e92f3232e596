"""The GUI's handle on the workspace: a reader connection on the GUI thread, a writer on the one DB thread.

Reads that must be instant (a page of rows for the grid, counts) use the reader on the GUI thread; every write
(import, edit, undo, submit, sync, retry) runs on ``JobRunner.db`` through :meth:`WorkspaceService.write`, where the
writer connection was opened and stays. SQLCipher in WAL mode lets the reader see each commit at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.gui.jobs import JobContext, JobHandle, JobRunner

log = logging.getLogger(__name__)

WorkspaceOpener = Callable[[], Any]


class WorkspaceService(QObject):
    """Signals tell views what changed so they refresh; the service holds no data of its own."""

    rows_changed = Signal(object)  # iterable of row ids re-validated by an edit/undo
    batches_changed = Signal()
    outbox_changed = Signal()
    audit_changed = Signal()

    def __init__(self, opener: WorkspaceOpener, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._opener = opener
        self.runner = runner
        self.reader: Any = opener()
        self._writer: Any = None
        self.settings: Any = None

    def _writer_on_db_thread(self) -> Any:
        if self._writer is None:
            self._writer = self._opener()
        return self._writer

    def write(
        self,
        name: str,
        fn: Callable[[Any, JobContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> JobHandle:
        """Run ``fn(writer_workspace, ctx)`` on the DB thread; callbacks run on the GUI thread."""
        return self.runner.run_db(
            name, lambda ctx: fn(self._writer_on_db_thread(), ctx), on_done, on_error, on_progress
        )

    def close(self) -> None:
        """Close both connections (waits for running writes)."""

        def _close(_ctx: JobContext) -> None:
            if self._writer is not None:
                self._writer.close()
                self._writer = None

        self.runner.run_db("close", _close)
        self.runner.wait()
        if self.reader is not None:
            self.reader.close()
            self.reader = None
