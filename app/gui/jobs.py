"""The one background-job primitive of the GUI (after Picard's ``run_task`` and Anki's ``QueryOp``).

A job is a plain function run on a worker thread; it never touches a widget. It receives a :class:`JobContext`
through which it reports progress and checks for cancellation; its result (or its exception) is handed back
to the
GUI thread through queued signals, where the ``on_done`` / ``on_error`` callbacks run.

Two pools exist:

* ``JobRunner.db``: exactly one thread that never expires. Every call that writes to the encrypted workspace
runs
  there (STYLE habit 3), so SQLite never sees two writers from this process and the writer connection stays
  on the
  thread that opened it.
* ``JobRunner.general``: anything else that is slow but does not write (reading a file header, rendering a
report).

Tests may set ``JobRunner.synchronous = True`` to run jobs inline (Picard does the same).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the user pressed Cancel."""


class CancelToken:
    """A thread-safe flag; callable so it can be handed to core APIs that take ``cancel=`` callables."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def __call__(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled


class _Bridge(QObject):
    """Lives on the GUI thread; worker threads emit its signals, so the slots run on the GUI thread."""

    progress = Signal(object)
    finished = Signal(object, object)  # result, exception (one of them is None)

    def __init__(self, handle: JobHandle) -> None:
        super().__init__()
        self._handle = handle
        self.progress.connect(self._on_progress)
        self.finished.connect(self._on_finished)

    @Slot(object)
    def _on_progress(self, value: object) -> None:
        if self._handle.on_progress is not None and not self._handle.token.cancelled:
            self._handle.on_progress(value)

    @Slot(object, object)
    def _on_finished(self, result: object, error: object) -> None:
        self._handle._finish(result, error)


class JobContext:
    """What a running job sees: ``report(progress)`` and the cancel token."""

    def __init__(self, bridge: _Bridge, token: CancelToken) -> None:
        self._bridge = bridge
        self.token = token

    def report(self, value: object) -> None:
        self._bridge.progress.emit(value)

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled


class JobHandle:
    """A submitted job: cancel it, or ask whether it is still running."""

    def __init__(
        self,
        runner: JobRunner,
        name: str,
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[Any], None] | None,
    ) -> None:
        self.runner = runner
        self.name = name
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self.token = CancelToken()
        self.running = True
        self.bridge = _Bridge(self)

    def cancel(self) -> None:
        self.token.cancel()

    def _finish(self, result: object, error: object) -> None:
        self.running = False
        self.runner._forget(self)
        if isinstance(error, Cancelled):
            log.info("job %s cancelled", self.name)
            return
        if isinstance(error, BaseException):
            if self.on_error is not None:
                self.on_error(error)
            else:
                self.runner.unhandled(error)
            return
        if self.on_done is not None:
            self.on_done(result)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[JobContext], Any], handle: JobHandle) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._handle = handle

    def run(self) -> None:
        handle = self._handle
        ctx = JobContext(handle.bridge, handle.token)
        try:
            if handle.token.cancelled:
                raise Cancelled
            result = self._fn(ctx)
        except BaseException as exc:
            handle.bridge.finished.emit(None, exc)
        else:
            handle.bridge.finished.emit(result, None)


class JobRunner(QObject):
    """Owns the two thread pools and keeps submitted jobs alive until they report back."""

    job_count_changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = QThreadPool(self)
        self.db.setMaxThreadCount(1)
        self.db.setExpiryTimeout(-1)  # the writer connection lives on this thread: never let it expire
        self.general = QThreadPool(self)
        self.general.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount() // 2))
        self._live: set[JobHandle] = set()
        self.synchronous = False
        self.unhandled: Callable[[BaseException], None] = _log_unhandled

    def run_db(
        self,
        name: str,
        fn: Callable[[JobContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> JobHandle:
        """Run ``fn`` on the single workspace thread."""
        return self._start(self.db, name, fn, on_done, on_error, on_progress)

    def run(
        self,
        name: str,
        fn: Callable[[JobContext], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
    ) -> JobHandle:
        """Run ``fn`` on the general pool (must not write to the workspace)."""
        return self._start(self.general, name, fn, on_done, on_error, on_progress)

    def _start(
        self,
        pool: QThreadPool,
        name: str,
        fn: Callable[[JobContext], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
        on_progress: Callable[[Any], None] | None,
    ) -> JobHandle:
        handle = JobHandle(self, name, on_done, on_error, on_progress)
        self._live.add(handle)
        self.job_count_changed.emit(len(self._live))
        runnable = _Runnable(fn, handle)
        if self.synchronous:
            runnable.run()
        else:
            pool.start(runnable)
        return handle

    def _forget(self, handle: JobHandle) -> None:
        self._live.discard(handle)
        self.job_count_changed.emit(len(self._live))

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def cancel_all(self) -> None:
        for handle in list(self._live):
            handle.cancel()

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until both pools are idle (used on quit and in tests)."""
        ok_general = self.general.waitForDone(msecs)
        ok_db = self.db.waitForDone(msecs)
        return bool(ok_general and ok_db)


def _log_unhandled(exc: BaseException) -> None:
    log.error("background job failed: %s", exc, exc_info=exc)
