"""A batch parked in RETRY_WAIT keeps its request Idempotency-Key and body until it is resolved, across
restarts; every retry is audited (issue 4). Against the real reference portal over TLS."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.sync import wire

from .harness import child_env, client_for, fill_outbox, labsync_cmd, states

BATCH = wire.BATCH_PATH


def portal_request_keys(portal: Any) -> list[str]:
    conn = sqlite3.connect(f"file:{portal.db_path}?mode=ro", uri=True, timeout=30)
    try:
        return [r[0] for r in conn.execute("SELECT request_key FROM idempotency ORDER BY created_at")]
    finally:
        conn.close()


def records_per_key(portal: Any) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{portal.db_path}?mode=ro", uri=True, timeout=30)
    try:
        return dict(conn.execute("SELECT idempotency_key, count(*) FROM records GROUP BY idempotency_key"))
    finally:
        conn.close()


@pytest.fixture
def faulty_portal(tmp_path: Path) -> Any:
    """The reference portal with fault injection on, steered by the test: ``running.script`` lists the fault
    of each coming batch POST ("500_after_commit", "503", ...); nothing else is faulted."""
    run = pytest.importorskip("app.portal.run")
    running = run.start_portal(tmp_path / "portal.db", tls_self_signed=True, fault_rate=1.0, fault_seed=1)
    script: list[str] = []
    injector = running.faults
    assert injector is not None

    def draw(path: str) -> str | None:
        if path == BATCH and script:
            kind = script.pop(0)
            injector.log.append((path, kind))
            return kind
        return None

    injector.draw = draw  # type: ignore[method-assign]
    running.script = script
    try:
        yield running
    finally:
        running.stop()


def test_parked_batch_keeps_its_request_key_across_a_restart(
    workspace: Any, faulty_portal: Any, tmp_path: Path, labsync_home: Path
) -> None:
    portal = faulty_portal
    fill_outbox(workspace, tmp_path, 30)
    # every send of this run is committed by the portal and then answered 500 (the ack is lost)
    portal.script[:] = ["500_after_commit"] * 3
    changes = {"max_attempts": 3, "backoff_base": 0.001, "backoff_cap": 0.002, "breaker_threshold": 50}
    with client_for(workspace, portal, settings_changes=changes, sleep=lambda s: None) as client:
        report = client.sync_once()
    assert report.remaining == 30
    assert report.deferred == 30
    assert states(workspace) == {"RETRY_WAIT": 30}
    [key] = {e.request_key for e in workspace.outbox()}
    assert key is not None  # parked IN its request, not detached
    assert portal_request_keys(portal) == [key]  # the portal committed it under that key, once
    # each retry inside the run was audited with the request key, its number and the reason
    retries = [e for e in workspace.audit.entries(action="retry") if e.idempotency_key == key]
    assert [json.loads(e.after)["attempt"] for e in retries] == [2, 3]
    assert all("HTTP 500" in json.loads(e.after)["reason"] for e in retries)
    [parked] = workspace.audit.entries(action="retry_wait")
    assert json.loads(parked.after)["parked_in_request"] == 30
    sent_before = workspace.sent_under(key)
    workspace.close()

    # a new process (restart) with the portal healthy again: the SAME key and body go out, the portal
    # replays its stored answer, nothing is stored twice
    done = subprocess.run(
        labsync_cmd("sync", "--once", "--format", "json"),
        env=child_env(portal, labsync_home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["replayed"] == 1
    assert out["resumed"] == 30
    assert out["remaining"] == 0

    from app.workspace import Workspace

    with Workspace.open() as ws:
        assert states(ws) == {"ACKED": 30}
        assert {e.request_key for e in ws.outbox()} == {key}
        assert ws.sent_under(key) == sent_before
        sends = ws.audit.entries(action="send")
        assert [e.idempotency_key for e in sends] == [key]  # never a second request key for these records
        after_restart = [
            json.loads(e.after) for e in ws.audit.entries(action="retry") if e.idempotency_key == key
        ]
        assert after_restart[-1]["attempt"] == 4
        assert after_restart[-1]["reason"].startswith("due again")
        [ack] = ws.audit.entries(action="ack")
        assert ack.idempotency_key == key
        assert json.loads(ack.after)["entries"] == 30
        assert ws.verify_audit().ok
        # the audit text holds no secret
        text = "".join((e.after or "") + (e.before or "") for e in ws.audit.entries())
        assert portal.client_secret not in text
    assert portal_request_keys(portal) == [key]  # only ever the one key
    assert set(records_per_key(portal).values()) == {1}
    assert len(records_per_key(portal)) == 30


def test_remediated_row_waits_for_its_parked_request(
    workspace: Any, faulty_portal: Any, tmp_path: Path
) -> None:
    """A parked entry may already be on the portal: a remediation of its row is not sent before the parked
    request is resolved (a newer payload never overtakes an older one in the air)."""
    portal = faulty_portal
    batch_id = fill_outbox(workspace, tmp_path, 4)
    portal.script[:] = ["500"]
    changes = {"max_attempts": 1, "backoff_base": 0.001, "backoff_cap": 0.002}
    with client_for(workspace, portal, settings_changes=changes, sleep=lambda s: None) as client:
        assert client.sync_once().remaining == 4
        [key] = {e.request_key for e in workspace.outbox()}
        first = workspace.outbox()[0]
        workspace.edit_cell(first.row_id, "chemical_name", "Water sample remediated")
        summary = workspace.submit(batch_id)
        assert summary.queued == 1
        assert summary.superseded == 0
        assert workspace.due_outbox(10, dt.datetime.now(dt.UTC) + dt.timedelta(days=1)) == []
        resolved = client.sync_once()  # the parked request, under its key
        assert resolved.acked == 4
        assert resolved.remaining == 1
        assert client.sync_once().done  # then the remediated row, in a new request
    sends = [e.idempotency_key for e in workspace.audit.entries(action="send")]
    assert sends[0] == key
    assert len(sends) == 2
    assert states(workspace) == {"ACKED": 5}
