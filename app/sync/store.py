"""What the sync client needs from the workspace (``app.workspace.Workspace``), as a typing Protocol.

The workspace owns the outbox states and writes the audit entries inside ``begin_send`` and ``record_results``
(one transaction each). This module also turns the client's outcomes into the workspace's ``RecordOutcome``:
the single place that knows its constructor.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from app.validation.violations import Severity, Violation

ACKED = "ACKED"
REJECTED = "REJECTED"
RETRY_WAIT = "RETRY_WAIT"
QUEUED_STATES = ("PENDING", "SENDING", "RETRY_WAIT")


class SyncStore(Protocol):
    def due_outbox(self, limit: int, now: datetime) -> Sequence[Any]: ...

    def begin_send(self, entry_ids: Sequence[int], request_key: str) -> Any: ...

    def open_sends(self) -> Sequence[Any]: ...

    def record_results(self, request_key: str, results: list[Any]) -> Any: ...

    def outbox_counts(self) -> Mapping[Any, int]: ...


@dataclass(frozen=True)
class Outcome:
    """The client's verdict for one outbox entry after a send."""

    entry_id: int
    idempotency_key: str
    state: str  # ACKED | REJECTED | RETRY_WAIT
    portal_status: str | None = None  # accepted | duplicate | rejected | None (no answer)
    violations: list[Violation] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    record_id: str | None = None
    payload_hash: str | None = None
    error: str | None = None  # why a RETRY_WAIT (transport error, status), never secrets


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


def _state_value(name: str) -> Any:
    try:
        from app.workspace import OutboxState  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return name
    try:
        return OutboxState[name]
    except (KeyError, TypeError):
        return OutboxState(name)


@functools.cache
def _record_outcome_params() -> frozenset[str] | None:
    """The parameters of the workspace's RecordOutcome when it should be built, else None (pass Outcome)."""
    try:
        from app.workspace import RecordOutcome  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    params = frozenset(inspect.signature(RecordOutcome).parameters)
    # The workspace's record_results reads entry_id, idempotency_key, state, violations, next_attempt_at,
    # record_id and error: exactly the attributes of Outcome, so Outcome itself is the right argument unless
    # RecordOutcome grows an entry_id of its own.
    return params if "entry_id" in params else None


def to_workspace(outcome: Outcome) -> Any:
    """The workspace's ``RecordOutcome`` for ``outcome`` (the Outcome itself when that is what it reads)."""
    params = _record_outcome_params()
    if params is None:
        return outcome
    from app.workspace import RecordOutcome  # type: ignore[attr-defined,unused-ignore]

    wanted = {
        "idempotency_key": outcome.idempotency_key,
        "entry_id": outcome.entry_id,
        "state": _state_value(outcome.state),
        "violations": outcome.violations,
        "next_attempt_at": outcome.next_attempt_at,
        "portal_status": outcome.portal_status,
        "record_id": outcome.record_id,
        "portal_ref": outcome.record_id,
        "payload_hash": outcome.payload_hash,
        "error": outcome.error,
        "message": outcome.error,
    }
    return RecordOutcome(**{k: v for k, v in wanted.items() if k in params})
