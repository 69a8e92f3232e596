"""The workspace: one SQLCipher 4 database per profile (``current_paths().workspace_db``).

Opening unlocks (see :mod:`app.workspace.keys`), migrates forward, unwraps the audit key. All writes go
through
one writer connection (``BEGIN IMMEDIATE``; a lock serializes threads); reads use one connection per thread,
so in WAL mode a reader (the GUI thread) is never blocked by a long write (an import).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from app import __version__
from app.errors import UnlockError, UserError
from app.paths import Paths, current_paths, ensure_private_dir
from app.workspace import _db
from app.workspace import keys as _keys
from app.workspace._db import Connection
from app.workspace._edits import EditMixin
from app.workspace._export import ExportMixin
from app.workspace._importer import ImportMixin
from app.workspace._outbox import OutboxMixin
from app.workspace._validation import DefaultValidation, ValidationBackend
from app.workspace.audit import AuditLog, VerifyResult, iso, utc_now
from app.workspace.keys import (
    SOURCE_KEYRING,
    SOURCE_PASSPHRASE,
    DbKey,
    KeyringStore,
    Prompt,
    ResolvedKey,
    key_from_passphrase,
    new_audit_key,
    passphrase_key,
    read_salt,
    resolve_key,
    unwrap_audit_key,
    wrap_audit_key,
)
from app.workspace.schema import MIGRATIONS, SCHEMA_VERSION, schema_version

AUDIT_KEY = "audit_key"
AUDIT_KEY_PENDING = "audit_key_pending"


class Workspace(ImportMixin, EditMixin, OutboxMixin, ExportMixin):
    """See docs/architecture.md (workspace contract). Use :meth:`open`; close with :meth:`close` or
    ``with``."""

    # --- opening --------------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        paths: Paths | None = None,
        *,
        passphrase: str | None = None,
        create: bool = True,
        interactive: bool | None = None,
        prompt: Prompt | None = None,
        validation: ValidationBackend | None = None,
    ) -> Workspace:
        """Open (creating when ``create``) the profile's workspace. :class:`UnlockError` on a wrong key, the
        file
        untouched. ``passphrase`` overrides ``LABSYNC_PASSPHRASE``; ``prompt`` replaces getpass (tests)."""
        paths = paths or current_paths()
        return cls.open_path(
            paths.workspace_db,
            passphrase=passphrase,
            create=create,
            interactive=interactive,
            prompt=prompt,
            validation=validation,
        )

    @classmethod
    def open_path(
        cls,
        db_path: Path,
        *,
        passphrase: str | None = None,
        create: bool = True,
        interactive: bool | None = None,
        prompt: Prompt | None = None,
        validation: ValidationBackend | None = None,
    ) -> Workspace:
        ensure_private_dir(db_path.parent)
        exists = read_salt(db_path) is not None
        if not exists and not create:
            raise UserError(f"no workspace at {db_path}")
        with contextlib.ExitStack() as stack:
            if not exists:  # creation is serialized across processes; the others then open what was made
                stack.enter_context(_db.creation_lock(db_path))
                exists = read_salt(db_path) is not None
            resolved = resolve_key(db_path, passphrase=passphrase, interactive=interactive, prompt=prompt)
            if not exists:
                with contextlib.suppress(FileNotFoundError):
                    if db_path.stat().st_size == 0:
                        db_path.unlink()
                _db.create_private_file(db_path)
            conn, key = cls._unlock(db_path, resolved)
            try:
                audit_key = cls._prepare(conn, key)
            except BaseException:
                conn.close()
                raise
        return cls._from(db_path, key, conn, audit_key, validation or DefaultValidation(), resolved)

    @classmethod
    def open_plain(cls, db_path: Path, *, validation: ValidationBackend | None = None) -> Workspace:
        """NOT ENCRYPTED: the same store on plain SQLite, for the benchmark's side-by-side comparison only."""
        ensure_private_dir(db_path.parent)
        _db.create_private_file(db_path)
        conn = _db.connect(db_path, None, writer=True)
        fake = DbKey(b"\0" * 32, "plain")
        audit_key = cls._prepare(conn, fake)
        ws = cls._from(db_path, None, conn, audit_key, validation or DefaultValidation(), None)
        return ws

    @classmethod
    def _from(
        cls,
        db_path: Path,
        key: DbKey | None,
        conn: Connection,
        audit_key: bytes,
        validation: ValidationBackend,
        resolved: ResolvedKey | None,
    ) -> Workspace:
        ws = cls(db_path, key, conn, validation, resolved)
        ws.audit = AuditLog(audit_key, ws._reader, __version__)
        ws._audit_key_bytes = audit_key
        return ws

    @staticmethod
    def _unlock(db_path: Path, resolved: ResolvedKey) -> tuple[Connection, DbKey]:
        candidates = [resolved.key, *resolved.alternatives]
        for number, candidate in enumerate(candidates):
            try:
                conn = _db.connect(db_path, candidate, writer=True)
            except UnlockError:
                continue
            key = DbKey(candidate.raw, candidate.source)  # the salt is in the file from now on
            if number > 0 and resolved.keyring is not None:
                resolved.keyring.promote_pending()  # a rekey was interrupted after the database changed
            elif resolved.keyring is not None and resolved.alternatives:
                resolved.keyring.drop_pending()  # interrupted before the database changed
            return conn, key
        raise UnlockError()

    @classmethod
    def _prepare(cls, conn: Connection, key: DbKey) -> bytes:
        """Migrate forward and return the audit key (creating it with a new workspace)."""
        version = schema_version(conn)
        if version > SCHEMA_VERSION:
            raise UserError(
                f"this workspace was written by a newer LabSync (schema {version}; this version "
                f"knows up to {SCHEMA_VERSION})"
            )
        audit_key: bytes | None = None
        if version > 0:
            audit_key = cls._audit_key(conn, key)
        for migration in MIGRATIONS[version:]:
            with _db.transaction(conn):
                if schema_version(conn) >= migration.version:
                    continue  # another process migrated it while we waited for the write lock
                if audit_key is None and migration.version > 1:
                    audit_key = cls._audit_key(conn, key)
                migration.apply(conn)
                if migration.version == 1:
                    audit_key = new_audit_key()
                    conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, ?)",
                        (AUDIT_KEY, wrap_audit_key(audit_key, key)),
                    )
                    conn.execute("INSERT INTO meta (key, value) VALUES ('created_at', ?)", (iso(utc_now()),))
                conn.execute(f"PRAGMA user_version = {migration.version}")
                assert audit_key is not None
                log = AuditLog(audit_key, lambda: conn, __version__)
                log.append(
                    conn,
                    "create" if migration.version == 1 else "migrate",
                    "workspace",
                    before={"schema": migration.version - 1},
                    after={"schema": migration.version, "migration": migration.description},
                )
        if audit_key is None:
            audit_key = cls._audit_key(conn, key)
        return audit_key

    @staticmethod
    def _audit_key(conn: Connection, key: DbKey) -> bytes:
        rows = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN (?, ?)", (AUDIT_KEY, AUDIT_KEY_PENDING))
        )
        if AUDIT_KEY in rows:
            found = unwrap_audit_key(rows[AUDIT_KEY], key)
            if found is not None:
                if AUDIT_KEY_PENDING in rows:
                    with _db.transaction(conn):
                        conn.execute("DELETE FROM meta WHERE key = ?", (AUDIT_KEY_PENDING,))
                return found
        if AUDIT_KEY_PENDING in rows:  # a rekey stopped after the database changed: finish it
            found = unwrap_audit_key(rows[AUDIT_KEY_PENDING], key)
            if found is not None:
                with _db.transaction(conn):
                    conn.execute(
                        "UPDATE meta SET value = ? WHERE key = ?", (rows[AUDIT_KEY_PENDING], AUDIT_KEY)
                    )
                    conn.execute("DELETE FROM meta WHERE key = ?", (AUDIT_KEY_PENDING,))
                return found
        raise UserError(
            "the workspace's audit key cannot be unwrapped with this key (the file is damaged or "
            "was altered); restore a backup"
        )

    _audit_key_bytes: bytes

    def __enter__(self) -> Workspace:
        return self

    # --- lazy rows ------------------------------------------------------------------------------------------

    def _range(self, batch_id: int) -> tuple[int, int] | None:
        row = (
            self._reader()
            .execute("SELECT first_row_id, last_row_id FROM batches WHERE id = ?", (batch_id,))
            .fetchone()
        )
        if row is None:
            raise UserError(f"no batch {batch_id} in this workspace")
        return None if row[0] is None else (int(row[0]), int(row[1]))

    @staticmethod
    def _like(search: str) -> str:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"%{escaped}%"

    def _row_query(
        self, batch_id: int, only_invalid: bool, search: str | None, select: str, code: str | None = None
    ) -> tuple[str, list[Any]]:
        span = self._range(batch_id)
        if span is None:
            return f"SELECT {select} FROM rows WHERE 0", []
        params: list[Any] = []
        if only_invalid:
            sql = f"SELECT {select} FROM rows WHERE batch_id = ? AND valid = 0"
            params.append(batch_id)
        else:
            sql = f"SELECT {select} FROM rows WHERE id BETWEEN ? AND ?"
            params.extend(span)
        if code:
            # the covering index violations(batch_id, code, row_id) yields them in row order
            sql += " AND id IN (SELECT row_id FROM violations WHERE batch_id = ? AND code = ?)"
            params.extend([batch_id, code])
        if search:
            # a JSON-escaped needle so quotes and backslashes match what is stored
            needle = json.dumps(search, ensure_ascii=False)[1:-1]
            sql += " AND (raw LIKE ? ESCAPE '\\'"
            params.append(self._like(needle))
            if search.strip().isdigit():
                sql += " OR row_no = ?"
                params.append(int(search.strip()))
            sql += ")"
        return sql, params

    def row_count(
        self,
        batch_id: int,
        *,
        only_invalid: bool = False,
        search: str | None = None,
        code: str | None = None,
    ) -> int:
        """Rows of the batch (invalid only, and/or containing ``search`` in any cell, case-insensitive
        ASCII, and/or having a violation with ``code``)."""
        if not search and not code:
            batch = self.batch(batch_id)
            return batch.invalid_count if only_invalid else batch.row_count
        if code and not search and not only_invalid:
            self._range(batch_id)  # UserError for an unknown batch
            row = (
                self._reader()
                .execute(
                    "SELECT count(DISTINCT row_id) FROM violations WHERE batch_id = ? AND code = ?",
                    (batch_id, code),
                )
                .fetchone()
            )
            return int(row[0])
        sql, params = self._row_query(batch_id, only_invalid, search, "count(*)", code)
        return int(self._reader().execute(sql, params).fetchone()[0])

    def row_ids(
        self,
        batch_id: int,
        *,
        only_invalid: bool = False,
        search: str | None = None,
        code: str | None = None,
    ) -> list[int]:
        """Row ids in row order (ints only: cheap even for a million rows). ``code``: only rows having a
        violation with that code (the GUI's "jump to problem"), from the index on (batch, code, row)."""
        if not only_invalid and not search:
            if code:
                self._range(batch_id)  # UserError for an unknown batch
                rows = self._reader().execute(
                    "SELECT DISTINCT row_id FROM violations WHERE batch_id = ? AND code = ? ORDER BY row_id",
                    (batch_id, code),
                )
                return [int(r[0]) for r in rows]
            # a batch's rows are one contiguous id range (written by one import transaction)
            span = self._range(batch_id)
            return [] if span is None else list(range(span[0], span[1] + 1))
        sql, params = self._row_query(batch_id, only_invalid, search, "id", code)
        return [r[0] for r in self._reader().execute(sql + " ORDER BY id", params)]

    def violation_counts(self, batch_id: int) -> dict[str, int]:
        """Violations of the batch by code."""
        rows = self._reader().execute(
            "SELECT code, count(*) FROM violations WHERE batch_id = ? GROUP BY code", (batch_id,)
        )
        return {str(code): int(n) for code, n in rows}

    # --- info, rekey, backup, restore -----------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        """Path, schema version, cipher settings, file sizes and counts (no secrets)."""
        conn = self._reader()
        cipher: dict[str, Any] = {}
        if self._key is not None:
            for pragma in (
                "cipher_version",
                "cipher_provider",
                "cipher_page_size",
                "kdf_iter",
                "cipher_hmac_algorithm",
                "cipher_kdf_algorithm",
            ):
                with contextlib.suppress(Exception):
                    row = conn.execute(f"PRAGMA {pragma}").fetchone()
                    if row is not None:
                        cipher[pragma] = row[0]
            cipher["key_source"] = self._key.source
            cipher["kdf"] = (
                "PBKDF2-HMAC-SHA512 (passphrase)"
                if self._key.source == SOURCE_PASSPHRASE
                else "none (random 256-bit raw key)"
            )
        else:
            cipher["encrypted"] = False
        sizes = {}
        for suffix in ("", "-wal", "-shm"):
            p = Path(str(self.path) + suffix)
            sizes[p.name] = p.stat().st_size if p.exists() else 0
        counts = {}
        for table in ("batches", "rows", "violations", "edits", "outbox", "audit"):
            counts[table] = int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return {
            "path": str(self.path),
            "schema_version": schema_version(conn),
            "schema_latest": SCHEMA_VERSION,
            "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
            "cipher": cipher,
            "sizes": sizes,
            "counts": counts,
            "outbox": {k.value: v for k, v in self.outbox_counts().items()},
            "created_at": (
                conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone() or [None]
            )[0],
        }

    def rekey(self, new_passphrase: str | None) -> str:
        """Re-encrypt with a new key: a passphrase, or (None) a new random key kept in the OS keyring.

        The old key stops working. The audit key is re-wrapped, the change audited. Interrupted rekeys are
        finished
        or rolled back on the next open (the keyring keeps the pending key until the database has switched).
        Returns the new key source ("passphrase" or "keyring").
        """
        if self._key is None:
            raise UserError("a plain (benchmark) store has no key")
        store: KeyringStore | None = None
        if new_passphrase is None:
            backend = _keys.usable_keyring()
            if backend is None:
                raise UserError(
                    "no usable OS keyring to hold a new random key: give a new passphrase instead"
                )
            store = KeyringStore(backend, self.path)
            new_key = DbKey(os.urandom(32), SOURCE_KEYRING)
        else:
            salt = read_salt(self.path)
            assert salt is not None
            new_key = DbKey(passphrase_key(new_passphrase, salt), SOURCE_PASSPHRASE)
        with self._wlock:
            # close readers: they hold the old key
            with self._readers_lock:
                readers, self._readers = self._readers, []
            for conn in readers:
                with contextlib.suppress(Exception):
                    conn.close()
            self._local = type(self._local)()
            w = self._writer
            with _db.transaction(w):
                w.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "value = excluded.value",
                    (AUDIT_KEY_PENDING, wrap_audit_key(self._audit_key_bytes, new_key)),
                )
            if store is not None:
                store.store_pending(new_key.raw)
            w.execute(f"PRAGMA rekey = {new_key.pragma()}")
            if store is not None:
                store.promote_pending()
            elif self._key.source == SOURCE_KEYRING:
                old_backend = _keys.usable_keyring()
                if old_backend is not None:
                    KeyringStore(old_backend, self.path).forget()
            self._key = new_key
            with _db.transaction(w):
                w.execute(
                    "UPDATE meta SET value = (SELECT value FROM meta WHERE key = ?) WHERE key = ?",
                    (AUDIT_KEY_PENDING, AUDIT_KEY),
                )
                w.execute("DELETE FROM meta WHERE key = ?", (AUDIT_KEY_PENDING,))
                self.audit.append(w, "rekey", "workspace", after={"key_source": new_key.source})
            with contextlib.suppress(Exception):
                w.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return new_key.source

    def backup(self, path: Path | str) -> dict[str, Any]:
        """Write an encrypted (same key), verified checkpoint to ``path`` (atomically; refuses to overwrite
        the
        workspace itself). Verified: cipher page HMACs, SQLite integrity and the audit chain."""
        target = Path(path).expanduser().resolve()
        if target == self.path.resolve():
            raise UserError("the backup must not replace the workspace itself")
        if not target.parent.is_dir():
            raise UserError(f"{target.parent}: no such directory")
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        with self._write() as conn:
            seq = self.audit.append(conn, "backup", "workspace", after={"file": target.name})
        with self._wlock, _db.private_umask():
            self._writer.execute("VACUUM INTO ?", (str(tmp),))
        try:
            report = self._verify_file(tmp, self._key, self._audit_key_bytes)
            os.chmod(tmp, 0o600)
            with tmp.open("rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        report["path"] = str(target)
        report["audit_seq"] = seq
        return report

    @classmethod
    def _verify_file(cls, path: Path, key: DbKey | None, audit_key: bytes | None) -> dict[str, Any]:
        conn = _db.connect(path, key, writer=False)
        try:
            if key is not None:
                bad = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")]
                if bad:
                    raise UserError(
                        f"{path.name}: encrypted pages fail their HMAC check ({len(bad)} problems)"
                    )
            check = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise UserError(f"{path.name}: integrity check failed: {check}")
            version = schema_version(conn)
            if version > SCHEMA_VERSION or version < 1:
                raise UserError(f"{path.name}: not a LabSync workspace of a known schema (version {version})")
            if audit_key is None:
                assert key is not None
                audit_key = cls._audit_key_readonly(conn, key)
            result = AuditLog(audit_key, lambda: conn, __version__).verify(conn=conn)
            if not result.ok:
                raise UserError(f"{path.name}: {result.describe()}")
            counts = {
                t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("batches", "rows", "audit")
            }
            return {"schema_version": version, "audit_entries": result.entries, "counts": counts}
        finally:
            conn.close()

    @staticmethod
    def _audit_key_readonly(conn: Connection, key: DbKey) -> bytes:
        for name in (AUDIT_KEY, AUDIT_KEY_PENDING):
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (name,)).fetchone()
            if row is not None:
                found = unwrap_audit_key(row[0], key)
                if found is not None:
                    return found
        raise UserError("the backup's audit key cannot be unwrapped with this key")

    @classmethod
    def restore(
        cls,
        backup: Path | str,
        paths: Paths | None = None,
        *,
        passphrase: str | None = None,
        interactive: bool | None = None,
        prompt: Prompt | None = None,
        validation: ValidationBackend | None = None,
    ) -> Workspace:
        """Replace the profile's workspace with ``backup`` after checking it (key, page HMACs, integrity,
        audit
        chain). The current file is kept as ``workspace.db.before-restore-<UTC time>``. Close any open
        workspace on this profile first. Returns the restored workspace, opened (and migrated)."""
        source = Path(backup).expanduser()
        if not source.is_file():
            raise UserError(f"{source}: no such backup file")
        paths = paths or current_paths()
        db = paths.workspace_db
        ensure_private_dir(db.parent)
        key = cls._restore_key(source, db, passphrase, interactive, prompt)
        if not _db.check_key(source, key):
            raise UnlockError()
        staged = db.with_name(f".{db.name}.restore-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        with _db.private_umask():
            shutil.copyfile(source, staged)
        try:
            os.chmod(staged, 0o600)
            cls._verify_file(staged, key, None)
            with staged.open("rb") as fh:
                os.fsync(fh.fileno())
            if db.exists():
                stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
                keep = db.with_name(f"{db.name}.before-restore-{stamp}")
                if _db.check_key(db, key):
                    # fold the old WAL into the old file before setting it aside
                    with contextlib.suppress(Exception):
                        old = _db.connect(db, key, writer=True)
                        old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                        old.close()
                os.replace(db, keep)
            for suffix in ("-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    Path(str(db) + suffix).unlink()
            os.replace(staged, db)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
            raise
        ws = cls._open_with_key(db, key, validation)
        with ws._write() as conn:
            ws.audit.append(conn, "restore", "workspace", after={"file": source.name})
        return ws

    @staticmethod
    def _restore_key(
        source: Path, db: Path, passphrase: str | None, interactive: bool | None, prompt: Prompt | None
    ) -> DbKey:
        """The key a backup was written with: a passphrase (stretched with the backup's own salt), else the
        profile's keyring key (backups are written with the workspace's key), else a prompt."""
        chosen = passphrase if passphrase is not None else _keys.env_passphrase()
        if chosen is None:
            backend = _keys.usable_keyring()
            if backend is not None:
                store = KeyringStore(backend, db)
                for raw in (store.current(), store.pending()):
                    if raw is not None and _db.check_key(source, DbKey(raw, SOURCE_KEYRING)):
                        return DbKey(raw, SOURCE_KEYRING)
            if interactive is None:
                interactive = _keys.is_interactive()
            if not interactive and prompt is None:
                raise UserError(_keys.NO_KEY_MESSAGE)
            chosen = _keys.prompt_passphrase(confirm=False, prompt=prompt, what="backup passphrase")
        derived = key_from_passphrase(chosen, source)
        return DbKey(derived.raw, SOURCE_PASSPHRASE)

    @classmethod
    def _open_with_key(cls, db: Path, key: DbKey, validation: ValidationBackend | None) -> Workspace:
        conn = _db.connect(db, key, writer=True)
        try:
            audit_key = cls._prepare(conn, key)
        except BaseException:
            conn.close()
            raise
        return cls._from(db, key, conn, audit_key, validation or DefaultValidation(), None)

    # --- reference data (pulled from the portal by app.sync) ----------------------------------------------

    def reference_data(self, kind: str) -> dict[str, Any] | None:
        """The cached reference data of ``kind`` (awards, locations, personnel), or None."""
        row = self._reader().execute("SELECT data FROM reference_data WHERE kind = ?", (kind,)).fetchone()
        if row is None:
            return None
        value = json.loads(row[0])
        return value if isinstance(value, dict) else None

    def store_reference(self, kind: str, data: dict[str, Any]) -> None:
        """Replace the cached reference data of ``kind`` (audited with a hash of the data)."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
        with self._write() as conn:
            conn.execute(
                "INSERT INTO reference_data (kind, fetched_at, data) VALUES (?, ?, ?) ON CONFLICT(kind) DO "
                "UPDATE SET fetched_at = excluded.fetched_at, data = excluded.data",
                (kind, iso(utc_now()), text),
            )
            self.audit.append(
                conn,
                "reference",
                f"reference:{kind}",
                after={"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest()},
            )
        self._reference_changed()  # later imports and edits use the new lists

    def verify_audit(self) -> VerifyResult:
        return self.audit.verify()
