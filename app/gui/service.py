"""The GUI's handle on the workspace: reads on the GUI thread, every write on the one DB thread.

The workspace keeps one writer connection (behind a lock) and one reader connection per thread (WAL: readers
are
never blocked and see each commit). Reads that must be instant (a page of rows for the grid, counts) run on
the
GUI thread; every write (import, edit, undo, submit, sync, retry) runs on ``JobRunner.db`` through
:meth:`WorkspaceService.write`, so writes are serialized in the order the user made them and never block
painting.
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
        self.workspace: Any = opener()
        self.reader: Any = self.workspace  # the same object: it hands each thread its own read connection

    def write(
        self,
        name: str,
        fn: Callable[[Any, JobContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> JobHandle:
        """Run ``fn(writer_workspace, ctx)`` on the DB thread; callbacks run on the GUI thread."""
        return self.runner.run_db(name, lambda ctx: fn(self.workspace, ctx), on_done, on_error, on_progress)

    def close(self) -> None:
        """Close both connections (waits for running writes)."""

        self.runner.wait()
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
            self.reader = None
