"""Import: stream a validation run into a new batch in one transaction, in bounded memory.

Rows are written with ``executemany`` in chunks; raw values are stored as a compact JSON array in the batch's
field
order (trailing empty fields dropped); violations go to their own table (hints and citations interned in
``vtexts``). A crash or a cancel rolls the whole batch back: a batch is either complete or absent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import queue
import threading
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from app.errors import InputFileError, LabSyncError
from app.validation.violations import Severity, Violation
from app.workspace._base import WorkspaceBase, dumps
from app.workspace._db import Connection
from app.workspace._validation import Progress
from app.workspace.audit import iso, utc_now
from app.workspace.models import BatchSummary

ROWS_PER_CHUNK = 5000
_SQL_ROW = (
    "INSERT INTO rows (id, batch_id, row_no, raw, valid, error_count, warning_count, dup_key, key_hash, "
    "hidden, merged) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_SQL_TEXT = "INSERT INTO vtexts (id, hint, citation) VALUES (?, ?, ?)"
_SQL_VIOLATION = (
    "INSERT INTO violations (row_id, batch_id, code, severity, field, value, message, text_id) "
    "VALUES (?,?,?,?,?,?,?,?)"
)


class ImportCancelled(LabSyncError):
    """The import was cancelled; nothing was stored."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("import cancelled; nothing was stored")


def key_hash(key: str) -> int:
    """A 32-bit hash of a record key for the (batch_id, key_hash) index. Collisions are harmless: lookups also
    compare the key itself (kept beside it); the hash only keeps the index small and cheap to build."""
    return zlib.crc32(key.encode("utf-8"))


def file_sha256(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise InputFileError(path, "no such file") from None
    except IsADirectoryError:
        raise InputFileError(path, "is a directory") from None
    except PermissionError:
        raise InputFileError(path, "permission denied") from None
    return digest.hexdigest(), size


class TextIds:
    """Interned (hint, citation) pairs, created on demand inside the current transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._ids: dict[tuple[str, str], int] = {}

    def id_of(self, hint: str, citation: str) -> int:
        pair = (hint, citation)
        found = self._ids.get(pair)
        if found is None:
            row = self._conn.execute("SELECT id FROM vtexts WHERE hint = ? AND citation = ?", pair).fetchone()
            if row is None:
                found = int(
                    self._conn.execute("INSERT INTO vtexts (hint, citation) VALUES (?, ?)", pair).lastrowid
                )
            else:
                found = int(row[0])
            self._ids[pair] = found
        return found


def violation_rows(
    text_ids: TextIds | _NewTexts, row_id: int, batch_id: int, violations: list[Violation]
) -> list[tuple[Any, ...]]:
    return [
        (
            row_id,
            batch_id,
            v.code,
            v.severity.value,
            v.field,
            v.value,
            v.message,
            text_ids.id_of(v.hint, v.citation),
        )
        for v in violations
    ]


class _NewTexts:
    """(hint, citation) ids for an import: existing ones preloaded, new ones numbered here and inserted with
    the
    chunk that first uses them (so only the writer thread touches the connection during the import)."""

    def __init__(self, conn: Connection) -> None:
        self._ids: dict[tuple[str, str], int] = {
            (str(h), str(c)): int(i) for i, h, c in conn.execute("SELECT id, hint, citation FROM vtexts")
        }
        self._next = max(self._ids.values(), default=0) + 1
        self.pending: list[tuple[int, str, str]] = []

    def id_of(self, hint: str, citation: str) -> int:
        pair = (hint, citation)
        found = self._ids.get(pair)
        if found is None:
            found = self._ids[pair] = self._next
            self._next += 1
            self.pending.append((found, hint, citation))
        return found


class _ChunkWriter:
    """Runs the chunks' ``executemany`` on the writer connection in a helper thread.

    SQLite releases the GIL while it steps, so page encryption and B-tree work overlap the validation of the
    next
    chunk on another core. The queue is bounded (memory stays flat); the caller still owns the transaction and
    joins the thread (``finish``/``abort``) before it commits or rolls back.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._queue: queue.Queue[list[tuple[str, list[tuple[Any, ...]]]] | None] = queue.Queue(maxsize=3)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="labsync-import-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue
            try:
                for sql, rows in item:
                    if rows:
                        self._conn.executemany(sql, rows)
            except BaseException as exc:  # handed to the importing thread
                self._error = exc

    def put(self, item: list[tuple[str, list[tuple[Any, ...]]]]) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(item)

    def finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def abort(self) -> None:
        self._error = self._error or ImportCancelled()
        self._queue.put(None)
        self._thread.join()


class ImportMixin(WorkspaceBase):
    def import_file(
        self,
        path: Path | str,
        *,
        record_type: str | None = None,
        sheet: str | None = None,
        mapping: Mapping[str, str] | Path | None = None,
        as_of: dt.date | None = None,
        progress: Progress | None = None,
        cancel: Callable[[], bool] | None = None,
        label: str = "",
        policy: Path | str | None = None,
    ) -> BatchSummary:
        """Validate ``path`` and store every row and its results as a new batch (one transaction).

        ``progress(rows_done, bytes_done, bytes_total)`` is passed to the validation run; ``cancel()`` is
        polled
        every chunk and, when true, rolls everything back and raises :class:`ImportCancelled`.
        Validated against :meth:`validation_context`: the policy for the settings (the portal's pack when
        newer, ``policy_file``, ``policy_overrides``) with ``policy`` (a file, as ``labsync import --policy``)
        merged on top, and the reference data pulled into this workspace. The batch keeps a snapshot of that
        policy; its edits and submission are checked against it. Raises ``InputFileError`` (exit 2) for
        unreadable files.
        """
        source = Path(path)
        sha, size = file_sha256(source)
        as_of = as_of or dt.date.today()
        policy_source = str(Path(policy).expanduser().resolve()) if policy is not None else None
        context = self.validation_context(policy_source)
        policy_obj, reference = context.policy, context.reference
        backend = self._validation
        snapshot = backend.policy_snapshot(policy_obj)
        with backend.open_run(
            source,
            record_type=record_type,
            sheet=sheet,
            mapping=mapping,
            as_of=as_of,
            policy=policy_obj,
            progress=progress,
            reference=reference,
        ) as run:
            rtype = run.record_type
            checker = backend.row_validator(rtype, policy_obj, as_of, reference)
            fields = list(backend.fields_of(rtype))
            for name in run.mapping.values():
                if name not in fields:
                    fields.append(name)
            index = {name: i for i, name in enumerate(fields)}
            rows_digest = hashlib.sha256()
            with self._write() as conn:
                now = iso(utc_now())
                cur = conn.execute(
                    "INSERT INTO batches (created_at, source_name, source_sha256, source_size, record_type, "
                    "classification, sheet, mapping_json, fields_json, policy_version, as_of, label, "
                    "policy_source, policy_json) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        now,
                        source.name,
                        sha,
                        size,
                        rtype,
                        checker.classification,
                        run.sheet,
                        dumps(run.mapping),
                        "[]",
                        backend.policy_version(policy_obj),
                        as_of.isoformat(),
                        label,
                        policy_source,
                        snapshot,
                    ),
                )
                batch_id = int(cur.lastrowid)
                first_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM rows").fetchone()[0])
                next_id = first_id
                texts = _NewTexts(conn)
                writer = _ChunkWriter(conn)
                rows_buf: list[tuple[Any, ...]] = []
                viol_buf: list[tuple[Any, ...]] = []
                invalid = warning_rows = 0
                key_of = checker.key_of

                def flush() -> None:
                    item = [(_SQL_TEXT, texts.pending), (_SQL_ROW, rows_buf), (_SQL_VIOLATION, viol_buf)]
                    writer.put(item)
                    texts.pending = []

                try:
                    for result in run.results():
                        raw = result.raw
                        values: list[str | None] = [None] * len(fields)
                        for name, text in raw.items():
                            pos = index.get(name)
                            if pos is None:
                                pos = index[name] = len(fields)
                                fields.append(name)
                                values.append(None)
                            values[pos] = text
                        while values and values[-1] is None:
                            values.pop()
                        raw_json = _encode_json(values)
                        rows_digest.update(raw_json.encode("utf-8"))
                        errors = warnings = 0
                        viols = result.violations
                        if viols:
                            for v in viols:
                                if v.severity is Severity.ERROR:
                                    errors += 1
                                else:
                                    warnings += 1
                            viol_buf.extend(violation_rows(texts, next_id, batch_id, viols))
                            if errors:
                                invalid += 1
                            elif warnings:
                                warning_rows += 1
                        key = key_of(result)
                        merged = dumps(sorted(result.merged_fields)) if result.merged_fields else None
                        rows_buf.append(
                            (
                                next_id,
                                batch_id,
                                result.row,
                                raw_json,
                                0 if errors else 1,
                                errors,
                                warnings,
                                key,
                                None if key is None else key_hash(key),
                                1 if result.hidden else 0,
                                merged,
                            )
                        )
                        next_id += 1
                        if len(rows_buf) >= ROWS_PER_CHUNK:
                            flush()
                            rows_buf = []
                            viol_buf = []
                            if cancel is not None and cancel():
                                raise ImportCancelled()
                    flush()
                    if cancel is not None and cancel():
                        raise ImportCancelled()
                except BaseException:
                    writer.abort()
                    raise
                writer.finish()
                count = next_id - first_id
                file_issues = [v.to_json() for v in run.file_issues]
                conn.execute(
                    "UPDATE batches SET fields_json = ?, first_row_id = ?, last_row_id = ?, row_count = ?, "
                    "invalid_count = ?, warning_rows = ?, file_issues_json = ? WHERE id = ?",
                    (
                        dumps(fields),
                        first_id if count else None,
                        next_id - 1 if count else None,
                        count,
                        invalid,
                        warning_rows,
                        dumps(file_issues),
                        batch_id,
                    ),
                )
                summary = self.batch(batch_id, conn=conn)
                self.audit.append(
                    conn,
                    "import",
                    f"batch:{batch_id}",
                    batch_id=batch_id,
                    after={
                        "source_name": source.name,
                        "source_sha256": sha,
                        "record_type": rtype,
                        "sheet": run.sheet,
                        "mapping": run.mapping,
                        "policy_version": summary.policy_version,
                        "rows": count,
                        "invalid": invalid,
                        "warning_rows": warning_rows,
                        "rows_sha256": rows_digest.hexdigest(),
                    },
                )
        self._fields_cache[batch_id] = list(fields)
        self._checkers[batch_id] = checker  # edits right after the import start warm
        self._batch_policies[batch_id] = policy_obj
        self._fold_wal()  # the import pays for folding its WAL into the file, not the first edit after it
        return summary

    def _fold_wal(self) -> None:
        """Checkpoint the WAL and truncate it (a large import leaves hundreds of MB in it, which the next
        commit would otherwise checkpoint and cut to ``journal_size_limit``: a slow first edit)."""
        with self._wlock, contextlib.suppress(Exception):  # busy readers: the next commit does it instead
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
