"""Plain data returned by the workspace (no database handles inside; safe to pass between threads)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.validation.violations import Severity, Violation


class OutboxState(StrEnum):
    PENDING = "PENDING"  # waiting to be sent
    SENDING = "SENDING"  # a request carrying it has started (request key persisted)
    ACKED = "ACKED"  # the portal accepted it
    REJECTED = "REJECTED"  # the portal refused it (its row is back in quarantine with the portal's codes)
    RETRY_WAIT = "RETRY_WAIT"  # a transient failure; due again at next_attempt_at


CLASSIFICATIONS = ("OSHA_INVENTORY", "NSF_EQUIPMENT", "EPA_WASTE", "NSF_FINANCIAL", "NIH_ATTESTATION")


@dataclass(frozen=True)
class BatchSummary:
    id: int
    created_at: str
    source_name: str
    source_sha256: str
    source_size: int
    record_type: str
    classification: str
    sheet: str | None
    mapping: dict[str, str]
    fields: list[str]
    policy_version: str
    as_of: str
    row_count: int
    invalid_count: int
    warning_rows: int
    file_issues: list[Violation] = field(default_factory=list)
    submitted_at: str | None = None
    label: str = ""
    policy_source: str | None = None  # an institution policy file given at import (None: the bundled policy)

    @property
    def valid_count(self) -> int:
        return self.row_count - self.invalid_count

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": self.created_at,
            "source_name": self.source_name,
            "source_sha256": self.source_sha256,
            "source_size": self.source_size,
            "record_type": self.record_type,
            "classification": self.classification,
            "sheet": self.sheet,
            "mapping": self.mapping,
            "fields": self.fields,
            "policy_version": self.policy_version,
            "as_of": self.as_of,
            "rows": self.row_count,
            "valid": self.valid_count,
            "invalid": self.invalid_count,
            "warning_rows": self.warning_rows,
            "file_issues": [v.to_json() for v in self.file_issues],
            "submitted_at": self.submitted_at,
            "label": self.label,
            "policy_source": self.policy_source,
        }


@dataclass(frozen=True)
class StoredRow:
    """One stored row: ``raw`` maps canonical field -> text as shown/edited; violations as of the last
    check."""

    id: int
    batch_id: int
    row_no: int
    raw: dict[str, str]
    violations: list[Violation]
    hidden: bool = False
    merged_fields: frozenset[str] = frozenset()
    outbox_state: OutboxState | None = None  # state of the row's latest outbox entry, if any
    portal_violations: list[Violation] = field(default_factory=list)  # when the portal rejected it

    @property
    def is_valid(self) -> bool:
        return not any(v.severity is Severity.ERROR for v in self.violations)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "batch_id": self.batch_id,
            "row": self.row_no,
            "raw": self.raw,
            "valid": self.is_valid,
            "violations": [v.to_json() for v in self.violations],
            "hidden": self.hidden,
            "merged_fields": sorted(self.merged_fields),
            "outbox_state": None if self.outbox_state is None else self.outbox_state.value,
            "portal_violations": [v.to_json() for v in self.portal_violations],
        }


@dataclass(frozen=True)
class EditResult:
    """What an edit or undo did. ``edit_id`` is None when the new text equals the old (nothing recorded)."""

    edit_id: int | None
    row: StoredRow
    field: str
    before: str | None
    after: str | None
    changed_row_ids: list[int]  # other rows whose DUPLICATE_KEY status changed (refresh them in a grid)
    audit_seq: int | None = None


@dataclass(frozen=True)
class SubmitSummary:
    batch_id: int
    queued: int  # new outbox entries
    unchanged: int  # valid rows already in the outbox with the same payload (no-op)
    quarantined: int  # invalid rows left in quarantine
    superseded: int  # older unsent entries of remediated rows, replaced by the new payload

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "queued": self.queued,
            "unchanged": self.unchanged,
            "quarantined": self.quarantined,
            "superseded": self.superseded,
        }


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    row_id: int
    batch_id: int
    record_type: str
    classification: str
    source_identity: str
    payload_json: str  # the canonical JSON text stored when the entry was queued (what the key hashes)
    idempotency_key: str
    state: OutboxState
    attempts: int
    next_attempt_at: dt.datetime | None
    request_key: str | None
    last_error: str | None
    portal_violations: list[Violation]
    portal_ref: str | None
    superseded_by: int | None
    created_at: str
    updated_at: str

    @functools.cached_property
    def payload(self) -> dict[str, Any]:
        """The payload (parsed from ``payload_json`` on first use)."""
        value: dict[str, Any] = json.loads(self.payload_json)
        return value

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "row_id": self.row_id,
            "batch_id": self.batch_id,
            "record_type": self.record_type,
            "classification": self.classification,
            "source_identity": self.source_identity,
            "idempotency_key": self.idempotency_key,
            "state": self.state.value,
            "attempts": self.attempts,
            "next_attempt_at": None if self.next_attempt_at is None else self.next_attempt_at.isoformat(),
            "request_key": self.request_key,
            "last_error": self.last_error,
            "portal_violations": [v.to_json() for v in self.portal_violations],
            "portal_ref": self.portal_ref,
            "superseded_by": self.superseded_by,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class SendAttempt:
    """One batch request under its persisted ``request_key`` (the request's Idempotency-Key).

    ``entries`` are ALL the request's members ordered by id, whatever their state, so the body rebuilt from
    them (with ``lab``) is byte-identical on every retry, in this run or after a restart. ``attempts`` counts
    the sends of this request so far (the first send is 1)."""

    request_key: str
    started_at: str
    entries: list[OutboxEntry]
    attempts: int = 1
    lab: str | None = None


@dataclass(frozen=True)
class RecordOutcome:
    """The portal's answer (or the client's verdict) for one outbox entry of a request: the one type shared
    by ``Workspace.record_results`` and ``app.sync``.

    ``state`` is ACKED (``portal_status`` accepted or duplicate, ``record_id`` the portal's id),
    REJECTED (with the portal's ``violations``) or RETRY_WAIT (due again at ``next_attempt_at``; now when
    None; ``error`` a short reason, never a secret). A RETRY_WAIT entry stays in its request and is resent
    under the SAME request key with the same body, unless ``detach`` (the portal's stored answer for that
    key cannot help, e.g. it had no result for the record, or the batch must be split): then it goes out
    later in a new request. ``idempotency_key``, when given, must match the entry's.
    """

    entry_id: int
    state: OutboxState
    violations: list[Violation] = field(default_factory=list)
    next_attempt_at: dt.datetime | None = None
    record_id: str | None = None
    error: str | None = None
    idempotency_key: str | None = None
    portal_status: str | None = None  # accepted | duplicate | rejected | None (no answer)
    payload_hash: str | None = None
    detach: bool = False
