"""Cell edits: re-validate the row at once, re-check DUPLICATE_KEY for the rows sharing its old and new key,
audit.

DUPLICATE_KEY follows the streaming rule: within a batch, the first row (by row number) with a key is fine and
every later row with the same key carries the violation. An edit touches at most two key groups (the row's old
key
and its new key); each is looked up through the ``(batch_id, key_hash)`` index, and only the first two rows of
a group can change place, so an edit costs a few indexed statements whatever the batch or group size.
"""

from __future__ import annotations

import json
from typing import Any

from app.errors import UserError
from app.validation.violations import Severity, Violation
from app.workspace._base import WorkspaceBase, dumps
from app.workspace._db import Connection
from app.workspace._importer import TextIds, key_hash, violation_rows
from app.workspace._validation import RowChecker
from app.workspace.audit import iso, utc_now
from app.workspace.models import BatchSummary, EditResult

DUPLICATE_KEY = "DUPLICATE_KEY"
_UNSET: Any = object()


class EditMixin(WorkspaceBase):
    def edit_cell(self, row_id: int, field: str, new_text: str | None) -> EditResult:
        """Set one cell's text (``""``/None empties it), re-validate, record the edit and its audit entry.

        Returns the re-validated row and the ids of other rows whose DUPLICATE_KEY status changed.
        Setting the text the cell already has records nothing (``edit_id`` None).
        """
        return self._apply_edit(row_id, field, new_text, action="edit")

    def undo(self, edit_id: int) -> EditResult:
        """Undo an edit with a compensating edit (the original stays in the history and the audit log).

        Refused when the cell was changed again since (undo the later edit first) or the edit was already
        undone.
        """
        with self._wlock:
            rec = self._writer.execute(
                "SELECT row_id, field, before, after, undone_by FROM edits WHERE id = ?", (edit_id,)
            ).fetchone()
            if rec is None:
                raise UserError(f"no edit {edit_id} in this workspace")
            row_id, field, before, after, undone_by = rec
            if undone_by is not None:
                raise UserError(f"edit {edit_id} was already undone (by edit {undone_by})")
            return self._apply_edit(
                int(row_id), str(field), before, action="undo", undoes=edit_id, expect=after
            )

    def edits(self, row_id: int) -> list[dict[str, Any]]:
        """The edit history of a row, oldest first."""
        rows = self._reader().execute(
            "SELECT id, field, before, after, at, undoes, undone_by FROM edits WHERE row_id = ? ORDER BY id",
            (row_id,),
        )
        return [
            dict(zip(("id", "field", "before", "after", "at", "undoes", "undone_by"), r, strict=True))
            for r in rows
        ]

    # --- internals ------------------------------------------------------------------------------------------

    def _apply_edit(
        self,
        row_id: int,
        field: str,
        new_text: str | None,
        *,
        action: str,
        undoes: int | None = None,
        expect: Any = _UNSET,
    ) -> EditResult:
        new_value = new_text if new_text not in (None, "") else None
        with self._write() as conn:
            rec = conn.execute(
                "SELECT batch_id, row_no, raw, hidden, merged, dup_key FROM rows WHERE id = ?", (row_id,)
            ).fetchone()
            if rec is None:
                raise UserError(f"no row {row_id} in this workspace")
            batch_id, row_no, raw_json, hidden, merged_json, old_key = rec
            batch = self.batch(int(batch_id), conn=conn)
            fields = self._fields_of(conn, batch.id)
            if field not in fields:
                raise UserError(f"batch {batch.id} has no field {field!r}")
            raw = self._raw_dict(fields, raw_json)
            before = raw.get(field)
            if expect is not _UNSET and before != expect:
                raise UserError(
                    f"row {row_no} field {field!r} was changed again after edit {undoes}; "
                    "undo the later edit first"
                )
            if new_value == before:
                return EditResult(None, self._rows(conn, [row_id])[0], field, before, before, [])
            if new_value is None:
                raw.pop(field, None)
            else:
                raw[field] = new_value
            merged = frozenset(json.loads(merged_json)) if merged_json else frozenset()
            merged = merged - {field}
            checker = self._checker(batch)
            result = checker.check_row(int(row_no), raw, hidden=bool(hidden), merged_fields=merged)
            new_key = checker.key_of(result)
            conn.execute(
                "UPDATE rows SET raw = ?, dup_key = ?, key_hash = ?, merged = ? WHERE id = ?",
                (
                    dumps(self._raw_list(fields, raw)),
                    new_key,
                    None if new_key is None else key_hash(new_key),
                    dumps(sorted(merged)) if merged else None,
                    row_id,
                ),
            )
            conn.execute("DELETE FROM violations WHERE row_id = ?", (row_id,))
            text_ids = TextIds(conn)
            single = [v for v in result.violations if v.code != DUPLICATE_KEY]
            if single:
                conn.executemany(
                    "INSERT INTO violations (row_id, batch_id, code, severity, field, value, message, "
                    "text_id) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    violation_rows(text_ids, row_id, batch.id, single),
                )
            changed: set[int] = set()
            for key in {old_key, new_key} - {None}:
                changed |= self._recheck_duplicates(conn, batch, checker, str(key), text_ids, row_id)
            changed.discard(row_id)
            self._refresh_status(conn, batch.id, [row_id, *sorted(changed)])
            now = iso(utc_now())
            edit_id = int(
                conn.execute(
                    "INSERT INTO edits (row_id, batch_id, field, before, after, at, undoes) VALUES "
                    "(?,?,?,?,?,?,?)",
                    (row_id, batch.id, field, before, new_value, now, undoes),
                ).lastrowid
            )
            if undoes is not None:
                conn.execute("UPDATE edits SET undone_by = ? WHERE id = ?", (edit_id, undoes))
            seq = self.audit.append(
                conn,
                action,
                f"row:{row_id}",
                batch_id=batch.id,
                before={"row": int(row_no), "field": field, "value": before},
                after={
                    "row": int(row_no),
                    "field": field,
                    "value": new_value,
                    "edit": edit_id,
                    **({"undoes": undoes} if undoes is not None else {}),
                },
            )
            stored = self._rows(conn, [row_id])[0]
        return EditResult(edit_id, stored, field, before, new_value, sorted(changed), seq)

    def _recheck_duplicates(
        self,
        conn: Connection,
        batch: BatchSummary,
        checker: RowChecker,
        key: str,
        text_ids: TextIds,
        edited: int,
    ) -> set[int]:
        """Make DUPLICATE_KEY right for the rows of the batch with ``key`` after ``edited`` joined or left
        that group; returns the rows that changed.

        The rule holds before the edit (the group's first row is clean, every other row carries the
        violation), and one row joining or leaving moves at most the group's first place: so only the first
        two rows of the group and the edited row can change. Two indexed lookups whatever the group's size
        (a batch's row ids follow its row numbers: one import writes them in order)."""
        firsts = conn.execute(
            "SELECT id, row_no FROM rows WHERE batch_id = ? AND key_hash = ? AND dup_key = ? ORDER BY id "
            "LIMIT 2",
            (batch.id, key_hash(key), key),
        ).fetchall()
        candidates = {int(rid): (position, int(row_no)) for position, (rid, row_no) in enumerate(firsts)}
        if edited not in candidates:
            rec = conn.execute(
                "SELECT row_no FROM rows WHERE id = ? AND dup_key = ?", (edited, key)
            ).fetchone()
            if rec is not None:
                candidates[edited] = (2, int(rec[0]))  # in the group, after its first two rows
        changed: set[int] = set()
        for rid, (position, row_no) in candidates.items():
            has = (
                conn.execute(
                    "SELECT 1 FROM violations WHERE row_id = ? AND code = ? LIMIT 1", (rid, DUPLICATE_KEY)
                ).fetchone()
                is not None
            )
            should = position > 0
            if has == should:
                continue
            if should:
                violation: Violation = checker.duplicate_violation(row_no, key)
                conn.executemany(
                    "INSERT INTO violations (row_id, batch_id, code, severity, field, value, message, "
                    "text_id) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    violation_rows(text_ids, rid, batch.id, [violation]),
                )
            else:
                conn.execute("DELETE FROM violations WHERE row_id = ? AND code = ?", (rid, DUPLICATE_KEY))
            changed.add(rid)
        return changed

    def _refresh_status(self, conn: Connection, batch_id: int, row_ids: list[int]) -> None:
        """Recount errors/warnings of these rows from the violations table; keep the batch counters in
        step."""
        d_invalid = d_warning = 0
        for rid in row_ids:
            old_valid, old_errors, old_warnings = conn.execute(
                "SELECT valid, error_count, warning_count FROM rows WHERE id = ?", (rid,)
            ).fetchone()
            errors = warnings = 0
            for (sev,) in conn.execute("SELECT severity FROM violations WHERE row_id = ?", (rid,)):
                if sev == Severity.ERROR.value:
                    errors += 1
                else:
                    warnings += 1
            was_invalid = not old_valid
            was_warning = bool(old_valid) and old_warnings > 0
            d_invalid += int(errors > 0) - int(was_invalid)
            d_warning += int(errors == 0 and warnings > 0) - int(was_warning)
            if (errors, warnings) != (old_errors, old_warnings) or bool(old_valid) != (errors == 0):
                conn.execute(
                    "UPDATE rows SET valid = ?, error_count = ?, warning_count = ? WHERE id = ?",
                    (0 if errors else 1, errors, warnings, rid),
                )
        if d_invalid or d_warning:
            conn.execute(
                "UPDATE batches SET invalid_count = invalid_count + ?, warning_rows = warning_rows + ? "
                "WHERE id = ?",
                (d_invalid, d_warning, batch_id),
            )
