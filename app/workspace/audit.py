"""The append-only, hash-chained, HMAC'd audit log.

Each entry (table ``audit``) has: ``seq`` (1, 2, 3, ... without gaps), ``ts`` (UTC, timezone-aware ISO 8601),
``actor`` (OS user, plus ``portal:<identity>`` when signed in), ``host``, ``app_version``, ``action``,
``entity``,
``batch_id``, ``before``/``after`` (canonical JSON text, or hashes for bulk actions), ``idempotency_key``,
``prev_hash``, ``entry_hash`` = SHA-256(prev_hash + canonical JSON of the entry's fields) and ``hmac`` =
HMAC-SHA256(audit key, entry_hash). The first entry's ``prev_hash`` is 64 zeros. The head of the chain (last
seq,
hash, HMAC) is kept in ``meta`` so that cutting entries off the end is detected too.

Entries are appended by :meth:`AuditLog.append` inside the caller's write transaction (the head is read under
the
write lock), so a change and its entry commit or roll back together. Triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
import hmac
import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from app.errors import UserError
from app.workspace._db import Connection, private_umask
from app.workspace.canonical import canonical_json

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
FIELDS = (
    "seq",
    "ts",
    "actor",
    "host",
    "app_version",
    "action",
    "entity",
    "batch_id",
    "before",
    "after",
    "idempotency_key",
)
COLUMNS = (*FIELDS, "prev_hash", "entry_hash", "hmac")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    actor: str
    host: str
    app_version: str
    action: str
    entity: str
    batch_id: int | None
    before: str | None
    after: str | None
    idempotency_key: str | None
    prev_hash: str
    entry_hash: str
    hmac: str

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in COLUMNS}


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    problem: str | None = None
    head_hash: str | None = None

    def describe(self) -> str:
        if self.ok:
            head = (self.head_hash or GENESIS)[:16]
            return f"audit log intact: {self.entries} entries, head {head}"
        return f"audit log broken at entry {self.first_bad_seq}: {self.problem}"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def iso(ts: dt.datetime) -> str:
    if ts.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return ts.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (some containers)
        return "unknown"


class AuditLog:
    """Audit access for one workspace: ``append`` (inside a write transaction), ``verify``, ``entries``,
    ``export``. Reads use ``reader()``, a connection of the calling thread."""

    def __init__(self, key: bytes, reader: Callable[[], Connection], app_version: str) -> None:
        self._key = key
        self._reader = reader
        self._app_version = app_version
        self._host = socket.gethostname()
        self._os_user = _os_user()
        self.portal_identity: str | None = None

    @property
    def actor(self) -> str:
        if self.portal_identity:
            return f"{self._os_user} (portal:{self.portal_identity})"
        return self._os_user

    def _mac(self, text: str) -> str:
        return hmac.new(self._key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    def append(
        self,
        conn: Connection,
        action: str,
        entity: str,
        *,
        batch_id: int | None = None,
        before: Any = None,
        after: Any = None,
        idempotency_key: str | None = None,
        ts: dt.datetime | None = None,
    ) -> int:
        """Append one entry; call inside the write transaction of the change it records. Returns its seq."""
        if not conn.in_transaction:
            raise RuntimeError("audit entries must be written inside the change's transaction")
        last = conn.execute("SELECT seq, entry_hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (1, GENESIS) if last is None else (int(last[0]) + 1, str(last[1]))
        fields: dict[str, Any] = {
            "seq": seq,
            "ts": iso(ts or utc_now()),
            "actor": self.actor,
            "host": self._host,
            "app_version": self._app_version,
            "action": action,
            "entity": entity,
            "batch_id": batch_id,
            "before": None if before is None else canonical_json(before),
            "after": None if after is None else canonical_json(after),
            "idempotency_key": idempotency_key,
        }
        digest = entry_hash(prev, fields)
        mac = self._mac(digest)
        conn.execute(
            f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
            (*(fields[name] for name in FIELDS), prev, digest, mac),
        )
        head = json.dumps({"seq": seq, "hash": digest, "mac": self._mac(f"head:{seq}:{digest}")})
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
            "excluded.value",
            (HEAD_KEY, head),
        )
        return seq

    # --- reading --------------------------------------------------------------------------------------------

    @staticmethod
    def _entry(row: tuple[Any, ...]) -> AuditEntry:
        return AuditEntry(*row)

    def entries(
        self,
        batch_id: int | None = None,
        action: str | None = None,
        since: dt.datetime | None = None,
        *,
        conn: Connection | None = None,
    ) -> Iterator[AuditEntry]:
        """Entries in sequence order, optionally filtered (streamed)."""
        where: list[str] = []
        params: list[Any] = []
        if batch_id is not None:
            where.append("batch_id = ?")
            params.append(batch_id)
        if action is not None:
            where.append("action = ?")
            params.append(action)
        if since is not None:
            where.append("ts >= ?")
            params.append(iso(since if since.tzinfo else since.replace(tzinfo=dt.UTC)))
        sql = f"SELECT {', '.join(COLUMNS)} FROM audit"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY seq"
        db = conn or self._reader()
        for row in db.execute(sql, params):
            yield self._entry(row)

    def verify(self, *, conn: Connection | None = None) -> VerifyResult:
        """Check the whole chain: contiguous seqs, prev_hash links, entry hashes, HMACs and the stored
        head."""
        db = conn or self._reader()
        db.execute("BEGIN")  # one snapshot for the entries and the head
        try:
            return self._verify(db)
        finally:
            db.execute("COMMIT")

    def _verify(self, db: Connection) -> VerifyResult:
        prev = GENESIS
        expected = 1
        count = 0
        for row in db.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY seq"):
            entry = self._entry(row)
            if entry.seq != expected:
                if entry.seq > expected:
                    return VerifyResult(
                        False, count, expected, f"entry {expected} is missing (next is {entry.seq})"
                    )
                return VerifyResult(False, count, entry.seq, "sequence out of order")
            if entry.prev_hash != prev:
                return VerifyResult(
                    False,
                    count,
                    entry.seq,
                    "prev_hash does not match the previous entry (inserted, deleted or reordered)",
                )
            fields = {name: getattr(entry, name) for name in FIELDS}
            if entry_hash(prev, fields) != entry.entry_hash:
                return VerifyResult(
                    False, count, entry.seq, "entry_hash does not match its contents (modified)"
                )
            if not hmac.compare_digest(self._mac(entry.entry_hash), entry.hmac):
                return VerifyResult(
                    False, count, entry.seq, "HMAC does not match (entry forged or rewritten)"
                )
            prev = entry.entry_hash
            expected += 1
            count += 1
        head_row = db.execute("SELECT value FROM meta WHERE key = ?", (HEAD_KEY,)).fetchone()
        if head_row is None:
            if count:
                return VerifyResult(False, count, count, "the chain head record is missing")
            return VerifyResult(True, 0, head_hash=GENESIS)
        try:
            head = json.loads(head_row[0])
            head_seq, head_hash, head_mac = int(head["seq"]), str(head["hash"]), str(head["mac"])
        except (ValueError, KeyError, TypeError):
            return VerifyResult(False, count, count or 1, "the chain head record is unreadable")
        if not hmac.compare_digest(self._mac(f"head:{head_seq}:{head_hash}"), head_mac):
            return VerifyResult(False, count, head_seq, "the chain head record's HMAC does not match")
        if head_seq > count:
            return VerifyResult(
                False,
                count,
                count + 1,
                f"entry {count + 1} is missing (the chain head says {head_seq} entries)",
            )
        if head_seq < count:
            return VerifyResult(False, count, head_seq + 1, "entry appended after the recorded chain head")
        if head_hash != prev:
            return VerifyResult(False, count, head_seq, "last entry does not match the recorded chain head")
        return VerifyResult(True, count, head_hash=prev)

    def export(
        self, path: Path, fmt: str, *, since: dt.datetime | None = None, conn: Connection | None = None
    ) -> int:
        """Write entries to ``path`` (created 0600: entries hold record values) as ``csv`` or ``jsonl``;
        returns the number written."""
        if fmt not in ("csv", "jsonl"):
            raise UserError(f"unknown audit export format {fmt!r} (use csv or jsonl)")
        with private_umask(), path.open("w", encoding="utf-8", newline="") as fh:
            return self.write_to(fh, fmt, since=since, conn=conn)

    def write_to(
        self, fh: TextIO, fmt: str, *, since: dt.datetime | None = None, conn: Connection | None = None
    ) -> int:
        """Stream entries to an open text file as ``csv`` or ``jsonl``; returns the number written."""
        if fmt not in ("csv", "jsonl"):
            raise UserError(f"unknown audit export format {fmt!r} (use csv or jsonl)")
        count = 0
        if fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            for entry in self.entries(since=since, conn=conn):
                writer.writerow([_csv_safe(getattr(entry, name)) for name in COLUMNS])
                count += 1
        else:
            for entry in self.entries(since=since, conn=conn):
                fh.write(json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
        return count


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
