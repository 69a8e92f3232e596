"""Audit-chain tamper detection (via ``labsync audit verify``), outbox states, idempotency keys,
quarantine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from fakes import FakeValidation
from hypothesis import given
from hypothesis import strategies as st

from app.cli.main import main
from app.paths import current_paths
from app.validation.violations import Severity, Violation
from app.workspace import OutboxConflict, OutboxState, RecordOutcome, Workspace
from app.workspace._outbox import keys_digest
from app.workspace.canonical import canonical_json, idempotency_key

PASS = "test passphrase, not a secret"


def _sql(*statements: str) -> None:
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(current_paths().workspace_db), isolation_level=None)
    conn.execute(f"PRAGMA key = '{PASS}'")
    for sql in statements:
        conn.execute(sql)
    conn.close()


@pytest.fixture
def history(ws: Workspace, make_csv: Callable[..., Path]) -> int:
    """A workspace with a dozen audit entries; returns how many."""
    batch = ws.import_file(make_csv())
    ids = ws.row_ids(batch.id)
    for i, name in enumerate(["Water (DI)", "Ethanol 96%", "x", "Water 2", "Acetone ACS"]):
        ws.edit_cell(ids[i], "name", name)
    ws.submit(batch.id)
    count = len(list(ws.audit.entries()))
    ws.close()
    return count


def _verify(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify"])
    out = capsys.readouterr()
    return code, (out.out + out.err).strip()


def test_intact_log_verifies(history: int, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = _verify(capsys)
    assert code == 0
    assert text.startswith(f"audit log intact: {history} entries")


DROP = ("DROP TRIGGER audit_no_update", "DROP TRIGGER audit_no_delete")


@pytest.mark.parametrize(
    ("statements", "bad"),
    [
        pytest.param(('UPDATE audit SET after = \'{"value":"forged"}\' WHERE seq = 5',), 5, id="modify"),
        pytest.param(
            ("UPDATE audit SET ts = '2020-01-01T00:00:00.000000+00:00' WHERE seq = 3",),
            3,
            id="modify-timestamp",
        ),
        pytest.param(("DELETE FROM audit WHERE seq = 4",), 4, id="delete-middle"),
        pytest.param(
            ("DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit)",), "last", id="delete-last"
        ),
        pytest.param(("DELETE FROM audit WHERE seq = 1",), 1, id="delete-first"),
        pytest.param(
            (
                "UPDATE audit SET seq = seq + 1000 WHERE seq >= 6",
                "UPDATE audit SET seq = seq - 999 WHERE seq >= 1006",
                "INSERT INTO audit SELECT 6, ts, actor, host, app_version, 'edit', entity, "
                "batch_id, before, after, idempotency_key, prev_hash, entry_hash, hmac FROM audit WHERE "
                "seq = 5",
            ),
            6,
            id="insert",
        ),
        pytest.param(
            (
                "UPDATE audit SET seq = -1 WHERE seq = 5",
                "UPDATE audit SET seq = 5 WHERE seq = 6",
                "UPDATE audit SET seq = 6 WHERE seq = -1",
            ),
            5,
            id="reorder",
        ),
        pytest.param(
            (
                "INSERT INTO audit SELECT max(seq) + 1, ts, actor, host, app_version, action, entity, "
                "batch_id, before, after, idempotency_key, entry_hash, entry_hash, hmac FROM audit",
            ),
            "append",
            id="append",
        ),
    ],
)
def test_tampering_is_detected(
    history: int, statements: tuple[str, ...], bad: int | str, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(*DROP, *statements)
    code, text = _verify(capsys)
    expected = {"last": history, "append": history + 1}.get(str(bad), bad)
    assert code == 1
    assert text.startswith(f"audit log broken at entry {expected}:"), text


def test_rewritten_chain_without_the_hmac_key_is_detected(
    history: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recompute every entry_hash after a modification (what a forger without the audit key can do)."""
    from sqlcipher3 import dbapi2

    from app.workspace.audit import COLUMNS, FIELDS, GENESIS, entry_hash

    conn = dbapi2.connect(str(current_paths().workspace_db), isolation_level=None)
    conn.execute(f"PRAGMA key = '{PASS}'")
    for sql in DROP:
        conn.execute(sql)
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 7")
    prev = GENESIS
    for row in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM audit ORDER BY seq").fetchall():
        fields = dict(zip(COLUMNS, row, strict=True))
        digest = entry_hash(prev, {k: fields[k] for k in FIELDS})
        conn.execute(
            "UPDATE audit SET prev_hash = ?, entry_hash = ? WHERE seq = ?", (prev, digest, fields["seq"])
        )
        prev = digest
    conn.close()
    code, text = _verify(capsys)
    assert code == 1
    assert text.startswith("audit log broken at entry 7: HMAC"), text


def test_audit_is_append_only_by_trigger(ws: Workspace) -> None:
    from app.workspace._db import database_errors

    w = ws._writer
    with pytest.raises(database_errors(), match="append-only"):
        w.execute("UPDATE audit SET actor = 'x' WHERE seq = 1")


def test_audit_export(history: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "audit.jsonl"
    assert main(["audit", "export", "--format", "jsonl", "-o", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == history
    assert lines[0]["seq"] == 1
    assert "hmac" in lines[0]
    assert lines[0]["ts"].endswith("+00:00")
    assert main(["audit", "export", "--format", "csv", "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[0].startswith("seq,ts,actor")


# --- outbox
# ------------------------------------------------------------------------------------------------------


def test_submit_queues_valid_rows_and_keeps_invalid_in_quarantine(
    ws: Workspace, make_csv: Callable[..., Path]
) -> None:
    batch = ws.import_file(make_csv())
    summary = ws.submit(batch.id)
    assert (summary.queued, summary.quarantined, summary.unchanged) == (3, 2, 0)
    entries = ws.outbox()
    assert {e.classification for e in entries} == {"OSHA_INVENTORY"}
    assert all(e.state is OutboxState.PENDING for e in entries)
    first = entries[0]
    assert first.payload == {"record_type": "chem", "cas": "7732-18-5", "name": "Water", "qty": "1"}
    assert first.idempotency_key == idempotency_key(first.source_identity, first.payload)
    assert sorted(r.row_no for r in ws.quarantine(batch.id)) == [4, 5]
    # submitting again is a no-op
    again = ws.submit(batch.id)
    assert (again.queued, again.unchanged) == (0, 3)
    assert len(ws.outbox()) == 3


def test_remediated_row_gets_a_new_key_and_supersedes(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    ws.submit(batch.id)
    ids = ws.row_ids(batch.id)
    old = next(e for e in ws.outbox() if e.row_id == ids[0])
    ws.edit_cell(ids[0], "name", "Water, deionized")
    ws.edit_cell(ids[2], "cas", "50-00-0")
    ws.edit_cell(ids[2], "name", "Formaldehyde")
    summary = ws.submit(batch.id)
    assert (summary.queued, summary.superseded, summary.quarantined) == (2, 1, 1)
    new = next(e for e in ws.outbox() if e.row_id == ids[0])
    assert new.idempotency_key != old.idempotency_key
    assert ws.outbox_entry(old.id).superseded_by == new.id
    assert old.id not in [e.id for e in ws.due_outbox(100, dt.datetime.now(dt.UTC))]
    # the stored key was never recomputed
    assert ws.outbox_entry(old.id).idempotency_key == old.idempotency_key


def test_send_cycle_and_crash_recovery(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    batch = ws.import_file(make_csv())
    ws.submit(batch.id)
    now = dt.datetime.now(dt.UTC)
    due = ws.due_outbox(10, now)
    assert len(due) == 3
    attempt = ws.begin_send([e.id for e in due], "req-1")
    assert [e.state for e in attempt.entries] == [OutboxState.SENDING] * 3
    assert ws.begin_send([e.id for e in due], "req-1").request_key == "req-1"  # harmless repeat
    with pytest.raises(OutboxConflict):
        ws.begin_send([due[0].id], "req-2")
    assert ws.due_outbox(10, now) == []
    # "crash": a new handle finds the open send with the same key
    ws2 = Workspace.open(validation=FakeValidation())
    try:
        [open_send] = ws2.open_sends()
        assert open_send.request_key == "req-1"
        assert len(open_send.entries) == 3
        later = now + dt.timedelta(minutes=5)
        viol = Violation("PORTAL_UNKNOWN_ROOM", Severity.ERROR, None, "name", None, "unknown", "", "")
        applied = ws2.record_results(
            "req-1",
            [
                RecordOutcome(due[0].id, OutboxState.ACKED, record_id="P-1"),
                RecordOutcome(due[1].id, OutboxState.REJECTED, violations=[viol]),
                RecordOutcome(due[2].id, OutboxState.RETRY_WAIT, next_attempt_at=later, error="HTTP 503"),
            ],
        )
        assert (
            applied[OutboxState.ACKED]
            == applied[OutboxState.REJECTED]
            == applied[OutboxState.RETRY_WAIT]
            == 1
        )
        assert ws2.open_sends() == []
        counts = ws2.outbox_counts()
        assert (counts[OutboxState.ACKED], counts[OutboxState.REJECTED], counts[OutboxState.RETRY_WAIT]) == (
            1,
            1,
            1,
        )
        assert ws2.due_outbox(10, now) == []
        assert [e.id for e in ws2.due_outbox(10, later)] == [due[2].id]
        rejected = [r for r in ws2.quarantine(batch.id) if r.outbox_state is OutboxState.REJECTED]
        assert [v.code for v in rejected[0].portal_violations] == ["PORTAL_UNKNOWN_ROOM"]
        # retry: unchanged row is refused; after remediation it gets a new entry and key
        with pytest.raises(OutboxConflict, match="unchanged"):
            ws2.retry(due[1].id)
        ws2.edit_cell(due[1].row_id, "name", "Ethanol (room fixed)")
        new = ws2.retry(due[1].id)
        assert new.state is OutboxState.PENDING
        assert new.idempotency_key != due[1].idempotency_key
        assert ws2.retry(due[2].id).next_attempt_at is not None  # RETRY_WAIT -> due now
        actions = [e.action for e in ws2.audit.entries()]
        assert {"send", "ack", "reject", "retry_wait", "retry"} <= set(actions)
        # bulk audit: one entry per request and action, keyed by the request key, with the members' key hash
        [ack] = ws2.audit.entries(action="ack")
        assert ack.idempotency_key == "req-1"
        assert ack.after is not None
        assert json.loads(ack.after)["keys_sha256"] == keys_digest([due[0].idempotency_key])
        assert json.loads(ack.after)["entry_ids"] == [due[0].id]
        # which record keys went out under which request key stays provable
        assert ws2.sent_under("req-1") == [e.idempotency_key for e in sorted(due, key=lambda e: e.id)]
        assert ws2.audit.verify().ok
    finally:
        ws2.close()


def test_one_outcome_type_shared_with_the_sync_client(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    import app.sync.client as client_module
    from app.sync import store

    # the sync client builds the workspace's own RecordOutcome (no duck-typed Outcome of its own any more)
    assert store.RecordOutcome is RecordOutcome
    assert client_module.RecordOutcome is RecordOutcome
    assert not hasattr(store, "Outcome")
    assert not hasattr(store, "to_workspace")
    batch = ws.import_file(make_csv())
    ws.submit(batch.id)
    [entry, *_] = ws.due_outbox(1, dt.datetime.now(dt.UTC))
    ws.begin_send([entry.id], "k")
    applied = ws.record_results(
        "k",
        [
            RecordOutcome(
                entry.id,
                OutboxState.ACKED,
                record_id="P-9",
                idempotency_key=entry.idempotency_key,
                portal_status="duplicate",
            )
        ],
    )
    assert applied[OutboxState.ACKED] == 1
    assert ws.outbox_entry(entry.id).state is OutboxState.ACKED
    assert ws.outbox_entry(entry.id).portal_ref == "P-9"
    [ack] = ws.audit.entries(action="ack")
    assert ack.after is not None
    assert json.loads(ack.after)["duplicates"] == 1
    with pytest.raises(OutboxConflict, match="does not match"):
        ws.record_results("k", [RecordOutcome(entry.id, OutboxState.ACKED, idempotency_key="other")])


def test_cli_submit_outbox_quarantine_retry(
    labsync_home: Path, fake_cli: None, make_csv: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(make_csv())]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1"
    assert main(["submit", "1"]) == 1  # rows left in quarantine
    assert main(["outbox", "--state", "pending"]) == 0
    assert len([x for x in capsys.readouterr().out.splitlines() if "PENDING  " in x]) == 3
    assert main(["quarantine", "--batch", "1"]) == 1
    assert "2 rows in quarantine" in capsys.readouterr().out
    assert main(["retry", "1"]) == 2  # PENDING: nothing to retry
    assert main(["retry", "--all-rejected"]) == 0
    capsys.readouterr()
    assert main(["show", "1", "--invalid", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [r["row"] for r in shown["rows"]] == [4, 5]


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.text()
        | st.decimals(allow_nan=False, allow_infinity=False)
        | st.dates(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=10,
    )
)
def test_canonical_json_is_stable(value: object) -> None:
    text = canonical_json(value)
    assert canonical_json(json.loads(text)) == text  # a fixed point: re-canonicalizing changes nothing


def test_canonical_json_rules() -> None:
    assert (
        canonical_json({"b": Decimal("1.50"), "a": dt.date(2026, 1, 2), "c": "e\u0301"})
        == '{"a":"2026-01-02","b":"1.50","c":"\u00e9"}'
    )
    assert idempotency_key("s", {"x": 1}) == idempotency_key("s", {"x": 1})
    assert idempotency_key("s", {"x": 1}) != idempotency_key("t", {"x": 1})


def test_source_identity_template_is_canonical_json(ws: Workspace, make_csv: Callable[..., Path]) -> None:
    from app.workspace._outbox import source_identity

    batch = ws.import_file(make_csv())
    for row in (2, 17, 1_000_001):
        expected = canonical_json(
            {
                "source_sha256": batch.source_sha256,
                "sheet": batch.sheet or "",
                "row": row,
                "record_type": batch.record_type,
            }
        )
        assert source_identity(batch, row) == expected


def test_audit_verify_proves_which_record_keys_went_under_which_request_key(
    ws: Workspace, make_csv: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from sqlcipher3 import dbapi2

    batch = ws.import_file(make_csv())
    ws.submit(batch.id)
    due = ws.due_outbox(10, dt.datetime.now(dt.UTC))
    ws.begin_send([e.id for e in due], "req-proof")
    assert ws.verify_sends() is None
    ws.close()
    assert main(["audit", "verify"]) == 0
    # rewrite the request's member list (the audit chain itself is untouched): verify names the request
    conn = dbapi2.connect(str(current_paths().workspace_db), isolation_level=None)
    conn.execute(f"PRAGMA key = '{os.environ['LABSYNC_PASSPHRASE']}'")
    conn.execute(
        "UPDATE send_attempts SET entry_ids = ? WHERE request_key = 'req-proof'",
        (json.dumps([e.id for e in due][:-1]),),
    )
    conn.close()
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert "req-proof" in capsys.readouterr().err
    with (
        Workspace.open(validation=FakeValidation()) as again,
        pytest.raises(OutboxConflict, match="do not match"),
    ):
        again.sent_under("req-proof")
