"""Opening connections: SQLCipher (the real thing) or plain SQLite (benchmarks and tests only).

Every connection is in autocommit mode (``isolation_level=None``); writers use explicit ``BEGIN IMMEDIATE``
transactions so that the audit head is read under the write lock.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from app.errors import UnlockError, UserError
from app.workspace.keys import DbKey

Connection = Any  # sqlite3.Connection or sqlcipher3.dbapi2.Connection (same DB-API surface)

BUSY_TIMEOUT_MS = 15_000


def _sqlcipher() -> Any:
    try:
        from sqlcipher3 import dbapi2
    except ImportError as exc:  # packaging error, not a user error
        raise RuntimeError("sqlcipher3 is not installed") from exc
    return dbapi2


def database_errors() -> tuple[type[BaseException], ...]:
    """The DB-API ``DatabaseError`` classes of both drivers (they are distinct classes)."""
    return (sqlite3.DatabaseError, _sqlcipher().DatabaseError)


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Files created inside are 0600 (the WAL and shm files too: SQLite copies the database's mode)."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def create_private_file(path: Path) -> None:
    """Create an empty file readable by the owner only (no-op when it exists)."""
    with private_umask():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return
        os.close(fd)


@contextlib.contextmanager
def creation_lock(db_path: Path) -> Iterator[None]:
    """An exclusive lock (``flock`` on a sidecar file) held while a new workspace is created and migrated."""
    lock_path = db_path.with_name(f".{db_path.name}.lock")
    with private_umask():
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # Windows: creation races are not expected from one desktop user
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def connect(path: Path, key: DbKey | None, *, writer: bool) -> Connection:
    """An unlocked connection; :class:`UnlockError` on a wrong key (nothing written: we only read page 1).

    ``key=None`` opens plain SQLite (benchmarks only).
    """
    driver: Any = sqlite3 if key is None else _sqlcipher()
    with private_umask():
        conn = driver.connect(
            str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
    try:
        if key is not None:
            conn.execute("PRAGMA cipher_log_level = NONE")
            conn.execute(f"PRAGMA key = {key.pragma()}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except database_errors():
            raise UnlockError() from None
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        if writer:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise UserError(f"the workspace could not switch to WAL mode (got {mode})")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA cache_size = -65536")
            conn.execute("PRAGMA journal_size_limit = 67108864")
        else:
            conn.execute("PRAGMA cache_size = -16384")
            conn.execute("PRAGMA query_only = 1")
    except BaseException:
        conn.close()
        raise
    return conn


def check_key(path: Path, key: DbKey) -> bool:
    """True when ``key`` opens ``path`` (read-only probe; the file is not modified)."""
    try:
        conn = connect(path, key, writer=False)
    except UnlockError:
        return False
    conn.close()
    return True


@contextlib.contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception (including KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        with contextlib.suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
