"""The workspace schema: a list of forward migrations; ``PRAGMA user_version`` holds the version applied.

Never edit a released migration: append a new one. Each migration runs in its own ``BEGIN IMMEDIATE``
transaction together with the ``user_version`` bump and its audit entry, so a crash leaves the previous
version.

v1  batches, rows, violations (+ interned texts), edits, meta, the append-only audit log
v2  outbox and send attempts (idempotency keys, states, classification)
v3  batches.label (a user-visible name for a batch) and reference data pulled from the portal
v4  batches.policy_source (an institution policy file given at import)
v5  index outbox(state, id): the oldest PENDING entries without a sort
v6  send_attempts.attempts/lab (a parked request keeps its key and body until resolved); index
    violations(batch_id, code, row_id) for "rows with this code"; batches.policy_json (the policy snapshot
    a batch was validated with)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from app.workspace._db import Connection


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _run(conn: Connection, script: str) -> None:
    """Execute each statement of ``script`` (inside the caller's transaction, unlike ``executescript``)."""
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                conn.execute(pending)
            pending = ""
    if pending.strip(" \n;"):
        conn.execute(pending)


def _v1(conn: Connection) -> None:
    _run(
        conn,
        """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE batches (
        id             INTEGER PRIMARY KEY,
        created_at     TEXT NOT NULL,
        source_name    TEXT NOT NULL,
        source_sha256  TEXT NOT NULL,
        source_size    INTEGER NOT NULL,
        record_type    TEXT NOT NULL,
        classification TEXT NOT NULL,
        sheet          TEXT,
        mapping_json   TEXT NOT NULL,
        fields_json    TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        as_of          TEXT NOT NULL,
        file_issues_json TEXT NOT NULL DEFAULT '[]',
        first_row_id   INTEGER,
        last_row_id    INTEGER,
        row_count      INTEGER NOT NULL DEFAULT 0,
        invalid_count  INTEGER NOT NULL DEFAULT 0,
        warning_rows   INTEGER NOT NULL DEFAULT 0,
        submitted_at   TEXT
    );
    CREATE TABLE rows (
        id            INTEGER PRIMARY KEY,
        batch_id      INTEGER NOT NULL REFERENCES batches(id),
        row_no        INTEGER NOT NULL,
        raw           TEXT NOT NULL,
        valid         INTEGER NOT NULL,
        error_count   INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        dup_key       TEXT,
        key_hash      INTEGER,
        hidden        INTEGER NOT NULL DEFAULT 0,
        merged        TEXT
    );
    CREATE INDEX rows_batch_valid ON rows(batch_id, valid);
    CREATE INDEX rows_batch_key ON rows(batch_id, key_hash) WHERE key_hash IS NOT NULL;
    CREATE TABLE vtexts (
        id       INTEGER PRIMARY KEY,
        hint     TEXT NOT NULL,
        citation TEXT NOT NULL,
        UNIQUE (hint, citation)
    );
    CREATE TABLE violations (
        row_id   INTEGER NOT NULL REFERENCES rows(id),
        batch_id INTEGER NOT NULL,
        code     TEXT NOT NULL,
        severity TEXT NOT NULL,
        field    TEXT,
        value    TEXT,
        message  TEXT NOT NULL,
        text_id  INTEGER NOT NULL REFERENCES vtexts(id)
    );
    CREATE INDEX violations_row ON violations(row_id);
    CREATE INDEX violations_batch_code ON violations(batch_id, code);
    CREATE TABLE edits (
        id         INTEGER PRIMARY KEY,
        row_id     INTEGER NOT NULL REFERENCES rows(id),
        batch_id   INTEGER NOT NULL,
        field      TEXT NOT NULL,
        before     TEXT,
        after      TEXT,
        at         TEXT NOT NULL,
        undoes     INTEGER REFERENCES edits(id),
        undone_by  INTEGER REFERENCES edits(id)
    );
    CREATE INDEX edits_row ON edits(row_id);
    CREATE TABLE audit (
        seq             INTEGER PRIMARY KEY,
        ts              TEXT NOT NULL,
        actor           TEXT NOT NULL,
        host            TEXT NOT NULL,
        app_version     TEXT NOT NULL,
        action          TEXT NOT NULL,
        entity          TEXT NOT NULL,
        batch_id        INTEGER,
        before          TEXT,
        after           TEXT,
        idempotency_key TEXT,
        prev_hash       TEXT NOT NULL,
        entry_hash      TEXT NOT NULL,
        hmac            TEXT NOT NULL
    );
    CREATE INDEX audit_batch ON audit(batch_id);
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
    """,
    )


def _v2(conn: Connection) -> None:
    _run(
        conn,
        """
    CREATE TABLE outbox (
        id                INTEGER PRIMARY KEY,
        row_id            INTEGER NOT NULL REFERENCES rows(id),
        batch_id          INTEGER NOT NULL,
        record_type       TEXT NOT NULL,
        classification    TEXT NOT NULL,
        source_identity   TEXT NOT NULL,
        payload           TEXT NOT NULL,
        idempotency_key   TEXT NOT NULL UNIQUE,
        state             TEXT NOT NULL,
        attempts          INTEGER NOT NULL DEFAULT 0,
        next_attempt_at   TEXT,
        request_key       TEXT,
        last_error        TEXT,
        portal_violations TEXT,
        portal_ref        TEXT,
        superseded_by     INTEGER REFERENCES outbox(id),
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    );
    CREATE INDEX outbox_state ON outbox(state, next_attempt_at);
    CREATE INDEX outbox_row ON outbox(row_id);
    CREATE INDEX outbox_batch ON outbox(batch_id);
    CREATE INDEX outbox_request ON outbox(request_key) WHERE request_key IS NOT NULL;
    CREATE TABLE send_attempts (
        request_key TEXT PRIMARY KEY,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        entry_ids   TEXT NOT NULL
    )
    """,
    )


def _v3(conn: Connection) -> None:
    _run(
        conn,
        """
    ALTER TABLE batches ADD COLUMN label TEXT NOT NULL DEFAULT '';
    CREATE TABLE reference_data (
        kind       TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        data       TEXT NOT NULL
    )
    """,
    )


def _v4(conn: Connection) -> None:
    conn.execute("ALTER TABLE batches ADD COLUMN policy_source TEXT")


def _v5(conn: Connection) -> None:
    conn.execute("CREATE INDEX outbox_state_id ON outbox(state, id)")


def _v6(conn: Connection) -> None:
    _run(
        conn,
        """
    ALTER TABLE send_attempts ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE send_attempts ADD COLUMN lab TEXT;
    UPDATE outbox SET request_key = NULL WHERE state = 'RETRY_WAIT';
    CREATE INDEX violations_batch_code_row ON violations(batch_id, code, row_id);
    DROP INDEX violations_batch_code;
    ALTER TABLE batches ADD COLUMN policy_json TEXT
    """,
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "batches, rows, violations, edits, audit log", _v1),
    Migration(2, "outbox and send attempts", _v2),
    Migration(3, "batch labels and portal reference data", _v3),
    Migration(4, "the institution policy file a batch was imported with", _v4),
    Migration(5, "outbox index for the oldest due entries", _v5),
    Migration(6, "parked requests keep their key; rows by violation code; batch policy snapshot", _v6),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(conn: Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
