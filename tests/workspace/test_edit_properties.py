"""Property test: any sequence of edits and undos leaves every row's violations (including DUPLICATE_KEY,
first occurrence wins) and the batch counters exactly as a from-scratch validation of the current values
would."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from fakes import FakeChecker, FakeValidation, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.workspace import Workspace

CAS_VALUES = ["7732-18-5", "64-17-5", "67-64-1", "bad", ""]
ROWS = 12

ops = st.lists(
    st.one_of(
        st.tuples(
            st.just("edit"),
            st.integers(0, ROWS - 1),
            st.sampled_from(["cas", "name"]),
            st.sampled_from([*CAS_VALUES, "Water", "x"]),
        ),
        st.tuples(st.just("undo"), st.integers(0, 50), st.just(""), st.just("")),
    ),
    min_size=1,
    max_size=25,
)


def _expected(ws: Workspace, batch_id: int) -> tuple[dict[int, list[str]], int]:
    checker = FakeChecker()
    rows = sorted(ws.rows_by_id(ws.row_ids(batch_id)), key=lambda r: r.row_no)
    seen: set[str] = set()
    expected: dict[int, list[str]] = {}
    invalid = 0
    for row in rows:
        result = checker.check_row(row.row_no, row.raw)
        found = [v.code for v in result.violations]
        key = checker.key_of(result)
        if key is not None:
            if key in seen:
                found.append("DUPLICATE_KEY")
            seen.add(key)
        expected[row.id] = sorted(found)
        invalid += any(c in ("CAS_FORMAT", "NAME_MISSING", "DUPLICATE_KEY") for c in found)
    return expected, invalid


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops)
def test_edits_and_undos_keep_rows_and_counters_consistent(
    operations: list[tuple[str, int, str, str]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["LABSYNC_HOME"] = tmp
        data = write_csv(Path(tmp) / "in.csv", [(CAS_VALUES[i % 4], f"chem {i}", "1") for i in range(ROWS)])
        with Workspace.open(validation=FakeValidation()) as ws:
            batch = ws.import_file(data)
            ids = ws.row_ids(batch.id)
            edit_ids: list[int] = []
            for kind, a, field, value in operations:
                if kind == "edit":
                    result = ws.edit_cell(ids[a], field, value)
                    if result.edit_id is not None:
                        edit_ids.append(result.edit_id)
                elif edit_ids:
                    with contextlib.suppress(UserError):  # already undone or changed again since: refused
                        ws.undo(edit_ids[a % len(edit_ids)])
                expected, invalid = _expected(ws, batch.id)
                stored = {r.id: sorted(v.code for v in r.violations) for r in ws.rows_by_id(ids)}
                assert stored == expected
                assert ws.batch(batch.id).invalid_count == invalid
                assert ws.row_count(batch.id, only_invalid=True) == len(
                    ws.row_ids(batch.id, only_invalid=True)
                )
            assert ws.audit.verify().ok
