"""The encrypted workspace: batches, rows, edits, outbox, quarantine and the audit chain (SQLCipher 4).

Public surface (see docs/architecture.md): :class:`Workspace` and the plain data types it returns.
"""

from app.workspace._importer import ImportCancelled
from app.workspace._outbox import OutboxConflict
from app.workspace.audit import AuditEntry, VerifyResult
from app.workspace.models import (
    BatchSummary,
    EditResult,
    OutboxEntry,
    OutboxState,
    RecordOutcome,
    SendAttempt,
    StoredRow,
    SubmitSummary,
)
from app.workspace.schema import SCHEMA_VERSION
from app.workspace.workspace import Workspace

__all__ = [
    "SCHEMA_VERSION",
    "AuditEntry",
    "BatchSummary",
    "EditResult",
    "ImportCancelled",
    "OutboxConflict",
    "OutboxEntry",
    "OutboxState",
    "RecordOutcome",
    "SendAttempt",
    "StoredRow",
    "SubmitSummary",
    "VerifyResult",
    "Workspace",
]
