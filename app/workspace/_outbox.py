"""Outbox and dead-letter quarantine.

``submit`` puts every valid row of a batch into the outbox (PENDING) and leaves every invalid row in
quarantine;
nothing is auto-corrected. Each entry stores its payload (canonical JSON), data classification and idempotency
key
= SHA-256(source identity + canonical payload), computed once here and never recomputed. Submitting an
unchanged row
again is a no-op (the key exists); a remediated row has a new payload, so a new key and a new entry, which
supersedes the row's older unsent (PENDING, or RETRY_WAIT outside a request) or REJECTED entry. An entry
parked in a request may already be on the portal (its answer was lost), so it is never superseded: the newer
entry waits until that request is resolved.

States: PENDING -> SENDING (``begin_send``) -> ACKED | REJECTED | RETRY_WAIT (``record_results``);
RETRY_WAIT -> SENDING when due again: a request parked whole is resent under its own request key with the
same body (``waiting_sends`` + ``resume_send``); an entry that left its request goes out in a new one. Every
transition is audited in the same transaction (one entry per request and action for the bulk ones).
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
        payload_json=d["payload"],
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
            "AND superseded_by IS NULL AND (state IN ('PENDING', 'REJECTED') "
            "OR (state = 'RETRY_WAIT' AND request_key IS NULL))",
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
            if entry.request_key is not None:  # parked in a request: the whole request goes again, as one
                conn.execute(
                    "UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE request_key = ? "
                    "AND state = 'RETRY_WAIT'",
                    (now, now, entry.request_key),
                )
            else:
                conn.execute(
                    "UPDATE outbox SET next_attempt_at = ?, updated_at = ? WHERE id = ?",
                    (now, now, outbox_id),
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
    #
    # A request (``send_attempts`` row, key = the request's Idempotency-Key) is created by ``begin_send``
    # before its first byte and keeps its members (``entry_ids``) and ``lab``, so its body can be rebuilt
    # byte for byte. It stays open while any member is SENDING (in the air, or interrupted by a crash:
    # ``open_sends``) or parked in RETRY_WAIT under its key (``waiting_sends``; resent by ``resume_send``
    # under the same key). It is finished when every member is resolved (ACKED/REJECTED) or detached
    # (RETRY_WAIT outside the request).
    #
    # Bulk audit: one entry per request and action ("send", "retry", "ack", "reject", "retry_wait") holding
    # the member entry ids and ``keys_sha256`` = SHA-256 over the members' record idempotency keys (ordered
    # by entry id, one per line); ``sent_under`` recomputes it, so which record keys went out under which
    # request key stays provable per record.

    def due_outbox(self, limit: int, now: dt.datetime) -> list[OutboxEntry]:
        """Entries to start a NEW request with, oldest first: PENDING, and RETRY_WAIT entries that left their
        request (detached) whose ``next_attempt_at`` <= ``now``.

        Superseded entries are never due, nor entries whose row has another entry in the air (SENDING, or
        parked in an open request), so a newer payload never overtakes an older one. Parked requests are
        resent whole by :meth:`waiting_sends` / :meth:`resume_send`.
        """
        not_in_flight = (
            " AND superseded_by IS NULL AND NOT EXISTS (SELECT 1 FROM outbox s WHERE s.row_id = o.row_id "
            "AND s.id <> o.id AND (s.state = 'SENDING' OR (s.state = 'RETRY_WAIT' "
            "AND s.request_key IS NOT NULL)))"
        )
        conn = self._reader()
        conn.execute("BEGIN")  # one snapshot for both queries
        try:
            pending = conn.execute(
                _SELECT + " o WHERE state = 'PENDING'" + not_in_flight + " ORDER BY id LIMIT ?", (int(limit),)
            ).fetchall()
            waiting = conn.execute(
                _SELECT + " o WHERE state = 'RETRY_WAIT' AND request_key IS NULL "
                "AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                + not_in_flight
                + " ORDER BY id LIMIT ?",
                (iso(now), int(limit)),
            ).fetchall()
        finally:
            conn.execute("COMMIT")
        rows = sorted(pending + waiting, key=lambda r: int(r[0]))[: int(limit)]
        return [_entry(r) for r in rows]

    @staticmethod
    def _members_state(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Any, ...]]:
        """id -> (state, superseded_by, idempotency_key, batch_id, request_key) of these entries."""
        found: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            part = ids[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(part))
            for rec in conn.execute(
                "SELECT id, state, superseded_by, idempotency_key, batch_id, request_key FROM outbox "
                f"WHERE id IN ({marks})",
                part,
            ):
                found[int(rec[0])] = tuple(rec[1:])
        return found

    @staticmethod
    def _update_in(conn: Connection, sql_head: str, params: Sequence[Any], ids: Sequence[int]) -> int:
        """``sql_head`` + `` WHERE id IN (...)`` over ``ids`` in chunks; returns the rows changed."""
        changed = 0
        for start in range(0, len(ids), _IN_CHUNK):
            part = list(ids[start : start + _IN_CHUNK])
            marks = ",".join("?" * len(part))
            changed += conn.execute(f"{sql_head} WHERE id IN ({marks})", [*params, *part]).rowcount
        return int(changed)

    def begin_send(
        self, entry_ids: Sequence[int], request_key: str, *, lab: str | None = None
    ) -> SendAttempt:
        """Persist the request's Idempotency-Key (with its members and ``lab``, so the body can be rebuilt
        byte for byte) and move the entries to SENDING, before the first byte is sent. One audit entry
        ("send") for the request, with the members' ids and the hash of their record keys.

        Calling it again with the same key and entries returns the open attempt (so a retried call is
        harmless). Raises :class:`OutboxConflict` when an entry is not due (already SENDING/ACKED/REJECTED,
        parked in another request, or superseded).
        """
        ids = sorted({int(i) for i in entry_ids})
        if not ids:
            raise OutboxConflict("begin_send needs at least one outbox entry")
        if not request_key:
            raise OutboxConflict("begin_send needs a request key")
        with self._write() as conn:
            existing = conn.execute(
                "SELECT entry_ids, finished_at FROM send_attempts WHERE request_key = ?", (request_key,)
            ).fetchone()
            if existing is not None:
                if sorted(json.loads(existing[0])) == ids and existing[1] is None:
                    return self._attempt(conn, request_key)
                raise OutboxConflict("this request key was already used for another send")
            now = iso(utc_now())
            members = self._members_state(conn, ids)
            for oid in ids:
                rec = members.get(oid)
                if rec is None:
                    raise OutboxConflict(f"no outbox entry {oid}")
                state, superseded_by, _key, _batch, in_request = rec
                if (
                    superseded_by is not None
                    or state not in (OutboxState.PENDING.value, OutboxState.RETRY_WAIT.value)
                    or (state == OutboxState.RETRY_WAIT.value and in_request is not None)
                ):
                    where = f" (parked in request {in_request})" if in_request and state != "SENDING" else ""
                    raise OutboxConflict(
                        f"outbox entry {oid} is {state}{' (superseded)' if superseded_by else ''}{where}, "
                        "not due for a new request"
                    )
            conn.execute(
                "INSERT INTO send_attempts (request_key, started_at, entry_ids, attempts, lab) "
                "VALUES (?,?,?,1,?)",
                (request_key, now, dumps(ids), lab),
            )
            self._update_in(
                conn,
                "UPDATE outbox SET state = 'SENDING', request_key = ?, attempts = attempts + 1, "
                "updated_at = ?",
                (request_key, now),
                ids,
            )
            keys = [str(members[i][2]) for i in ids]
            self.audit.append(
                conn,
                "send",
                f"request:{request_key}",
                batch_id=_one_batch(members[i][3] for i in ids),
                after={
                    "request": request_key,
                    "attempt": 1,
                    "entries": len(ids),
                    "entry_ids": ids,
                    "keys_sha256": keys_digest(keys),
                    **({"lab": lab} if lab else {}),
                },
                idempotency_key=request_key,
            )
            return self._attempt(conn, request_key)

    def _attempt(self, conn: Connection, request_key: str) -> SendAttempt:
        rec = conn.execute(
            "SELECT started_at, entry_ids, attempts, lab FROM send_attempts WHERE request_key = ?",
            (request_key,),
        ).fetchone()
        if rec is None:
            raise OutboxConflict("unknown request key")
        started, ids_json, attempts, lab = rec
        ids = sorted(int(i) for i in json.loads(ids_json))
        entries: list[OutboxEntry] = []
        for start in range(0, len(ids), _IN_CHUNK):
            part = ids[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(part))
            entries += [_entry(r) for r in conn.execute(_SELECT + f" WHERE id IN ({marks})", part)]
        entries.sort(key=lambda e: e.id)
        return SendAttempt(request_key, started, entries, int(attempts), lab)

    def open_sends(self) -> list[SendAttempt]:
        """Requests with members still SENDING (a crash mid-send): resend each with the SAME key and body
        (:meth:`resume_send` first, which audits the retry)."""
        conn = self._reader()
        keys = [
            r[0]
            for r in conn.execute(
                "SELECT a.request_key FROM send_attempts a WHERE a.finished_at IS NULL AND EXISTS "
                "(SELECT 1 FROM outbox o WHERE o.request_key = a.request_key AND o.state = 'SENDING') "
                "ORDER BY a.started_at, a.rowid"
            )
        ]
        return [self._attempt(conn, k) for k in keys]

    def waiting_sends(self, now: dt.datetime, *, limit: int | None = None) -> list[SendAttempt]:
        """Parked requests due again (every parked member's ``next_attempt_at`` <= ``now``), oldest first:
        resend each under its own key with the same body (:meth:`resume_send` first)."""
        conn = self._reader()
        sql = (
            "SELECT o.request_key FROM outbox o JOIN send_attempts a ON a.request_key = o.request_key "
            "WHERE o.state = 'RETRY_WAIT' AND o.request_key IS NOT NULL AND a.finished_at IS NULL "
            "GROUP BY o.request_key HAVING max(coalesce(o.next_attempt_at, '')) <= ? "
            "ORDER BY min(a.started_at), min(a.rowid)"
        )
        params: list[Any] = [iso(now)]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        keys = [r[0] for r in conn.execute(sql, params)]
        return [self._attempt(conn, k) for k in keys]

    def resume_send(self, request_key: str, reason: str) -> SendAttempt:
        """Before resending request ``request_key`` (same key, same body): its parked members go back to
        SENDING, its attempt counter goes up, and a "retry" audit entry says why (no secrets in ``reason``).
        Also for a request interrupted by a crash (members still SENDING), and for a replay of a resolved one
        (nothing changes state then; the retry is still audited)."""
        with self._write() as conn:
            attempt = self._attempt(conn, request_key)
            number = attempt.attempts + 1
            now = iso(utc_now())
            parked = [
                e.id
                for e in attempt.entries
                if e.state is OutboxState.RETRY_WAIT and e.request_key == request_key
            ]
            if parked:
                self._update_in(
                    conn,
                    "UPDATE outbox SET state = 'SENDING', attempts = attempts + 1, updated_at = ?",
                    (now,),
                    parked,
                )
            conn.execute("UPDATE send_attempts SET attempts = ? WHERE request_key = ?", (number, request_key))
            self._audit_retry(conn, attempt, number, reason)
            return self._attempt(conn, request_key)

    def record_retry(self, request_key: str, attempt: int, reason: str) -> None:
        """Audit a retry of request ``request_key`` within a run (same key, same body), before it is sent:
        ``attempt`` is the number of the send about to happen (2 for the first retry), ``reason`` why the
        previous one failed (a status or an exception's type; never a secret)."""
        with self._write() as conn:
            rec = conn.execute(
                "SELECT attempts, entry_ids FROM send_attempts WHERE request_key = ?", (request_key,)
            ).fetchone()
            if rec is None:
                raise OutboxConflict("unknown request key")
            number = max(int(attempt), int(rec[0]) + 1)
            conn.execute("UPDATE send_attempts SET attempts = ? WHERE request_key = ?", (number, request_key))
            conn.execute(
                "UPDATE outbox SET attempts = attempts + 1 WHERE request_key = ? AND state = 'SENDING'",
                (request_key,),
            )
            ids = sorted(int(i) for i in json.loads(rec[1]))
            self.audit.append(
                conn,
                "retry",
                f"request:{request_key}",
                after={
                    "request": request_key,
                    "attempt": number,
                    "reason": reason[:200],
                    "entries": len(ids),
                },
                idempotency_key=request_key,
            )

    def record_retries(self, request_keys: Sequence[str], reason: str) -> None:
        """Audit a resend of each of these requests (same key, same body; e.g. a replay of resolved ones), in
        one transaction: one "retry" entry per request with its attempt number. Nothing changes state."""
        with self._write() as conn:
            for key in request_keys:
                rec = conn.execute(
                    "SELECT attempts, entry_ids FROM send_attempts WHERE request_key = ?", (key,)
                ).fetchone()
                if rec is None:
                    raise OutboxConflict("unknown request key")
                number = int(rec[0]) + 1
                conn.execute("UPDATE send_attempts SET attempts = ? WHERE request_key = ?", (number, key))
                self.audit.append(
                    conn,
                    "retry",
                    f"request:{key}",
                    after={
                        "request": key,
                        "attempt": number,
                        "reason": reason[:200],
                        "entries": len(json.loads(rec[1])),
                    },
                    idempotency_key=key,
                )

    def _audit_retry(self, conn: Connection, attempt: SendAttempt, number: int, reason: str) -> None:
        self.audit.append(
            conn,
            "retry",
            f"request:{attempt.request_key}",
            batch_id=_one_batch(e.batch_id for e in attempt.entries),
            after={
                "request": attempt.request_key,
                "attempt": number,
                "reason": reason[:200],
                "entries": len(attempt.entries),
            },
            idempotency_key=attempt.request_key,
        )

    def sent_under(self, request_key: str) -> list[str]:
        """The record idempotency keys sent under request ``request_key``, proven against the request's
        "send" audit entry (its ``keys_sha256``); :class:`OutboxConflict` when they do not match."""
        conn = self._reader()
        rec = conn.execute(
            "SELECT entry_ids FROM send_attempts WHERE request_key = ?", (request_key,)
        ).fetchone()
        if rec is None:
            raise OutboxConflict("unknown request key")
        problem, keys = self._check_send(conn, request_key, sorted(int(i) for i in json.loads(rec[0])))
        if problem is not None:
            raise OutboxConflict(problem)
        return keys

    def verify_sends(self) -> str | None:
        """Check every request's members (``send_attempts``) against its "send" audit entry: None when all
        match, else a one-line description of the first mismatch (``labsync audit verify`` runs this after
        the chain itself)."""
        conn = self._reader()
        for key, ids_json in conn.execute(
            "SELECT request_key, entry_ids FROM send_attempts ORDER BY started_at, rowid"
        ).fetchall():
            problem, _ = self._check_send(conn, str(key), sorted(int(i) for i in json.loads(ids_json)))
            if problem is not None:
                return problem
        return None

    def _check_send(self, conn: Connection, request_key: str, ids: list[int]) -> tuple[str | None, list[str]]:
        found: dict[int, str] = {}
        for start in range(0, len(ids), _IN_CHUNK):
            part = ids[start : start + _IN_CHUNK]
            marks = ",".join("?" * len(part))
            found.update(
                (int(r[0]), str(r[1]))
                for r in conn.execute(f"SELECT id, idempotency_key FROM outbox WHERE id IN ({marks})", part)
            )
        keys = [found.get(i, "") for i in ids]
        row = conn.execute(
            "SELECT after FROM audit WHERE action = 'send' AND idempotency_key = ? ORDER BY seq LIMIT 1",
            (request_key,),
        ).fetchone()
        if row is None:
            return f"request {request_key} has no send audit entry", keys
        audited = json.loads(row[0]) if row[0] else {}
        if "keys_sha256" in audited:  # one entry per request (schema 6 on)
            ok = audited["keys_sha256"] == keys_digest(keys) and audited.get("entry_ids") == ids
        else:  # earlier releases listed each member in the entry
            listed = sorted((int(m["entry"]), str(m["idempotency_key"])) for m in audited.get("entries", []))
            ok = listed == list(zip(ids, keys, strict=True))
        if not ok:
            return f"request {request_key}: its members do not match its send audit entry", keys
        return None, keys

    def record_results(self, request_key: str, results: Sequence[RecordOutcome]) -> dict[OutboxState, int]:
        """Store the outcomes of a request in one transaction, with one audit entry per action.

        ACKED -> done; REJECTED -> the row goes back to quarantine with the portal's violations; RETRY_WAIT ->
        due again at ``next_attempt_at`` (now when None), parked in the request (resent later under the same
        key and body) unless ``detach`` or some member of the request was resolved (a resend would only get
        the same stored answer): then it leaves the request and goes out later in a new one. Entries without
        an outcome stay SENDING and the request stays open (``open_sends`` returns it). An outcome for an
        entry already resolved is ignored. Returns counts per state applied.
        """
        applied = dict.fromkeys(OutboxState, 0)
        with self._write() as conn:
            rec = conn.execute(
                "SELECT entry_ids FROM send_attempts WHERE request_key = ?", (request_key,)
            ).fetchone()
            if rec is None:
                raise OutboxConflict("unknown request key")
            now_dt = utc_now()
            now = iso(now_dt)
            members = self._members_state(conn, [int(o.entry_id) for o in results])
            acked: list[tuple[int, RecordOutcome]] = []
            rejected: list[tuple[int, RecordOutcome]] = []
            waiting: list[tuple[int, RecordOutcome]] = []
            for outcome in results:
                state = OutboxState(outcome.state)
                found = members.get(int(outcome.entry_id))
                if found is None:
                    raise OutboxConflict(f"no outbox entry {outcome.entry_id}")
                cur_state, _sup, key, _batch, in_request = found
                if outcome.idempotency_key is not None and outcome.idempotency_key != key:
                    raise OutboxConflict(
                        f"outbox entry {outcome.entry_id}: the outcome's idempotency key does not match"
                    )
                if in_request != request_key or cur_state != OutboxState.SENDING.value:
                    continue  # already resolved (a replayed result) or sent under another request
                if state is OutboxState.ACKED:
                    acked.append((int(outcome.entry_id), outcome))
                elif state is OutboxState.REJECTED:
                    rejected.append((int(outcome.entry_id), outcome))
                elif state is OutboxState.RETRY_WAIT:
                    waiting.append((int(outcome.entry_id), outcome))
                else:
                    raise OutboxConflict(
                        f"an outcome must be ACKED, REJECTED or RETRY_WAIT, not {state.value}"
                    )
                applied[state] += 1

            def batch_of(pairs: list[tuple[int, RecordOutcome]]) -> int | None:
                return _one_batch(members[i][3] for i, _ in pairs)

            def keys_of(pairs: list[tuple[int, RecordOutcome]]) -> list[str]:
                return [str(members[i][2]) for i, _ in pairs]

            if acked:
                acked.sort(key=lambda p: p[0])
                conn.executemany(
                    "UPDATE outbox SET state = 'ACKED', portal_ref = ?, last_error = NULL, "
                    "next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                    [(o.record_id, now, i) for i, o in acked],
                )
                refs = [o.record_id or "" for _, o in acked]
                self.audit.append(
                    conn,
                    "ack",
                    f"request:{request_key}",
                    batch_id=batch_of(acked),
                    after={
                        "request": request_key,
                        "state": "ACKED",
                        "entries": len(acked),
                        "entry_ids": [i for i, _ in acked],
                        "keys_sha256": keys_digest(keys_of(acked)),
                        "accepted": sum(1 for _, o in acked if o.portal_status != "duplicate"),
                        "duplicates": sum(1 for _, o in acked if o.portal_status == "duplicate"),
                        "portal_record_ids_sha256": keys_digest(refs),
                    },
                    idempotency_key=request_key,
                )
            if rejected:
                rejected.sort(key=lambda p: p[0])
                params = []
                detail = []
                for i, o in rejected:
                    viols = [v.to_json() for v in o.violations]
                    params.append((dumps(viols), o.error, now, i))
                    detail.append(
                        {"entry": i, "key": members[i][2], "codes": sorted({v["code"] for v in viols})}
                    )
                conn.executemany(
                    "UPDATE outbox SET state = 'REJECTED', portal_violations = ?, last_error = ?, "
                    "next_attempt_at = NULL, updated_at = ? WHERE id = ?",
                    params,
                )
                self.audit.append(
                    conn,
                    "reject",
                    f"request:{request_key}",
                    batch_id=batch_of(rejected),
                    after={
                        "request": request_key,
                        "state": "REJECTED",
                        "entries": len(rejected),
                        "keys_sha256": keys_digest(keys_of(rejected)),
                        "rejected": detail,
                    },
                    idempotency_key=request_key,
                )
            if waiting:
                waiting.sort(key=lambda p: p[0])
                member_ids = [int(i) for i in json.loads(rec[0])]
                # a request some of whose members are resolved has a stored answer: resending it cannot help
                resolved = bool(acked or rejected) or self._any_resolved(conn, request_key, member_ids)
                rows = []
                for i, o in waiting:
                    when = o.next_attempt_at or now_dt
                    if when.tzinfo is None:
                        when = when.replace(tzinfo=dt.UTC)
                    keep = None if (o.detach or resolved) else request_key
                    rows.append((iso(when), o.error, keep, now, i))
                conn.executemany(
                    "UPDATE outbox SET state = 'RETRY_WAIT', next_attempt_at = ?, last_error = ?, "
                    "request_key = ?, updated_at = ? WHERE id = ?",
                    rows,
                )
                parked = [r[4] for r in rows if r[2] is not None]
                self.audit.append(
                    conn,
                    "retry_wait",
                    f"request:{request_key}",
                    batch_id=batch_of(waiting),
                    after={
                        "request": request_key,
                        "state": "RETRY_WAIT",
                        "entries": len(waiting),
                        "entry_ids": [i for i, _ in waiting],
                        "keys_sha256": keys_digest(keys_of(waiting)),
                        "parked_in_request": len(parked),
                        "detached": len(waiting) - len(parked),
                        "next_attempt_at": max(r[0] for r in rows),
                        "error": sorted({str(o.error) for _, o in waiting if o.error})[:5],
                    },
                    idempotency_key=request_key,
                )
            left = conn.execute(
                "SELECT 1 FROM outbox WHERE request_key = ? AND state IN ('SENDING', 'RETRY_WAIT') LIMIT 1",
                (request_key,),
            ).fetchone()
            if left is None:
                conn.execute(
                    "UPDATE send_attempts SET finished_at = ? WHERE request_key = ? AND finished_at IS NULL",
                    (now, request_key),
                )
        return applied

    def _any_resolved(self, conn: Connection, request_key: str, member_ids: Sequence[int]) -> bool:
        states = self._members_state(conn, member_ids)
        return any(
            rec[0] in (OutboxState.ACKED.value, OutboxState.REJECTED.value) and rec[4] == request_key
            for rec in states.values()
        )


_IN_CHUNK = 900  # ids per IN (...) statement


def keys_digest(keys: Sequence[str]) -> str:
    """SHA-256 over the keys, one per line, in the order given (the members' order: by entry id)."""
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()


def _one_batch(batch_ids: Any) -> int | None:
    found = {int(b) for b in batch_ids}
    return found.pop() if len(found) == 1 else None
