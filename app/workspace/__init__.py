"""The encrypted workspace: batches, rows, edits, outbox, quarantine and the audit chain (SQLCipher 4).

Public surface (see docs/architecture.md); every method is documented where it is defined::

    ws = Workspace.open(paths=None, *, passphrase=None, create=True)     # UnlockError on a wrong key
    ws.close() / with Workspace.open() as ws: ...
    ws.info() -> dict; ws.rekey(new_passphrase | None) -> "passphrase" | "keyring"
    ws.backup(path) -> dict; Workspace.restore(path, paths=None, *, passphrase=None) -> Workspace

    ws.import_file(path, *, record_type=None, sheet=None, mapping=None, as_of=None, progress=None,
                   cancel=None, label="", policy=None) -> BatchSummary
    ws.validation_context(policy_file=None) -> ValidationContext  # (policy, reference) imports use
    ws.use_settings(settings); ws.set_reference_data(reference)  # override what it uses
    ws.batches() -> list[BatchSummary]; ws.batch(id) -> BatchSummary; ws.fields(batch_id) -> list[str]
    ws.row_count(batch_id, *, only_invalid=False, search=None, code=None) -> int
    ws.row_ids(batch_id, *, only_invalid=False, search=None, code=None) -> list[int]  # code: jump to problem
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
    ws.begin_send(entry_ids, request_key, *, lab=None) -> SendAttempt  # before the first byte is sent
    ws.open_sends() -> list[SendAttempt]                      # after a crash: resend with the same key
    ws.waiting_sends(now) -> list[SendAttempt]                # parked requests due: same key, same body
    ws.resume_send(request_key, reason) -> SendAttempt        # before such a resend (audited "retry")
    ws.record_retry(request_key, attempt, reason); ws.record_retries(keys, reason)  # audit in-run retries
    ws.record_results(request_key, outcomes: list[RecordOutcome]) -> dict[OutboxState, int]
    ws.sent_under(request_key) -> list[str]                   # record keys of a request, proven by audit
    ws.set_portal_identity(name); ws.reference_data(kind); ws.store_reference(kind, data)

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
