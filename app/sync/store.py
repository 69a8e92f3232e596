"""What the sync client needs from the workspace (``app.workspace.Workspace``), as a typing Protocol.

The workspace owns the outbox states and writes the audit entries inside ``begin_send``, ``resume_send``,
``record_retry`` and ``record_results`` (one transaction each). Outcomes are the workspace's own
``RecordOutcome`` (one type on both sides).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from app.validation.violations import Severity, Violation
from app.workspace.models import OutboxEntry, OutboxState, RecordOutcome, SendAttempt, StoredRow

ACKED = OutboxState.ACKED
REJECTED = OutboxState.REJECTED
RETRY_WAIT = OutboxState.RETRY_WAIT
QUEUED_STATES = frozenset({OutboxState.PENDING, OutboxState.SENDING, OutboxState.RETRY_WAIT})

__all__ = [
    "ACKED",
    "QUEUED_STATES",
    "REJECTED",
    "RETRY_WAIT",
    "OutboxEntry",
    "RecordOutcome",
    "SendAttempt",
    "SyncStore",
    "portal_violation",
]


class SyncStore(Protocol):
    def due_outbox(self, limit: int, now: datetime) -> Sequence[OutboxEntry]: ...

    def begin_send(
        self, entry_ids: Sequence[int], request_key: str, *, lab: str | None = None
    ) -> SendAttempt: ...

    def open_sends(self) -> Sequence[SendAttempt]: ...

    def waiting_sends(self, now: datetime, *, limit: int | None = None) -> Sequence[SendAttempt]: ...

    def resume_send(self, request_key: str, reason: str) -> SendAttempt: ...

    def record_retry(self, request_key: str, attempt: int, reason: str) -> None: ...

    def record_retries(self, request_keys: Sequence[str], reason: str) -> None: ...

    def record_results(
        self, request_key: str, results: Sequence[RecordOutcome]
    ) -> Mapping[OutboxState, int]: ...

    def outbox_counts(self) -> Mapping[OutboxState, int]: ...

    def rows_by_id(self, ids: Sequence[int]) -> Sequence[StoredRow]: ...

    def outbox(self) -> Sequence[OutboxEntry]: ...


def portal_violation(data: Mapping[str, Any], row: int | None) -> Violation:
    """A portal violation (same vocabulary as the local rules) placed on the row the client sent."""
    severity = data.get("severity")
    return Violation(
        code=str(data.get("code") or "PORTAL_REJECTED"),
        severity=Severity(severity) if severity in ("error", "warning") else Severity.ERROR,
        row=row,
        field=data.get("field") if isinstance(data.get("field"), str) else None,
        value=data.get("value") if isinstance(data.get("value"), str) else None,
        message=str(data.get("message") or "rejected by the portal"),
        hint=str(data.get("hint") or ""),
        citation=str(data.get("citation") or ""),
    )
