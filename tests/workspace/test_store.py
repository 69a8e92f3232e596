"""Import, lazy rows, edits/undo with DUPLICATE_KEY re-check, export; all on a real SQLCipher file."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fakes import FakeValidation

from app.errors import UserError
from app.workspace import Workspace


def codes(row: object) -> list[str]:
    return sorted(v.code for v in row.violations)  # type: ignore[attr-defined]


def test_import_stores_rows_results_and_metadata(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    path = make_csv()
    batch = ws.import_file(path)
    assert batch.row_count == 5
    assert batch.invalid_count == 2  # bad row, duplicate
    assert batch.warning_rows == 1  # qty "x"
    assert batch.record_type == "chem"
    assert batch.classification == "OSHA_INVENTORY"
    assert batch.policy_version == "fake-1"
    assert batch.mapping == {"CAS": "cas", "Name": "name", "Qty": "qty"}
    import hashlib

    assert batch.source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ws.fields(batch.id) == ["cas", "name", "qty"]
    ids = ws.row_ids(batch.id)
    rows = ws.rows_by_id(ids)
    assert [r.row_no for r in rows] == [2, 3, 4, 5, 6]
    assert rows[0].raw == {"cas": "7732-18-5", "name": "Water", "qty": "1"}
    assert codes(rows[2]) == ["CAS_FORMAT", "NAME_MISSING"]
    assert codes(rows[3]) == ["DUPLICATE_KEY"]
    assert ws.violation_counts(batch.id) == {
        "CAS_FORMAT": 1,
        "NAME_MISSING": 1,
        "DUPLICATE_KEY": 1,
        "QTY_NOT_NUMBER": 1,
    }
    assert ws.batches()[0].id == batch.id
    entries = list(ws.audit.entries(batch_id=batch.id))
    assert [e.action for e in entries] == ["import"]
    assert json.loads(entries[0].after or "{}")["rows"] == 5


def test_lazy_rows_filters_and_order(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    first = ws.import_file(make_csv())
    second = ws.import_file(make_csv())
    ids = ws.row_ids(second.id)
    assert len(ids) == 5
    assert set(ids).isdisjoint(ws.row_ids(first.id))
    assert ws.row_count(second.id) == 5
    invalid = ws.row_ids(second.id, only_invalid=True)
    assert ws.row_count(second.id, only_invalid=True) == len(invalid) == 2
    assert ws.row_ids(second.id, search="ethan") == [ids[1]]
    assert ws.row_count(second.id, search="WATER") == 2
    assert ws.row_ids(second.id, search="100%") == []
    assert [r.id for r in ws.rows_by_id([ids[3], ids[0], 999_999])] == [ids[3], ids[0]]
    with pytest.raises(UserError):
        ws.row_ids(12345)


def test_edit_revalidates_and_rechecks_duplicates(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    ids = ws.row_ids(batch.id)
    # change the first Water's CAS: the later Water is no longer a duplicate
    result = ws.edit_cell(ids[0], "cas", "7440-44-0")
    assert result.edit_id is not None
    assert result.changed_row_ids == [ids[3]]
    assert codes(ws.row(ids[3])) == []
    assert ws.batch(batch.id).invalid_count == 1
    # give the bad row (row 4) Acetone's CAS: Acetone (row 6, later) becomes the duplicate
    result = ws.edit_cell(ids[2], "cas", "67-64-1")
    assert codes(result.row) == ["NAME_MISSING"]
    assert result.changed_row_ids == [ids[4]]
    assert codes(ws.row(ids[4])) == ["DUPLICATE_KEY"]
    result = ws.edit_cell(ids[2], "name", "Acetone 2")
    assert codes(result.row) == []
    # the Ethanol row (row 3) takes Water's key: the later "Water again" (row 5) is a duplicate again
    result = ws.edit_cell(ids[1], "cas", "7732-18-5")
    assert result.changed_row_ids == [ids[3]]
    assert codes(ws.row(ids[3])) == ["DUPLICATE_KEY"]
    assert ws.batch(batch.id).invalid_count == 2
    # no-op edit records nothing
    assert ws.edit_cell(ids[1], "cas", "7732-18-5").edit_id is None
    edits = [e for e in ws.audit.entries(batch_id=batch.id) if e.action == "edit"]
    assert len(edits) == 4
    assert json.loads(edits[0].before or "{}") == {"row": 2, "field": "cas", "value": "7732-18-5"}
    assert json.loads(edits[0].after or "{}")["value"] == "7440-44-0"
    assert ws.audit.verify().ok


def test_undo_is_a_compensating_edit(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    ids = ws.row_ids(batch.id)
    edit = ws.edit_cell(ids[0], "cas", "7440-44-0")
    undo = ws.undo(edit.edit_id or 0)
    assert undo.after == "7732-18-5"
    assert undo.changed_row_ids == [ids[3]]
    assert codes(ws.row(ids[3])) == ["DUPLICATE_KEY"]
    assert ws.batch(batch.id).invalid_count == 2
    with pytest.raises(UserError, match="already undone"):
        ws.undo(edit.edit_id or 0)
    later = ws.edit_cell(ids[1], "name", "Ethanol 96%")
    ws.edit_cell(ids[1], "name", "Ethanol abs.")
    with pytest.raises(UserError, match="changed again"):
        ws.undo(later.edit_id or 0)
    history = ws.edits(ids[0])
    assert [h["undoes"] for h in history] == [None, edit.edit_id]
    actions = [e.action for e in ws.audit.entries(batch_id=batch.id)]
    assert actions.count("undo") == 1


def test_edit_refuses_unknown_field_and_row(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    with pytest.raises(UserError):
        ws.edit_cell(ws.row_ids(batch.id)[0], "no_such_field", "x")
    with pytest.raises(UserError):
        ws.edit_cell(10_000, "cas", "x")


def test_edit_is_fast_on_a_large_batch(ws: Workspace, tmp_path: Path) -> None:
    n = 200_000
    path = tmp_path / "big.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["CAS", "Name", "Qty"])
        for i in range(n):
            w.writerow([f"{100000 + i}-00-{i % 10}", f"chem {i}", str(i % 50)])
    batch = ws.import_file(path)
    ids = ws.row_ids(batch.id)
    assert len(ids) == n
    timings = []
    for i in range(20):
        start = time.perf_counter()
        ws.edit_cell(
            ids[i * 1000], "cas", f"{100000 + i * 1000 + 1}-00-{(i * 1000 + 1) % 10}"
        )  # a duplicate key
        timings.append(time.perf_counter() - start)
    assert sorted(timings)[len(timings) // 2] < 0.05
    page = ids[n // 2 : n // 2 + 200]
    start = time.perf_counter()
    assert len(ws.rows_by_id(page)) == 200
    assert time.perf_counter() - start < 0.2


def test_export_neutralizes_formulas(ws: Workspace, make_csv: Callable[..., Path], tmp_path: Path) -> None:
    rows = [
        ("7732-18-5", '=HYPERLINK("http://x")', "1"),
        ("64-17-5", "+1", "2"),
        ("67-64-1", "@SUM(A1)", "3"),
        ("50-00-0", "\tTab", "4"),
        ("71-43-2", "-2+3", "5"),
        ("108-88-3", "Toluene", "6"),
    ]
    batch = ws.import_file(make_csv(rows))
    out = tmp_path / "out.csv"
    assert ws.export(batch.id, out) == 6
    with out.open(encoding="utf-8-sig", newline="") as fh:
        names = [r[1] for r in csv.reader(fh)][1:]
    assert names == ['\'=HYPERLINK("http://x")', "'+1", "'@SUM(A1)", "'\tTab", "'-2+3", "Toluene"]
    from openpyxl import load_workbook

    xlsx = tmp_path / "out.xlsx"
    ws.export(batch.id, xlsx)
    sheet = load_workbook(xlsx).active
    values = [c.value for c in sheet["B"]][1:]
    assert values == names
    assert all(c.data_type == "s" for c in sheet["B"][1:])
    assert [e.action for e in ws.audit.entries(batch_id=batch.id)][-2:] == ["export", "export"]


def test_export_marks_violations_in_xlsx(
    ws: Workspace, make_csv: Callable[..., Path], tmp_path: Path
) -> None:
    batch = ws.import_file(make_csv())
    xlsx = tmp_path / "v.xlsx"
    ws.export(batch.id, xlsx)
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    bad = sheet["A4"]  # row 4 of the source is the third data row
    assert bad.value == "bad"
    assert bad.comment is not None
    assert "CAS_FORMAT" in bad.comment.text
    assert sheet["A2"].comment is None


def test_reference_data_round_trip(ws: Workspace) -> None:
    assert ws.reference_data("awards") is None
    ws.store_reference("awards", {"pages": [{"items": [{"id": "A1"}]}]})
    assert ws.reference_data("awards") == {"pages": [{"items": [{"id": "A1"}]}]}


def test_two_workspace_handles_share_one_chain(labsync_home: Path, make_csv: Callable[..., Path]) -> None:
    a = Workspace.open(validation=FakeValidation())
    b = Workspace.open(validation=FakeValidation())
    try:
        batch = a.import_file(make_csv())
        b.edit_cell(b.row_ids(batch.id)[0], "name", "Water (DI)")
        a.submit(batch.id)
        assert a.audit.verify().ok
        assert b.audit.verify().ok
    finally:
        a.close()
        b.close()


@pytest.mark.slow
def test_edit_under_50ms_on_a_million_row_batch(ws: Workspace, tmp_path: Path) -> None:
    n = 1_000_000
    path = tmp_path / "million.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["CAS", "Name", "Qty"])
        for i in range(n):
            # every fifth row shares one key: a DUPLICATE_KEY group of 200,000 rows (the costliest edits)
            w.writerow(["7732-18-5" if i % 5 == 0 else f"{100000 + i}-00-{i % 10}", f"chem {i}", str(i % 50)])
    batch = ws.import_file(path)
    dup_before = ws.violation_counts(batch.id)["DUPLICATE_KEY"]
    assert dup_before == n // 5 - 1
    start = time.perf_counter()
    ids = ws.row_ids(batch.id)
    assert len(ids) == n
    assert time.perf_counter() - start < 2.0
    timings = []
    edits = [
        (ids[0], "64-17-5"),  # the big group's first row leaves it (the next one loses its violation)
        (ids[0], "7732-18-5"),  # and comes back first (the next one gets it again)
        (ids[5], "50-00-0"),  # a row of the group leaves it
        (ids[1], "7732-18-5"),  # a row joins the group
    ]
    for i in range(40):
        rid = ids[(i * 33_331) % n]
        other = ids[(i * 77_777 + 5) % n]
        edits.append((rid, ws.row(other).raw["cas"] if i % 2 else f"{i + 10}-00-0"))
    for rid, value in edits:
        start = time.perf_counter()
        result = ws.edit_cell(rid, "cas", value)
        timings.append(time.perf_counter() - start)
        assert result.edit_id is not None or result.before == value
    assert ws.row(ids[0]).is_valid
    assert not any(v.code == "DUPLICATE_KEY" for v in ws.row(ids[0]).violations)
    assert any(v.code == "DUPLICATE_KEY" for v in ws.row(ids[10]).violations)
    timings.sort()
    assert timings[len(timings) // 2] < 0.05, timings
    assert timings[-1] < 0.05, timings  # worst case, the first edit after the import included
    start = time.perf_counter()
    assert len(ws.rows_by_id(ids[n // 2 : n // 2 + 100])) == 100
    assert time.perf_counter() - start < 0.1
    assert ws.audit.verify().ok


def test_import_with_an_institution_policy_file(
    ws: Workspace, make_csv: Callable[..., Path], tmp_path: Path
) -> None:
    policy = tmp_path / "institution.toml"
    policy.write_text("institution-7\n")
    batch = ws.import_file(make_csv(), policy=policy)
    assert batch.policy_version == "institution-7"
    assert batch.policy_source == str(policy.resolve())
    ws.edit_cell(ws.row_ids(batch.id)[0], "name", "Water (DI)")
    # the batch keeps a snapshot of its policy: edits go on with it even when the file is gone
    policy.unlink()
    ws._checkers.clear()
    ws._policies.clear()
    ws._batch_policies.clear()
    ws.edit_cell(ws.row_ids(batch.id)[0], "name", "Water again")
    assert ws._batch_policies[batch.id].version == "institution-7"


def test_cancelled_import_stores_nothing(ws: Workspace, tmp_path: Path) -> None:
    from app.workspace import ImportCancelled

    path = tmp_path / "c.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["CAS", "Name", "Qty"])
        w.writerows([f"{1000 + i}-00-{i % 10}", f"c{i}", "1"] for i in range(20_000))
    seen: list[int] = []
    calls = iter(range(1000))
    with pytest.raises(ImportCancelled):
        ws.import_file(path, progress=lambda rows, _d, _t: seen.append(rows), cancel=lambda: next(calls) >= 2)
    assert seen
    assert ws.batches() == []
    assert ws._reader().execute("SELECT count(*) FROM rows").fetchone()[0] == 0
    assert [e.action for e in ws.audit.entries()].count("import") == 0
    batch = ws.import_file(path)  # the workspace is fine afterwards
    assert batch.row_count == 20_000


def test_unreadable_file_is_a_user_error(
    labsync_home: Path, fake_cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli.main import main

    assert main(["import", str(tmp_path / "missing.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_reads_do_not_wait_for_a_long_import(
    ws: Workspace, tmp_path: Path, make_csv: Callable[..., Path]
) -> None:
    """The GUI reads (its own thread, or its own Workspace handle) while the DB thread imports."""
    import threading

    first = ws.import_file(make_csv())
    path = tmp_path / "long.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["CAS", "Name", "Qty"])
        w.writerows([f"{1000 + i}-00-{i % 10}", f"c{i}", "1"] for i in range(300_000))
    done = threading.Event()
    worker = threading.Thread(target=lambda: (ws.import_file(path), done.set()))
    worker.start()
    other = Workspace.open(validation=FakeValidation())  # a second handle opens during the import
    try:
        worst = 0.0
        invisible = 0
        while not done.is_set():
            start = time.perf_counter()
            invisible += len(ws.batches()) == 1  # the running import is invisible until it commits
            assert len(other.rows_by_id(other.row_ids(first.id))) == 5
            worst = max(worst, time.perf_counter() - start)
        worker.join()
        assert invisible > 5
        assert worst < 0.5
        assert len(other.batches()) == 2
    finally:
        other.close()


def test_row_ids_by_violation_code_for_jump_to_problem(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    rows = [
        (f"{1000 + i}-00-{i % 10}" if i % 3 else "bad", f"c{i}" if i % 4 else "", "1") for i in range(300)
    ]
    batch = ws.import_file(make_csv(rows))
    counts = ws.violation_counts(batch.id)
    assert len(counts) >= 2
    everything = ws.rows_by_id(ws.row_ids(batch.id))
    for code in counts:
        expected = [r.id for r in everything if any(v.code == code for v in r.violations)]
        assert ws.row_ids(batch.id, code=code) == expected
        assert ws.row_count(batch.id, code=code) == len(expected)
        invalid = [r.id for r in everything if not r.is_valid and r.id in set(expected)]
        assert ws.row_ids(batch.id, code=code, only_invalid=True) == invalid
        found = [r.id for r in everything if r.id in set(expected) and any("c1" in v for v in r.raw.values())]
        assert ws.row_ids(batch.id, code=code, search="c1") == found
    assert ws.row_ids(batch.id, code="NO_SUCH_CODE") == []
    # an edit that clears a problem takes the row out at once
    code, first = next((c, ids[0]) for c in counts if (ids := ws.row_ids(batch.id, code=c)))
    ws.edit_cell(first, "cas", "7732-18-5")
    ws.edit_cell(first, "name", "Water")
    assert first not in ws.row_ids(batch.id, code=code)
    # the lookup uses the (batch_id, code, row_id) index
    plan = " ".join(
        str(r[-1])
        for r in ws._reader().execute(
            "EXPLAIN QUERY PLAN SELECT DISTINCT row_id FROM violations WHERE batch_id = ? AND code = ? "
            "ORDER BY row_id",
            (batch.id, code),
        )
    )
    assert "violations_batch_code_row" in plan
    assert "TEMP B-TREE" not in plan
