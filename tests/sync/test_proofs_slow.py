"""Slow proofs of exactly-once: chaos (30% injected faults) and crash (SIGKILL of a real `labsync sync`)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .harness import child_env, client_for, fill_outbox, labsync_cmd, states

pytestmark = pytest.mark.slow


def portal_stats(portal: Any) -> dict[str, Any]:
    from app.portal.store import portal_stats as stats

    return stats(portal.db_path)


def portal_has_response(portal: Any, request_key: str) -> bool:
    import sqlite3

    conn = sqlite3.connect(f"file:{portal.db_path}?mode=ro", uri=True, timeout=30)
    try:
        row = conn.execute("SELECT 1 FROM idempotency WHERE request_key = ?", (request_key,)).fetchone()
    finally:
        conn.close()
    return row is not None


def test_chaos_10000_records_through_30_percent_faults(workspace: Any, tmp_path: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    fill_outbox(workspace, tmp_path, 10_000)
    portal = run.start_portal(
        tmp_path / "chaos.db",
        tls_self_signed=True,
        fault_rate=0.30,
        fault_seed=20261129,
        fault_slow_seconds=0.2,
        fault_hang_seconds=2.5,
    )
    try:
        client = client_for(
            workspace,
            portal,
            settings_changes={
                "timeout": 1.5,
                "backoff_base": 0.02,
                "backoff_cap": 0.5,
                "breaker_cooldown": 0.2,
                "max_attempts": 8,
                "breaker_threshold": 5,
                "batch_size": 100,
            },
        )
        totals = {"requests": 0, "retries": 0, "runs": 0, "replayed": 0, "duplicates": 0}
        with client:
            deadline = time.monotonic() + 900
            while True:
                report = client.sync_once()
                totals["runs"] += 1
                for key in ("requests", "retries", "replayed", "duplicates"):
                    totals[key] += getattr(report, key)
                if report.done:
                    break
                assert time.monotonic() < deadline, (report, states(workspace))
                time.sleep(0.3)  # parked batches become due again
        faults = portal.faults.log if portal.faults is not None else []
        print(f"chaos: {totals}, faults injected: {len(faults)}")
        kinds = sorted({kind for _, kind in faults})
        print(f"fault kinds seen: {kinds}")
        assert len(faults) >= 20  # the faults really happened (about 30% of ~150 requests)
        assert {"500_after_commit", "drop_after_commit"} & set(kinds)
        assert totals["retries"] > 0
        stats = portal_stats(portal)
        cli = subprocess.run(
            labsync_cmd("portal", "stats", "--db", str(portal.db_path), "--format", "json"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 0, cli.stderr
        assert {k: v for k, v in json.loads(cli.stdout).items() if k in stats} == stats
        assert stats["records"] == 10_000
        assert stats["distinct_idempotency_keys"] == 10_000
        assert stats["duplicates"] == 0
        assert states(workspace) == {"ACKED": 10_000}
        assert workspace.verify_audit().ok
    finally:
        portal.stop()


def test_crash_sigkill_20_times_exactly_once_and_audit_intact(tmp_path: Path, labsync_home: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    from app.workspace import Workspace

    n = 8000
    with Workspace.open() as ws:
        fill_outbox(ws, tmp_path, n)
    # processing_delay keeps each batch on the wire a little longer, so kills also land mid-request
    portal = run.start_portal(tmp_path / "crash.db", tls_self_signed=True, options={"processing_delay": 0.05})
    rng = random.Random(4)
    env = child_env(portal, labsync_home, LABSYNC_BATCH_SIZE="25")
    kinds = {"before_send": 0, "in_flight": 0, "committed_not_acked": 0, "idle": 0}
    try:

        def sends_so_far() -> int:
            with Workspace.open() as ws:
                return sum(len(list(ws.audit.entries(action=a))) for a in ("send", "retry"))

        for _ in range(20):
            sent_before = sends_so_far()
            child = subprocess.Popen(
                labsync_cmd("sync", "--once", "--quiet"),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.05, 1.4))  # early ones: before any send
            os.kill(child.pid, signal.SIGKILL)
            child.wait(30)
            with Workspace.open() as ws:
                open_sends = ws.open_sends()
                stored = portal_stats(portal)["records"]
                counts = states(ws)
            # a kill can leave several sends open (the pipeline keeps one on the wire while the previous one's
            # outcome is being stored): count each kind of open send it interrupted
            answered = [portal_has_response(portal, a.request_key) for a in open_sends]
            if sends_so_far() == sent_before and counts.get("PENDING"):
                # killed before it sent (or resent) anything: every send and retry is audited before its
                # first byte, so no new send/retry entry means nothing went out
                kinds["before_send"] += 1
            else:
                if any(answered):
                    kinds["committed_not_acked"] += 1
                if not all(answered):
                    kinds["in_flight"] += 1
                if not open_sends:
                    kinds["idle"] += 1
            acked = counts.get("ACKED", 0)
            # the portal may hold more than the workspace acknowledged (committed, ack lost), never less
            assert stored >= acked
            assert portal_stats(portal)["duplicates"] == 0
        print(f"crash kinds: {kinds}")
        assert kinds["committed_not_acked"] >= 1
        assert kinds["in_flight"] >= 1
        assert kinds["before_send"] >= 1
        final = subprocess.run(
            labsync_cmd("sync", "--once", "--quiet"), env=env, capture_output=True, text=True, timeout=600
        )
        assert final.returncode == 0, final.stderr
        stats = portal_stats(portal)
        assert (stats["records"], stats["distinct_idempotency_keys"], stats["duplicates"]) == (n, n, 0)
        with Workspace.open() as ws:
            assert states(ws) == {"ACKED": n}
        verify = subprocess.run(
            labsync_cmd("audit", "verify"), env=env, capture_output=True, text=True, timeout=120
        )
        assert verify.returncode == 0, verify.stdout + verify.stderr
    finally:
        portal.stop()
