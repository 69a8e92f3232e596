"""The encrypted workspace: batches, rows, edits, outbox, quarantine and the audit chain (SQLCipher 4).

Public surface (see docs/architecture.md); every method is documented where it is defined::

    ws = Workspace.open(paths=None, *, passphrase=None, create=True)     # UnlockError on a wrong key
    ws.close() / with Workspace.open() as ws: ...
    ws.info() -> dict; ws.rekey(new_passphrase | None) -> "passphrase" | "keyring"
    ws.backup(path) -> dict; Workspace.restore(path, paths=None, *, passphrase=None) -> Workspace

    ws.import_file(path, *, record_type=None, sheet=None, mapping=None, as_of=None, progress=None,
                   cancel=None, label="", policy=None) -> BatchSummary
    ws.batches() -> list[BatchSummary]; ws.batch(id) -> BatchSummary; ws.fields(batch_id) -> list[str]
    ws.row_count(batch_id, *, only_invalid=False, search=None) -> int
    ws.row_ids(batch_id, *, only_invalid=False, search=None) -> list[int]
    ws.rows_by_id(ids) -> list[StoredRow]; ws.row(row_id) -> StoredRow
    ws.violation_counts(batch_id) -> dict[str, int]
    ws.edit_cell(row_id, field, new_text) -> EditResult; ws.undo(edit_id) -> EditResult; ws.edits(row_id)
    ws.export(batch_id, path, *, fmt=None) -> int

    ws.submit(batch_id) -> SubmitSummary
    ws.outbox(state=None, *, batch_id=None, limit=None) -> list[OutboxEntry]; ws.outbox_entry(id)
    ws.outbox_counts() -> dict[OutboxState, int]
    ws.quarantine(batch_id=None, *, limit=None) -> list[StoredRow]; ws.quarantine_ids(batch_id=None)
    ws.retry(outbox_id) -> OutboxEntry; ws.retry_all_rejected() -> dict[str, int]

    # for app.sync
    ws.due_outbox(limit, now) -> list[OutboxEntry]
    ws.begin_send(entry_ids, request_key) -> SendAttempt     # before the first byte is sent
    ws.open_sends() -> list[SendAttempt]                      # after a crash: resend with the same key
    ws.record_results(request_key, outcomes) -> dict[OutboxState, int]
    ws.set_portal_identity(name); ws.reference_data(kind); ws.store_reference(kind, data)
    ws.set_reference_data(reference)

    ws.audit.verify() -> VerifyResult; ws.audit.entries(batch_id=None, action=None, since=None)
    ws.audit.export(path, fmt); ws.audit.write_to(text_file, fmt)

Threads: a Workspace may be shared; writes are serialized on its one writer connection, reads use one
connection per thread (WAL), so reads on the GUI thread never wait for a write on the DB thread.
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
