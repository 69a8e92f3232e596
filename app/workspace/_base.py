"""Shared state and helpers of :class:`app.workspace.Workspace` (connections, write transactions, row
decoding)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.validation.violations import Severity, Violation
from app.workspace import _db
from app.workspace._db import Connection
from app.workspace._validation import RowChecker, ValidationBackend
from app.workspace.audit import AuditLog
from app.workspace.keys import DbKey, ResolvedKey
from app.workspace.models import BatchSummary, OutboxState, StoredRow
from app.workspace.validation_context import (
    ValidationContext,
    load_app_settings,
    pulled_policy_file,
    reference_from,
)

BATCH_COLUMNS = (
    "id",
    "created_at",
    "source_name",
    "source_sha256",
    "source_size",
    "record_type",
    "classification",
    "sheet",
    "mapping_json",
    "fields_json",
    "policy_version",
    "as_of",
    "row_count",
    "invalid_count",
    "warning_rows",
    "file_issues_json",
    "submitted_at",
    "label",
    "policy_source",
)
ROW_COLUMNS = "id, batch_id, row_no, raw, hidden, merged"
CHUNK = 500  # ids per IN (...) query


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class WorkspaceBase:
    """Connections: one writer (guarded by a lock; all writes go through :meth:`_write`) and one reader per
    thread."""

    path: Path
    audit: AuditLog

    def __init__(
        self,
        path: Path,
        key: DbKey | None,
        writer: Connection,
        validation: ValidationBackend,
        resolved: ResolvedKey | None,
    ) -> None:
        self.path = path
        self._key = key
        self._writer = writer
        self._validation = validation
        self._resolved = resolved
        self._wlock = threading.RLock()
        self._local = threading.local()
        self._readers: list[Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._checkers: dict[int, RowChecker] = {}
        self._policy: Any = None
        self._policies: dict[str, Any] = {}
        self._batch_policies: dict[int, Any] = {}
        self._reference: Any = _FROM_STORE  # or what set_reference_data was given
        self._stored_reference: Any = _FROM_STORE  # built from the reference_data table, cached
        self._settings: Any = None
        self._fields_cache: dict[int, list[str]] = {}

    # --- connections ----------------------------------------------------------------------------------------

    def _reader(self) -> Connection:
        """This thread's read connection (WAL: never blocked by the writer, sees every commit)."""
        if self._closed:
            raise UserError("the workspace is closed")
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = _db.connect(self.path, self._key, writer=False)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        """The writer in a ``BEGIN IMMEDIATE`` transaction (serialized across threads and processes)."""
        if self._closed:
            raise UserError("the workspace is closed")
        with self._wlock, _db.transaction(self._writer) as conn:
            yield conn

    def close(self) -> None:
        """Close every connection (checkpointing the WAL). Idempotent."""
        if self._closed:
            return
        self._closed = True
        with self._readers_lock:
            readers, self._readers = self._readers, []
        for conn in readers:
            with contextlib.suppress(Exception):
                conn.close()
        with self._wlock:
            with contextlib.suppress(Exception):
                self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.close()

    def __enter__(self) -> WorkspaceBase:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- portal identity (for audit actors) -----------------------------------------------------------------

    def set_portal_identity(self, identity: str | None) -> None:
        """The signed-in portal user, recorded as part of the actor of later audit entries."""
        self.audit.portal_identity = identity or None

    # --- batches --------------------------------------------------------------------------------------------

    @staticmethod
    def _batch_from(row: Sequence[Any]) -> BatchSummary:
        data = dict(zip(BATCH_COLUMNS, row, strict=True))
        return BatchSummary(
            id=int(data["id"]),
            created_at=data["created_at"],
            source_name=data["source_name"],
            source_sha256=data["source_sha256"],
            source_size=int(data["source_size"]),
            record_type=data["record_type"],
            classification=data["classification"],
            sheet=data["sheet"],
            mapping=json.loads(data["mapping_json"]),
            fields=json.loads(data["fields_json"]),
            policy_version=data["policy_version"],
            as_of=data["as_of"],
            row_count=int(data["row_count"]),
            invalid_count=int(data["invalid_count"]),
            warning_rows=int(data["warning_rows"]),
            file_issues=[Violation.from_json(v) for v in json.loads(data["file_issues_json"])],
            submitted_at=data["submitted_at"],
            label=data["label"] or "",
            policy_source=data["policy_source"],
        )

    def batch(self, batch_id: int, *, conn: Connection | None = None) -> BatchSummary:
        """One batch; :class:`UserError` when there is none with that id."""
        db = conn or self._reader()
        row = db.execute(
            f"SELECT {', '.join(BATCH_COLUMNS)} FROM batches WHERE id = ?", (batch_id,)
        ).fetchone()
        if row is None:
            raise UserError(f"no batch {batch_id} in this workspace")
        return self._batch_from(row)

    def batches(self) -> list[BatchSummary]:
        """All batches, newest first."""
        rows = self._reader().execute(f"SELECT {', '.join(BATCH_COLUMNS)} FROM batches ORDER BY id DESC")
        return [self._batch_from(r) for r in rows]

    def fields(self, batch_id: int) -> list[str]:
        """The canonical field order of the batch (the grid's columns)."""
        cached = self._fields_cache.get(batch_id)
        if cached is None:
            row = (
                self._reader().execute("SELECT fields_json FROM batches WHERE id = ?", (batch_id,)).fetchone()
            )
            if row is None:
                raise UserError(f"no batch {batch_id} in this workspace")
            cached = list(json.loads(row[0]))
            self._fields_cache[batch_id] = cached
        return list(cached)

    def _fields_of(self, conn: Connection, batch_id: int) -> list[str]:
        cached = self._fields_cache.get(batch_id)
        if cached is None:
            row = conn.execute("SELECT fields_json FROM batches WHERE id = ?", (batch_id,)).fetchone()
            if row is None:
                raise UserError(f"no batch {batch_id} in this workspace")
            cached = list(json.loads(row[0]))
            self._fields_cache[batch_id] = cached
        return cached

    # --- rows -----------------------------------------------------------------------------------------------

    @staticmethod
    def _raw_dict(fields: Sequence[str], raw_json: str) -> dict[str, str]:
        values = json.loads(raw_json)
        return {f: v for f, v in zip(fields, values, strict=False) if v is not None}

    @staticmethod
    def _raw_list(fields: Sequence[str], raw: dict[str, str]) -> list[str | None]:
        values: list[str | None] = [raw.get(f) for f in fields]
        while values and values[-1] is None:
            values.pop()
        return values

    def _violations_for(self, conn: Connection, row_ids: Sequence[int]) -> dict[int, list[Violation]]:
        found: dict[int, list[Violation]] = {}
        for start in range(0, len(row_ids), CHUNK):
            part = row_ids[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            sql = (
                "SELECT v.row_id, v.code, v.severity, v.field, v.value, v.message, t.hint, t.citation, "
                "r.row_no "
                "FROM violations v JOIN vtexts t ON t.id = v.text_id JOIN rows r ON r.id = v.row_id "
                f"WHERE v.row_id IN ({marks}) ORDER BY v.rowid"
            )
            for rid, code, sev, fld, val, msg, hint, cit, row_no in conn.execute(sql, part):
                found.setdefault(rid, []).append(
                    Violation(
                        code=code,
                        severity=Severity(sev),
                        row=row_no,
                        field=fld,
                        value=val,
                        message=msg,
                        hint=hint,
                        citation=cit,
                    )
                )
        return found

    def _outbox_state_for(
        self, conn: Connection, row_ids: Sequence[int]
    ) -> dict[int, tuple[OutboxState, list[Violation]]]:
        found: dict[int, tuple[OutboxState, list[Violation]]] = {}
        for start in range(0, len(row_ids), CHUNK):
            part = row_ids[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            sql = (
                f"SELECT row_id, state, portal_violations FROM outbox WHERE row_id IN ({marks}) "
                "AND superseded_by IS NULL ORDER BY id"
            )
            for rid, state, pv in conn.execute(sql, part):
                viols = [Violation.from_json(v) for v in json.loads(pv)] if pv else []
                found[rid] = (OutboxState(state), viols)
        return found

    def _rows(self, conn: Connection, ids: Sequence[int]) -> list[StoredRow]:
        ids = [int(i) for i in ids]
        base: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(ids), CHUNK):
            part = ids[start : start + CHUNK]
            marks = ",".join("?" * len(part))
            for rec in conn.execute(f"SELECT {ROW_COLUMNS} FROM rows WHERE id IN ({marks})", part):
                base[int(rec[0])] = rec
        present = [i for i in ids if i in base]
        violations = self._violations_for(conn, present)
        outbox = self._outbox_state_for(conn, present)
        result: list[StoredRow] = []
        for rid in present:
            _, batch_id, row_no, raw_json, hidden, merged = base[rid]
            fields = self._fields_of(conn, int(batch_id))
            state = outbox.get(rid)
            result.append(
                StoredRow(
                    id=rid,
                    batch_id=int(batch_id),
                    row_no=int(row_no),
                    raw=self._raw_dict(fields, raw_json),
                    violations=violations.get(rid, []),
                    hidden=bool(hidden),
                    merged_fields=frozenset(json.loads(merged)) if merged else frozenset(),
                    outbox_state=state[0] if state else None,
                    portal_violations=state[1] if state and state[0] is OutboxState.REJECTED else [],
                )
            )
        return result

    def rows_by_id(self, ids: Sequence[int]) -> list[StoredRow]:
        """The rows with these ids, in the order given (unknown ids are skipped). A few indexed queries."""
        return self._rows(self._reader(), ids)

    def row(self, row_id: int) -> StoredRow:
        found = self.rows_by_id([row_id])
        if not found:
            raise UserError(f"no row {row_id} in this workspace")
        return found[0]

    # --- validation -----------------------------------------------------------------------------------------

    def _policy_obj(self, source: str | None = None) -> Any:
        """The bundled policy, or the institution policy file a batch was imported with (cached)."""
        if source is None:
            if self._policy is None:
                self._policy = self._validation.load_policy()
            return self._policy
        cached = self._policies.get(source)
        if cached is None:
            path = Path(source)
            if not path.is_file():
                raise UserError(f"batch policy file {path} is gone: restore it to edit or submit this batch")
            cached = self._policies[source] = self._validation.load_policy(path)
        return cached

    def set_reference_data(self, reference: Any) -> None:
        """Use ``reference`` (``app.validation.reference.ReferenceData``, or None for none) for the
        AWARD_UNKNOWN / LOCATION_UNKNOWN warnings of later imports, edits and submissions, instead of the
        reference data pulled into this workspace (the default; see :meth:`validation_context`)."""
        self._reference = reference
        self._checkers.clear()

    def use_settings(self, settings: Any) -> None:
        """Validate later imports with these application settings (``app.config.settings.Settings``:
        ``policy_file``, ``policy_overrides``) instead of ``load_settings()`` (read once, on first need)."""
        self._settings = settings

    def _app_settings(self) -> Any:
        if self._settings is None:
            self._settings = load_app_settings()
        return self._settings

    def _reference_obj(self) -> Any:
        if self._reference is not _FROM_STORE:
            return self._reference
        if self._stored_reference is _FROM_STORE:
            conn = self._reader()

            def cached(kind: str) -> dict[str, Any] | None:
                row = conn.execute("SELECT data FROM reference_data WHERE kind = ?", (kind,)).fetchone()
                value = json.loads(row[0]) if row is not None else None
                return value if isinstance(value, dict) else None

            self._stored_reference = reference_from(cached)
        return self._stored_reference

    def _reference_changed(self) -> None:
        self._stored_reference = _FROM_STORE
        self._checkers.clear()

    def validation_context(self, policy_file: Path | str | None = None) -> ValidationContext:
        """What a new import is validated against (see :mod:`app.workspace.validation_context`): the policy
        for the settings (portal pack when newer, ``policy_file``, ``policy_overrides``, then ``policy_file``
        given here) and the reference data pulled into this workspace."""
        policy = self._validation.policy_for(
            self._app_settings(),
            pulled_policy_file(),
            Path(policy_file).expanduser() if policy_file is not None else None,
        )
        return ValidationContext(policy, self._reference_obj())

    def _batch_policy(self, batch: BatchSummary) -> Any:
        """The policy the batch was validated with at import (its snapshot); batches imported before
        snapshots use their policy file, else the bundled policy."""
        policy = self._batch_policies.get(batch.id)
        if policy is None:
            row = (
                self._reader().execute("SELECT policy_json FROM batches WHERE id = ?", (batch.id,)).fetchone()
            )
            if row is not None and row[0]:
                policy = self._validation.policy_from_snapshot(str(row[0]))
            else:
                policy = self._policy_obj(batch.policy_source)
            self._batch_policies[batch.id] = policy
        return policy

    def _checker(self, batch: BatchSummary) -> RowChecker:
        checker = self._checkers.get(batch.id)
        if checker is None:
            checker = self._validation.row_validator(
                batch.record_type,
                self._batch_policy(batch),
                dt.date.fromisoformat(batch.as_of),
                self._reference_obj(),
            )
            self._checkers[batch.id] = checker
        return checker


_FROM_STORE: Any = object()
