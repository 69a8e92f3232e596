"""The reference portal's persistent store (SQLite): records, stored responses, OAuth state, reference data.

Part of the reference implementation of ``resources/portal-api.yaml`` (not a production portal).

- ``records``: one row per stored record, ``idempotency_key`` UNIQUE.
- ``idempotency``: the stored response of each completed batch request, keyed by (client, request
  Idempotency-Key) with the request fingerprint.
- ``clients``, ``users``, ``tokens`` (SHA-256 of the token only), ``auth_codes``, ``device_codes``.
- ``awards``, ``locations``, ``personnel``, ``policy_versions``: reference data.
- ``demo_credentials``: the plaintext secrets of the seeded DEMO identities, so ``labsync portal serve`` can
  print them on every start. This is a reference-portal convenience only; the file is created 0600.

One connection, used under a lock (``PortalStore.lock``); WAL mode so ``labsync portal stats`` can read
while the portal serves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.portal.contract import ALL_LABS

SCHEMA_VERSION = 2  # 2: idempotency.body_sha256 (replays recognised without parsing the body)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS labs (lab_id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clients (
    client_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_sha256 TEXT,                -- NULL for public clients
    labs TEXT NOT NULL,                -- JSON list, "*" = every lab
    roles TEXT NOT NULL,               -- JSON list
    record_types TEXT NOT NULL,        -- JSON list
    scopes TEXT NOT NULL,              -- space-separated
    grants TEXT NOT NULL               -- space-separated grant types
);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    person_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,       -- pbkdf2_sha256$iterations$salt$hash
    labs TEXT NOT NULL,
    roles TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS demo_credentials (subject TEXT PRIMARY KEY, secret TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    token_sha256 TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
    client_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    labs TEXT NOT NULL,
    roles TEXT NOT NULL,
    record_types TEXT NOT NULL,
    scopes TEXT NOT NULL,
    grant_id TEXT,
    expires_at REAL NOT NULL,
    used INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_grant ON tokens (grant_id);
CREATE TABLE IF NOT EXISTS auth_codes (
    code_sha256 TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    code_challenge TEXT NOT NULL,
    username TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at REAL NOT NULL,
    grant_id TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS device_codes (
    device_sha256 TEXT PRIMARY KEY,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL,
    scopes TEXT NOT NULL,
    expires_at REAL NOT NULL,
    interval INTEGER NOT NULL,
    last_poll REAL,
    status TEXT NOT NULL DEFAULT 'pending',   -- pending | approved | denied | used
    username TEXT
);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL UNIQUE,
    record_type TEXT NOT NULL,
    classification TEXT NOT NULL,
    lab TEXT NOT NULL,
    owner TEXT,
    source_ref TEXT,
    payload TEXT NOT NULL,
    payload_hash TEXT NOT NULL,
    review TEXT NOT NULL,
    received_at TEXT NOT NULL,
    client_id TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    request_key TEXT
);
CREATE INDEX IF NOT EXISTS records_lab ON records (lab, id);
CREATE TABLE IF NOT EXISTS idempotency (
    client_id TEXT NOT NULL,
    request_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at TEXT NOT NULL,
    body_sha256 TEXT,
    PRIMARY KEY (client_id, request_key)
);
CREATE TABLE IF NOT EXISTS awards (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    award_number TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS locations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    building TEXT NOT NULL,
    room TEXT NOT NULL,
    data TEXT NOT NULL,
    UNIQUE (building, room)
);
CREATE TABLE IF NOT EXISTS personnel (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS policy_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    version TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    published_at TEXT NOT NULL
);
"""

REFERENCE_TABLES: tuple[str, ...] = ("awards", "locations", "personnel")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str, *, iterations: int = 100_000) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    raw = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt), int(iterations))
    candidate = raw.hex()
    return secrets.compare_digest(candidate, digest)


def utc_now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Principal:
    """Who a token speaks for: its client, subject (user or client), labs, roles, scopes and record types."""

    client_id: str
    subject: str
    kind: str  # "client" | "user"
    labs: tuple[str, ...]
    roles: tuple[str, ...]
    scopes: frozenset[str]
    record_types: tuple[str, ...]

    def may_access_lab(self, lab: str) -> bool:
        return ALL_LABS in self.labs or lab in self.labs

    def to_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "client_id": self.client_id,
            "kind": self.kind,
            "labs": list(self.labs),
            "roles": list(self.roles),
            "scopes": sorted(self.scopes),
            "record_types": list(self.record_types),
        }


@dataclass(frozen=True)
class Client:
    client_id: str
    name: str
    secret_sha256: str | None
    labs: tuple[str, ...]
    roles: tuple[str, ...]
    record_types: tuple[str, ...]
    scopes: frozenset[str]
    grants: frozenset[str]

    @property
    def is_public(self) -> bool:
        return self.secret_sha256 is None


@dataclass(frozen=True)
class User:
    username: str
    person_id: str
    password_hash: str
    labs: tuple[str, ...]
    roles: tuple[str, ...]


@dataclass(frozen=True)
class StoredResponse:
    fingerprint: str
    status: int
    content_type: str
    body: bytes
    body_sha256: str | None = None  # SHA-256 of the request body exactly as first received


@dataclass
class NewRecord:
    idempotency_key: str
    record_type: str
    classification: str
    lab: str
    owner: str | None
    source_ref: str | None
    payload_json: str
    payload_hash: str
    review: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExistingRecord:
    record_id: int
    payload_hash: str
    review: dict[str, Any]


class PortalStore:
    """The portal's SQLite store. Every method takes the lock; callers may also hold it across calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
            os.close(fd)
        self.lock = threading.RLock()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if row is None:
            self._conn.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
        elif int(row["value"]) > SCHEMA_VERSION:
            raise RuntimeError(
                f"{path}: portal schema {row['value']} is newer than this program ({SCHEMA_VERSION})"
            )
        elif int(row["value"]) < 2:
            self._conn.execute("ALTER TABLE idempotency ADD COLUMN body_sha256 TEXT")
            self._conn.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(SCHEMA_VERSION),)
            )

    def close(self) -> None:
        with self.lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self._conn.execute(sql, params).fetchall()

    # -- meta --------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- identities --------------------------------------------------------------------------------

    def client(self, client_id: str) -> Client | None:
        rows = self.query("SELECT * FROM clients WHERE client_id = ?", (client_id,))
        if not rows:
            return None
        r = rows[0]
        return Client(
            client_id=r["client_id"],
            name=r["name"],
            secret_sha256=r["secret_sha256"],
            labs=tuple(json.loads(r["labs"])),
            roles=tuple(json.loads(r["roles"])),
            record_types=tuple(json.loads(r["record_types"])),
            scopes=frozenset(r["scopes"].split()),
            grants=frozenset(r["grants"].split()),
        )

    def user(self, username: str) -> User | None:
        rows = self.query("SELECT * FROM users WHERE username = ?", (username,))
        if not rows:
            return None
        r = rows[0]
        return User(
            username=r["username"],
            person_id=r["person_id"],
            password_hash=r["password_hash"],
            labs=tuple(json.loads(r["labs"])),
            roles=tuple(json.loads(r["roles"])),
        )

    def demo_secret(self, subject: str) -> str | None:
        rows = self.query("SELECT secret FROM demo_credentials WHERE subject = ?", (subject,))
        return str(rows[0]["secret"]) if rows else None

    # -- tokens ------------------------------------------------------------------------------------

    def insert_token(
        self,
        conn: sqlite3.Connection,
        token: str,
        kind: str,
        principal: Principal,
        expires_at: float,
        grant_id: str | None,
    ) -> None:
        conn.execute(
            "INSERT INTO tokens (token_sha256, kind, client_id, subject, subject_kind, labs, roles,"
            " record_types, scopes, grant_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                token_digest(token),
                kind,
                principal.client_id,
                principal.subject,
                principal.kind,
                json.dumps(list(principal.labs)),
                json.dumps(list(principal.roles)),
                json.dumps(list(principal.record_types)),
                " ".join(sorted(principal.scopes)),
                grant_id,
                expires_at,
            ),
        )

    def token_row(self, token: str, kind: str) -> sqlite3.Row | None:
        sql = "SELECT * FROM tokens WHERE token_sha256 = ? AND kind = ?"
        rows = self.query(sql, (token_digest(token), kind))
        return rows[0] if rows else None

    @staticmethod
    def principal_of(row: sqlite3.Row) -> Principal:
        return Principal(
            client_id=row["client_id"],
            subject=row["subject"],
            kind=row["subject_kind"],
            labs=tuple(json.loads(row["labs"])),
            roles=tuple(json.loads(row["roles"])),
            scopes=frozenset(row["scopes"].split()),
            record_types=tuple(json.loads(row["record_types"])),
        )

    def access_principal(self, token: str, now: float) -> Principal | None:
        row = self.token_row(token, "access")
        if row is None or row["revoked"] or row["expires_at"] <= now:
            return None
        return self.principal_of(row)

    def revoke_grant(self, conn: sqlite3.Connection, grant_id: str) -> None:
        conn.execute("UPDATE tokens SET revoked = 1 WHERE grant_id = ?", (grant_id,))

    # -- idempotency -------------------------------------------------------------------------------

    def stored_response(self, client_id: str, request_key: str) -> StoredResponse | None:
        rows = self.query(
            "SELECT fingerprint, status, content_type, body, body_sha256 FROM idempotency"
            " WHERE client_id = ? AND request_key = ?",
            (client_id, request_key),
        )
        if not rows:
            return None
        r = rows[0]
        return StoredResponse(
            r["fingerprint"], int(r["status"]), r["content_type"], bytes(r["body"]), r["body_sha256"]
        )

    def store_response(
        self,
        conn: sqlite3.Connection,
        client_id: str,
        request_key: str,
        response: StoredResponse,
        body_sha256: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO idempotency (client_id, request_key, fingerprint, status, content_type, body,"
            " created_at, body_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                client_id,
                request_key,
                response.fingerprint,
                response.status,
                response.content_type,
                response.body,
                utc_now_iso(),
                body_sha256,
            ),
        )

    # -- records -----------------------------------------------------------------------------------

    def existing_records(self, conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, ExistingRecord]:
        found: dict[str, ExistingRecord] = {}
        chunk: list[str] = []

        def flush() -> None:
            marks = ",".join("?" * len(chunk))
            for r in conn.execute(
                "SELECT id, idempotency_key, payload_hash, review FROM records"
                f" WHERE idempotency_key IN ({marks})",
                chunk,
            ):
                review = json.loads(r["review"])
                found[r["idempotency_key"]] = ExistingRecord(r["id"], r["payload_hash"], review)

        for key in keys:
            chunk.append(key)
            if len(chunk) >= 500:
                flush()
                chunk = []
        if chunk:
            flush()
        return found

    def lookup_records(self, keys: Iterable[str]) -> dict[str, ExistingRecord]:
        """``existing_records`` outside a transaction (a consistent read under the lock)."""
        with self.lock:
            return self.existing_records(self._conn, keys)

    def next_record_id(self, conn: sqlite3.Connection) -> int:
        """The id the next record gets (inside a write transaction: nobody else can insert meanwhile)."""
        row = conn.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'records'), 0),"
            " COALESCE((SELECT MAX(id) FROM records), 0))"
        ).fetchone()
        return int(row[0]) + 1

    def insert_records(
        self,
        conn: sqlite3.Connection,
        rows: list[tuple[int, NewRecord]],
        principal: Principal,
        request_key: str,
        received_at: str,
    ) -> None:
        """Insert records with the ids given (from ``next_record_id``), in one statement."""
        conn.executemany(
            "INSERT INTO records (id, idempotency_key, record_type, classification, lab, owner, source_ref,"
            " payload, payload_hash, review, received_at, client_id, submitted_by, request_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    record_id,
                    r.idempotency_key,
                    r.record_type,
                    r.classification,
                    r.lab,
                    r.owner,
                    r.source_ref,
                    r.payload_json,
                    r.payload_hash,
                    json.dumps(r.review),
                    received_at,
                    principal.client_id,
                    principal.subject,
                    request_key,
                )
                for record_id, r in rows
            ],
        )

    def list_records(
        self,
        principal: Principal,
        *,
        after_id: int,
        limit: int,
        record_type: str | None,
        lab: str | None,
        keys: Sequence[str],
    ) -> list[sqlite3.Row]:
        where = ["id > ?"]
        params: list[Any] = [after_id]
        if ALL_LABS not in principal.labs:
            where.append(f"lab IN ({','.join('?' * len(principal.labs))})")
            params.extend(principal.labs)
        if record_type:
            where.append("record_type = ?")
            params.append(record_type)
        if lab:
            where.append("lab = ?")
            params.append(lab)
        if keys:
            where.append(f"idempotency_key IN ({','.join('?' * len(keys))})")
            params.extend(keys)
        params.append(limit)
        return self.query(
            "SELECT id, idempotency_key, record_type, classification, lab, owner, source_ref, payload_hash,"
            " received_at, submitted_by, review FROM records"
            f" WHERE {' AND '.join(where)} ORDER BY id LIMIT ?",
            params,
        )

    def record(self, record_id: int) -> sqlite3.Row | None:
        rows = self.query("SELECT * FROM records WHERE id = ?", (record_id,))
        return rows[0] if rows else None

    # -- reference data ----------------------------------------------------------------------------

    def reference_page(self, table: str, *, after_id: int, limit: int) -> list[sqlite3.Row]:
        if table not in REFERENCE_TABLES:
            raise ValueError(table)
        return self.query(f"SELECT id, data FROM {table} WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit))

    def policy_versions(self, *, after_id: int = 0, limit: int = 1000) -> list[sqlite3.Row]:
        """Policy versions, newest first (``after_id`` pages downwards: ids below it)."""
        if after_id:
            return self.query(
                "SELECT * FROM policy_versions WHERE id < ? ORDER BY id DESC LIMIT ?", (after_id, limit)
            )
        return self.query("SELECT * FROM policy_versions ORDER BY id DESC LIMIT ?", (limit,))

    def policy(self, version: str | None) -> sqlite3.Row | None:
        if version is None:
            rows = self.query("SELECT * FROM policy_versions ORDER BY id DESC LIMIT 1")
        else:
            rows = self.query("SELECT * FROM policy_versions WHERE version = ?", (version,))
        return rows[0] if rows else None

    def publish_policy(self, version: str, content: str) -> bool:
        """Publish a policy pack version (newest = current). False when that version is already stored."""
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM policy_versions WHERE version = ?", (version,)).fetchone():
                return False
            conn.execute(
                "INSERT INTO policy_versions (version, content, sha256, published_at) VALUES (?, ?, ?, ?)",
                (version, content, hashlib.sha256(content.encode("utf-8")).hexdigest(), utc_now_iso()),
            )
        return True


def portal_stats(db_path: Path) -> dict[str, Any]:
    """The ``labsync portal stats --format json`` contract: records, distinct keys, duplicates (+ details).

    ``duplicates`` counts records stored more than once for the same source identity and payload: for each
    group of (record_type, lab, source identity, payload_hash) with n > 1 records, n - 1. The source identity
    is the record's ``source_ref`` when the client sent one, else the record type/lab/payload alone.
    """
    if not db_path.is_file():
        raise FileNotFoundError(db_path)
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        records = conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        distinct = conn.execute("SELECT COUNT(DISTINCT idempotency_key) FROM records").fetchone()[0]
        duplicates = conn.execute(
            "SELECT COALESCE(SUM(n - 1), 0) FROM (SELECT COUNT(*) AS n FROM records"
            " GROUP BY record_type, lab, COALESCE(source_ref, ''), payload_hash HAVING n > 1)"
        ).fetchone()[0]
        sql = "SELECT record_type, COUNT(*) FROM records GROUP BY record_type"
        by_type = dict(conn.execute(sql).fetchall())
        stored_responses = conn.execute("SELECT COUNT(*) FROM idempotency").fetchone()[0]
    finally:
        conn.close()
    return {
        "records": int(records),
        "distinct_idempotency_keys": int(distinct),
        "duplicates": int(duplicates),
        "records_by_type": {str(k): int(v) for k, v in sorted(by_type.items())},
        "stored_responses": int(stored_responses),
    }
