"""Crash tests: a child process importing, editing and submitting is SIGKILLed at random moments; after each
kill the workspace must open, hold everything the child saw committed, nothing half-applied, and verify."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import FakeValidation

from app.workspace import Workspace

CHILD = Path(__file__).resolve().parent / "_crash_child.py"


def _write_csv(path: Path, n: int) -> Path:
    rng = random.Random(n)
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["CAS", "Name", "Qty"])
        for i in range(n):
            cas = f"{1000 + i}-00-{i % 10}" if rng.random() > 0.05 else "bad"
            w.writerow([cas, f"chemical {i}", str(i % 7) if rng.random() > 0.1 else "x"])
    return path


def _check(ws: Workspace, journal: list[str]) -> None:
    conn = ws._reader()
    # every batch is complete or absent
    for batch in ws.batches():
        n, invalid, warn_only = conn.execute(
            "SELECT count(*), sum(valid = 0), sum(valid = 1 AND warning_count > 0) FROM rows WHERE batch_id "
            "= ?",
            (batch.id,),
        ).fetchone()
        assert n == batch.row_count > 0
        assert (invalid or 0) == batch.invalid_count
        assert (warn_only or 0) == batch.warning_rows
    # row status agrees with the violations table
    bad = conn.execute(
        "SELECT count(*) FROM rows r WHERE r.error_count <> (SELECT count(*) FROM violations v WHERE "
        "v.row_id = r.id "
        "AND v.severity = 'error') OR r.valid <> (r.error_count = 0)"
    ).fetchone()[0]
    assert bad == 0
    # everything the child logged as committed is there
    batch_ids = {b.id: b.row_count for b in ws.batches()}
    edit_ids = {r[0] for r in conn.execute("SELECT id FROM edits")}
    for line in journal:
        kind, *rest = line.split()
        if kind == "import":
            assert batch_ids.get(int(rest[0])) == int(rest[1])
        elif kind == "edit":
            assert int(rest[0]) in edit_ids
        elif kind == "results":
            # resolved (finished), or parked whole in RETRY_WAIT under its own key (resent with it later)
            finished = conn.execute(
                "SELECT finished_at FROM send_attempts WHERE request_key = ?", (rest[0],)
            ).fetchone()[0]
            in_air = conn.execute(
                "SELECT count(*) FROM outbox WHERE request_key = ? AND state <> 'RETRY_WAIT' "
                "AND state NOT IN ('ACKED', 'REJECTED')",
                (rest[0],),
            ).fetchone()[0]
            assert finished is not None or in_air == 0
        elif kind == "send":
            assert conn.execute("SELECT 1 FROM send_attempts WHERE request_key = ?", (rest[0],)).fetchone()
    # each change has exactly its audit entry (nothing logged for a rolled-back change)
    audit = dict(conn.execute("SELECT action, count(*) FROM audit GROUP BY action").fetchall())
    assert audit.get("edit", 0) == len(edit_ids)
    assert audit.get("import", 0) == len(batch_ids)
    assert audit.get("send", 0) == conn.execute("SELECT count(*) FROM send_attempts").fetchone()[0]
    # acks are audited in bulk: one entry per request, naming its acknowledged entries
    acked_audited = sum(
        json.loads(a)["entries"] for (a,) in conn.execute("SELECT after FROM audit WHERE action = 'ack'")
    )
    assert acked_audited == conn.execute("SELECT count(*) FROM outbox WHERE state = 'ACKED'").fetchone()[0]
    # SENDING only inside open attempts (resendable with the same key)
    orphan = conn.execute(
        "SELECT count(*) FROM outbox o WHERE state = 'SENDING' AND NOT EXISTS (SELECT 1 FROM "
        "send_attempts s WHERE s.request_key = o.request_key AND s.finished_at IS NULL)"
    ).fetchone()
    assert orphan[0] == 0
    # a request parked in RETRY_WAIT is still open (resent later under the same key)
    parked = conn.execute(
        "SELECT count(*) FROM outbox o WHERE state = 'RETRY_WAIT' AND request_key IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM send_attempts s WHERE s.request_key = o.request_key AND s.finished_at IS NULL)"
    ).fetchone()
    assert parked[0] == 0
    result = ws.audit.verify()
    assert result.ok, result.describe()
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _run(tmp_path: Path, rounds: int, rows: int, seed: int) -> dict[str, int]:
    data = _write_csv(tmp_path / "crash.csv", rows)
    journal = tmp_path / "journal.txt"
    rng = random.Random(seed)
    kills = 0
    killed_in: dict[str, int] = {}
    for i in range(rounds):
        aim_at_import = i % 3 == 0  # every third kill lands inside an import on purpose
        before = journal.read_text().count("importing") if journal.exists() else 0
        child = subprocess.Popen(
            [sys.executable, str(CHILD), str(data), str(journal), str(seed * 1000 + i)]
            + (["import"] if aim_at_import else []),
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if aim_at_import:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and child.poll() is None:
                if journal.exists() and journal.read_text().count("importing") > before:
                    break
                time.sleep(0.01)
            time.sleep(rng.uniform(0.02, 0.4))
        else:
            time.sleep(rng.uniform(0.4, 2.5))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        _, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")[-2000:]
        lines = journal.read_text().splitlines() if journal.exists() else []
        last = lines[-1].split()[0] if lines else "start"
        phase = (
            "import" if last == "importing" else "open" if last in ("start", "open") else "edit/submit/send"
        )
        killed_in[phase] = killed_in.get(phase, 0) + 1
        with Workspace.open(validation=FakeValidation()) as ws:
            _check(ws, lines)
    assert kills == rounds
    return killed_in


def test_sigkill_during_import_edit_submit(tmp_path: Path) -> None:
    _run(tmp_path, rounds=8, rows=20_000, seed=1)


@pytest.mark.slow
def test_sigkill_many_random_points(tmp_path: Path) -> None:
    killed_in = _run(tmp_path, rounds=40, rows=40_000, seed=2)
    assert killed_in.get("import", 0) >= 3, killed_in
    assert killed_in.get("edit/submit/send", 0) >= 3, killed_in
