"""Outbox and dead-letter quarantine.

``submit`` puts every valid row of a batch into the outbox (PENDING) and leaves every invalid row in
quarantine;
nothing is auto-corrected. Each entry stores its payload (canonical JSON), data classification and idempotency
key
= SHA-256(source identity + canonical payload), computed once here and never recomputed. Submitting an
unchanged row
again is a no-op (the key exists); a remediated row has a new payload, so a new key and a new entry, which
supersedes the row's older unsent (PENDING/RETRY_WAIT) or REJECTED entry.

States: PENDING -> SENDING (``begin_send``) -> ACKED | REJECTED | RETRY_WAIT (``record_results``);
RETRY_WAIT -> SENDING when due again. Every transition is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from app.errors import UserError
from app.validation.violations import Violation
from app.workspace._base import WorkspaceBase, dumps
from app.workspace._db import Connection
from app.workspace.audit import iso, utc_now
from app.workspace.canonical import canonical_json, idempotency_key_of_canonical
from app.workspace.models import (
    BatchSummary,
    OutboxEntry,
    OutboxState,
    RecordOutcome,
    SendAttempt,
    StoredRow,
    SubmitSummary,
)

OUTBOX_COLUMNS = (
    "id",
    "row_id",
    "batch_id",
    "record_type",
    "classification",
    "source_identity",
    "payload",
    "idempotency_key",
    "state",
    "attempts",
    "next_attempt_at",
    "request_key",
    "last_error",
    "portal_violations",
    "portal_ref",
    "superseded_by",
    "created_at",
    "updated_at",
)
_SELECT = f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox"
SUBMIT_CHUNK = 2000


class OutboxConflict(UserError):
    """An outbox operation that does not fit the entries' current state."""


def source_identity(batch: BatchSummary, row_no: int) -> str:
    """Where a record comes from: the canonical JSON of the source file's SHA-256, sheet, row number and
    record
    type (built from a per-batch template: the same text as ``canonical_json`` of those four fields)."""
    ident = (batch.record_type, batch.sheet or "", batch.source_sha256)
    template = _IDENTITY_TEMPLATES.get(ident)
    if template is None:
        if len(_IDENTITY_TEMPLATES) > 64:
            _IDENTITY_TEMPLATES.clear()
        head = canonical_json({"record_type": batch.record_type})[:-1] + ',"row":'
        tail = "," + canonical_json({"sheet": batch.sheet or "", "source_sha256": batch.source_sha256})[1:]
        template = _IDENTITY_TEMPLATES[ident] = (head, tail)
    return f"{template[0]}{int(row_no)}{template[1]}"


_IDENTITY_TEMPLATES: dict[tuple[str, str, str], tuple[str, str]] = {}


def _entry(row: Sequence[Any]) -> OutboxEntry:
    d = dict(zip(OUTBOX_COLUMNS, row, strict=True))
    return OutboxEntry(
        id=int(d["id"]),
        row_id=int(d["row_id"]),
        batch_id=int(d["batch_id"]),
        record_type=d["record_type"],
        classification=d["classification"],
        source_identity=d["source_identity"],
        payload=json.loads(d["payload"]),
        idempotency_key=d["idempotency_key"],
        state=OutboxState(d["state"]),
        attempts=int(d["attempts"]),
        next_attempt_at=dt.datetime.fromisoformat(d["next_attempt_at"]) if d["next_attempt_at"] else None,
        request_key=d["request_key"],
        last_error=d["last_error"],
        portal_violations=[Violation.from_json(v) for v in json.loads(d["portal_violations"])]
        if d["portal_violations"]
        else [],
        portal_ref=d["portal_ref"],
        superseded_by=d["superseded_by"],
        created_at=d["created_at"],
        updated_at=d["updated_at"],
    )


class OutboxMixin(WorkspaceBase):
    # --- submit and queue views -----------------------------------------------------------------------------

    def submit(self, batch_id: int) -> SubmitSummary:
        """Queue every valid row of the batch (one transaction, one audit entry with the keys' hash)."""
        queued = unchanged = quarantined = superseded = 0
        keys_digest = hashlib.sha256()
        with self._write() as conn:
            batch = self.batch(batch_id, conn=conn)
            fields = self._fields_of(conn, batch.id)
            checker = self._checker(batch)
            now = iso(utc_now())
            last_id = 0
            while True:
                chunk = conn.execute(
                    "SELECT id, row_no, raw, hidden, merged, valid FROM rows WHERE batch_id = ? AND id > ? "
                    "ORDER BY id LIMIT ?",
                    (batch.id, last_id, SUBMIT_CHUNK),
                ).fetchall()
                if not chunk:
                    break
                last_id = int(chunk[-1][0])
                settled = self._unchanged_since_queued(conn, [int(r[0]) for r in chunk])
                for rid, row_no, raw_json, hidden, merged, valid in chunk:
                    if not valid:
                        quarantined += 1
                        continue
                    if rid in settled:
                        unchanged += 1
                        continue
                    outcome = self._queue_row(
                        conn,
                        batch,
                        fields,
                        checker,
                        int(rid),
                        int(row_no),
                        raw_json,
                        bool(hidden),
                        merged,
                        now,
                    )
                    if outcome is None:
                        quarantined += 1
                    elif outcome[0] == "unchanged":
                        unchanged += 1
                    else:
                        queued += 1
                        superseded += outcome[1]
                        keys_digest.update(outcome[2].encode("ascii"))
            conn.execute("UPDATE batches SET submitted_at = ? WHERE id = ?", (now, batch.id))
            summary = SubmitSummary(batch.id, queued, unchanged, quarantined, superseded)
            self.audit.append(
                conn,
                "submit",
                f"batch:{batch.id}",
                batch_id=batch.id,
                after={**summary.to_json(), "keys_sha256": keys_digest.hexdigest()},
            )
        return summary

    @staticmethod
    def _unchanged_since_queued(conn: Connection, row_ids: list[int]) -> set[int]:
        """Rows with a live outbox entry created after their last edit: their payload (and key) cannot have
        changed, so submit skips re-validating them."""
        marks = ",".join("?" * len(row_ids))
        queued = dict(
            conn.execute(
                f"SELECT row_id, max(created_at) FROM outbox WHERE row_id IN ({marks}) "
                "AND superseded_by IS NULL GROUP BY row_id",
                row_ids,
            ).fetchall()
        )
        if not queued:
            return set()
        edited = dict(
            conn.execute(
                f"SELECT row_id, max(at) FROM edits WHERE row_id IN ({marks}) GROUP BY row_id", row_ids
            ).fetchall()
        )
        return {rid for rid, created in queued.items() if rid not in edited or edited[rid] < created}

    def _queue_row(
        self,
        conn: Connection,
        batch: BatchSummary,
        fields: list[str],
        checker: Any,
        row_id: int,
        row_no: int,
        raw_json: str,
        hidden: bool,
        merged: str | None,
        now: str,
    ) -> tuple[str, int, str] | None:
        """Put one row in the outbox: None when invalid, ("unchanged", 0, key) or ("queued", n_superseded,
        key)."""
        raw = self._raw_dict(fields, raw_json)
        merged_fields = frozenset(json.loads(merged)) if merged else frozenset()
        result = checker.check_row(row_no, raw, hidden=hidden, merged_fields=merged_fields)
        if not result.is_valid:
            return None
        payload_json = canonical_json(self._validation.payload_of(result, batch.record_type))
        identity = source_identity(batch, row_no)
        key = idempotency_key_of_canonical(identity, payload_json)
        if conn.execute("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)).fetchone() is not None:
            return ("unchanged", 0, key)
        new_id = int(
            conn.execute(
                "INSERT INTO outbox (row_id, batch_id, record_type, classification, source_identity, "
                "payload, "
                "idempotency_key, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    row_id,
                    batch.id,
                    batch.record_type,
                    batch.classification,
                    identity,
                    payload_json,
                    key,
                    OutboxState.PENDING.value,
                    now,
                    now,
                ),
            ).lastrowid
        )
        n = conn.execute(
            "UPDATE outbox SET superseded_by = ?, updated_at = ? WHERE row_id = ? AND id <> ? "
            "AND superseded_by IS NULL AND state IN ('PENDING', 'RETRY_WAIT', 'REJECTED')",
            (new_id, now, row_id, new_id),
        ).rowcount
        return ("queued", int(n), key)

    def outbox(
        self,
        state: OutboxState | str | None = None,
        *,
        batch_id: int | None = None,
        limit: int | None = None,
        include_superseded: bool = False,
    ) -> list[OutboxEntry]:
        """Outbox entries (oldest first), optionally by state and batch."""
        where: list[str] = []
        params: list[Any] = []
        if not include_superseded:
            where.append("superseded_by IS NULL")
        if state is not None:
            where.append("state = ?")
            params.append(OutboxState(str(state)).value)
        if batch_id is not None:
            where.append("batch_id = ?")
            params.append(batch_id)
        sql = _SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [_entry(r) for r in self._reader().execute(sql, params)]

    def outbox_entry(self, entry_id: int) -> OutboxEntry:
        row = self._reader().execute(_SELECT + " WHERE id = ?", (entry_id,)).fetchone()
        if row is None:
            raise UserError(f"no outbox entry {entry_id}")
        return _entry(row)

    def outbox_counts(self) -> dict[OutboxState, int]:
        """Entries per state (superseded entries not counted); every state present."""
        counts = dict.fromkeys(OutboxState, 0)
        for state, n in self._reader().execute(
            "SELECT state, count(*) FROM outbox WHERE superseded_by IS NULL GROUP BY state"
        ):
            counts[OutboxState(state)] = int(n)
        return counts

    def quarantine_ids(self, batch_id: int | None = None) -> list[int]:
        """Row ids in quarantine: invalid rows of submitted batches, and rows the portal rejected."""
        sql = (
            "SELECT r.id FROM rows r JOIN batches b ON b.id = r.batch_id WHERE b.submitted_at IS NOT NULL "
            "AND (r.valid = 0 OR EXISTS (SELECT 1 FROM outbox o WHERE o.row_id = r.id "
            "AND o.superseded_by IS NULL AND o.state = 'REJECTED'))"
        )
        params: list[Any] = []
        if batch_id is not None:
            sql += " AND r.batch_id = ?"
            params.append(batch_id)
        return [int(r[0]) for r in self._reader().execute(sql + " ORDER BY r.id", params)]

    def quarantine(self, batch_id: int | None = None, *, limit: int | None = None) -> list[StoredRow]:
        """The quarantined rows with their reasons (local violations and/or the portal's)."""
        ids = self.quarantine_ids(batch_id)
        return self.rows_by_id(ids if limit is None else ids[:limit])

    # --- retry after remediation ----------------------------------------------------------------------------

    def retry(self, outbox_id: int) -> OutboxEntry:
        """Re-queue one entry: a REJECTED one as a new entry built from the (remediated) row, a RETRY_WAIT one
        due now. Refused for a rejected row that is unchanged or still invalid."""
        with self._write() as conn:
            entry = self._retry(conn, outbox_id)
        return entry

    def retry_all_rejected(self) -> dict[str, int]:
        """Re-queue every REJECTED entry whose row was remediated; counts of requeued/unchanged/invalid."""
        counts = {"requeued": 0, "unchanged": 0, "invalid": 0}
        with self._write() as conn:
            ids = [
                int(r[0])
                for r in conn.execute(
                    "SELECT id FROM outbox WHERE state = 'REJECTED' AND superseded_by IS NULL ORDER BY id"
                )
            ]
            for oid in ids:
                try:
                    self._retry(conn, oid)
                except OutboxConflict as exc:
                    counts["invalid" if "still" in str(exc) else "unchanged"] += 1
                else:
                    counts["requeued"] += 1
        return counts

    def _retry(self, conn: Connection, outbox_id: int) -> OutboxEntry:
        row = conn.execute(_SELECT + " WHERE id = ?", (outbox_id,)).fetchone()
        if row is None:
            raise UserError(f"no outbox entry {outbox_id}")
        entry = _entry(row)
        now = iso(utc_now())
        if entry.superseded_by is not None:
            raise OutboxConflict(f"outbox entry {outbox_id} was replaced by entry {entry.superseded_by}")
        if entry.state is OutboxState.RETRY_WAIT:
            conn.execute(
                "UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE id = ?", (now, now, outbox_id)
            )
            self.audit.append(
                conn,
                "retry",
                f"outbox:{outbox_id}",
                batch_id=entry.batch_id,
                after={"state": entry.state.value, "next_attempt_at": now},
                idempotency_key=entry.idempotency_key,
            )
            return _entry(conn.execute(_SELECT + " WHERE id = ?", (outbox_id,)).fetchone())
        if entry.state is not OutboxState.REJECTED:
            raise OutboxConflict(
                f"outbox entry {outbox_id} is {entry.state.value}; only REJECTED or RETRY_WAIT "
                "entries can be retried"
            )
        batch = self.batch(entry.batch_id, conn=conn)
        fields = self._fields_of(conn, batch.id)
        rid, row_no, raw_json, hidden, merged, valid = conn.execute(
            "SELECT id, row_no, raw, hidden, merged, valid FROM rows WHERE id = ?", (entry.row_id,)
        ).fetchone()
        if not valid:
            raise OutboxConflict(f"row {row_no} still has errors; fix them before retrying entry {outbox_id}")
        outcome = self._queue_row(
            conn,
            batch,
            fields,
            self._checker(batch),
            int(rid),
            int(row_no),
            raw_json,
            bool(hidden),
            merged,
            now,
        )
        if outcome is None:
            raise OutboxConflict(f"row {row_no} still has errors; fix them before retrying entry {outbox_id}")
        if outcome[0] == "unchanged":
            raise OutboxConflict(
                f"row {row_no} is unchanged since the portal rejected it (same payload and "
                f"idempotency key); remediate it before retrying entry {outbox_id}"
            )
        new = _entry(conn.execute(_SELECT + " WHERE idempotency_key = ?", (outcome[2],)).fetchone())
        self.audit.append(
            conn,
            "retry",
            f"outbox:{outbox_id}",
            batch_id=entry.batch_id,
            before={"entry": outbox_id, "idempotency_key": entry.idempotency_key},
            after={"entry": new.id, "state": new.state.value},
            idempotency_key=new.idempotency_key,
        )
        return new

    # --- for the sync client --------------------------------------------------------------------------------

    def due_outbox(self, limit: int, now: dt.datetime) -> list[OutboxEntry]:
        """Entries to send now, oldest first: PENDING, and RETRY_WAIT whose ``next_attempt_at`` <= ``now``.

        Superseded entries are never due, nor entries whose row has another entry in flight (SENDING), so a
        newer payload never overtakes an older one in the air.
        """
        not_in_flight = (
            " AND superseded_by IS NULL AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.row_id = o.row_id "
            "AND s.state = 'SENDING' AND s.id <> o.id)"
        )
        conn = self._reader()
        conn.execute("BEGIN")  # one snapshot for both queries
        try:
            pending = conn.execute(
                _SELECT + " o WHERE state = 'PENDING'" + not_in_flight + " ORDER BY id LIMIT ?", (int(limit),)
            ).fetchall()
            waiting = conn.execute(
                _SELECT
                + " o WHERE state = 'RETRY_WAIT' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                + not_in_flight
                + " ORDER BY id LIMIT ?",
                (iso(now), int(limit)),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        rows = sorted(pending + waiting, key=lambda r: int(r[0]))[: int(limit)]
        return [_entry(r) for r in rows]

    def begin_send(self, entry_ids: Sequence[int], request_key: str) -> SendAttempt:
        """Persist the request's Idempotency-Key and move the entries to SENDING, before the first byte is
        sent.

        Calling it again with the same key and entries returns the open attempt (so a retried call is
        harmless).
        Raises :class:`OutboxConflict` when an entry is not due (already SENDING/ACKED/REJECTED or
        superseded).
        """
        ids = [int(i) for i in entry_ids]
        if not ids:
            raise OutboxConflict("begin_send needs at least one outbox entry")
        if not request_key:
            raise OutboxConflict("begin_send needs a request key")
        with self._write() as conn:
            existing = conn.execute(
                "SELECT entry_ids, finished_at FROM send_attempts WHERE request_key = ?", (request_key,)
            ).fetchone()
            if existing is not None:
                if sorted(json.loads(existing[0])) == sorted(ids) and existing[1] is None:
                    return self._attempt(conn, request_key)
                raise OutboxConflict("this request key was already used for another send")
            now = iso(utc_now())
            keys: list[dict[str, Any]] = []
            for oid in ids:
                row = conn.execute(_SELECT + " WHERE id = ?", (oid,)).fetchone()
                if row is None:
                    raise OutboxConflict(f"no outbox entry {oid}")
                entry = _entry(row)
                if entry.superseded_by is not None or entry.state not in (
                    OutboxState.PENDING,
                    OutboxState.RETRY_WAIT,
                ):
                    raise OutboxConflict(
                        f"outbox entry {oid} is {entry.state.value}"
                        f"{' (superseded)' if entry.superseded_by else ''}, not due for sending"
                    )
                keys.append({"entry": oid, "idempotency_key": entry.idempotency_key})
            conn.execute(
                "INSERT INTO send_attempts (request_key, started_at, entry_ids) VALUES (?,?,?)",
                (request_key, now, dumps(ids)),
            )
            conn.executemany(
                "UPDATE outbox SET state = 'SENDING', request_key = ?, attempts = attempts + 1, updated_at "
                "= ? "
                "WHERE id = ?",
                [(request_key, now, oid) for oid in ids],
            )
            self.audit.append(
                conn, "send", f"request:{request_key}", after={"entries": keys}, idempotency_key=request_key
            )
            return self._attempt(conn, request_key)

    def _attempt(self, conn: Connection, request_key: str) -> SendAttempt:
        started = conn.execute(
            "SELECT started_at FROM send_attempts WHERE request_key = ?", (request_key,)
        ).fetchone()[0]
        entries = [
            _entry(r)
            for r in conn.execute(
                _SELECT + " WHERE request_key = ? AND state = 'SENDING' ORDER BY id", (request_key,)
            )
        ]
        return SendAttempt(request_key, started, entries)

    def open_sends(self) -> list[SendAttempt]:
        """Requests that started and have entries still SENDING (a crash mid-send): resend each with the SAME
        key."""
        conn = self._reader()
        keys = [
            r[0]
            for r in conn.execute(
                "SELECT request_key FROM send_attempts WHERE finished_at IS NULL ORDER BY started_at, rowid"
            )
        ]
        attempts = [self._attempt(conn, k) for k in keys]
        return [a for a in attempts if a.entries]

    def record_results(self, request_key: str, results: Sequence[RecordOutcome]) -> dict[OutboxState, int]:
        """Store the portal's outcomes of a request, each with its audit entry, in one transaction.

        ACKED -> done; REJECTED -> the row goes back to quarantine with the portal's violations; RETRY_WAIT ->
        due
        again at ``next_attempt_at`` (now when None). Entries of the request without an outcome stay SENDING
        and
        the request stays open (``open_sends`` returns it). An outcome for an entry already resolved is
        ignored.
        Returns counts per state applied.
        """
        applied = dict.fromkeys(OutboxState, 0)
        with self._write() as conn:
            if (
                conn.execute("SELECT 1 FROM send_attempts WHERE request_key = ?", (request_key,)).fetchone()
                is None
            ):
                raise OutboxConflict("unknown request key")
            now_dt = utc_now()
            now = iso(now_dt)
            for outcome in results:
                state = OutboxState(str(getattr(outcome.state, "value", outcome.state)))
                row = conn.execute(_SELECT + " WHERE id = ?", (int(outcome.entry_id),)).fetchone()
                if row is None:
                    raise OutboxConflict(f"no outbox entry {outcome.entry_id}")
                entry = _entry(row)
                expected_key = getattr(outcome, "idempotency_key", None)
                if expected_key is not None and expected_key != entry.idempotency_key:
                    raise OutboxConflict(
                        f"outbox entry {entry.id}: the outcome's idempotency key does not match"
                    )
                if entry.request_key != request_key or entry.state is not OutboxState.SENDING:
                    continue  # already resolved (a replayed result) or sent under another request
                if state is OutboxState.ACKED:
                    conn.execute(
                        "UPDATE outbox SET state = 'ACKED', portal_ref = ?, last_error = NULL, "
                        "next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                        (getattr(outcome, "record_id", None), now, entry.id),
                    )
                    self.audit.append(
                        conn,
                        "ack",
                        f"outbox:{entry.id}",
                        batch_id=entry.batch_id,
                        after={
                            "state": "ACKED",
                            "request": request_key,
                            "portal_record_id": getattr(outcome, "record_id", None),
                        },
                        idempotency_key=entry.idempotency_key,
                    )
                elif state is OutboxState.REJECTED:
                    viols = [v.to_json() for v in getattr(outcome, "violations", None) or []]
                    conn.execute(
                        "UPDATE outbox SET state = 'REJECTED', portal_violations = ?, last_error = ?, "
                        "next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                        (dumps(viols), getattr(outcome, "error", None), now, entry.id),
                    )
                    self.audit.append(
                        conn,
                        "reject",
                        f"outbox:{entry.id}",
                        batch_id=entry.batch_id,
                        after={
                            "state": "REJECTED",
                            "request": request_key,
                            "codes": sorted({v["code"] for v in viols}),
                        },
                        idempotency_key=entry.idempotency_key,
                    )
                elif state is OutboxState.RETRY_WAIT:
                    when = getattr(outcome, "next_attempt_at", None) or now_dt
                    error = getattr(outcome, "error", None)
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=dt.UTC)
                    conn.execute(
                        "UPDATE outbox SET state = 'RETRY_WAIT', next_attempt_at = ?, last_error = ?, "
                        "updated_at = ? WHERE id = ?",
                        (iso(when), error, now, entry.id),
                    )
                    self.audit.append(
                        conn,
                        "retry_wait",
                        f"outbox:{entry.id}",
                        batch_id=entry.batch_id,
                        after={
                            "state": "RETRY_WAIT",
                            "request": request_key,
                            "next_attempt_at": iso(when),
                            "error": error,
                        },
                        idempotency_key=entry.idempotency_key,
                    )
                else:
                    raise OutboxConflict(
                        f"an outcome must be ACKED, REJECTED or RETRY_WAIT, not {state.value}"
                    )
                applied[state] += 1
            left = conn.execute(
                "SELECT count(*) FROM outbox WHERE request_key = ? AND state = 'SENDING'", (request_key,)
            ).fetchone()[0]
            if not left:
                conn.execute(
                    "UPDATE send_attempts SET finished_at = ? WHERE request_key = ?", (now, request_key)
                )
        return applied
