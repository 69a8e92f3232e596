"""The sync client against the real reference portal on 127.0.0.1 over real TLS, with a real workspace."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sync import wire
from app.sync.auth import MemoryTokenStore, Token
from app.sync.client import SyncClient
from app.sync.errors import AuthError, PortalUnavailable, ProtocolError, TLSRefused
from app.validation.violations import Severity, Violation

from .conftest import tls12_only_portal
from .harness import child_env, client_for, fill_outbox, labsync_cmd, settings_for, states


def stats(portal: Any) -> dict[str, Any]:
    from app.portal.store import portal_stats

    return portal_stats(portal.db_path)


def test_first_sync_acks_everything_and_audits_each_step(workspace: Any, portal: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 1200)
    with client_for(workspace, portal) as client:
        report = client.sync_once()
    assert report.done
    assert report.accepted == 1200
    assert report.requests == 3
    assert states(workspace) == {"ACKED": 1200}
    s = stats(portal)
    assert (s["records"], s["distinct_idempotency_keys"], s["duplicates"]) == (1200, 1200, 0)
    actions = [e.action for e in workspace.audit.entries()]
    assert actions.count("send") == 3  # one per request, naming its entries and the request key
    assert actions.count("ack") == 3  # one per request (bulk), with the hash of the member keys
    acked = sum(json.loads(e.after)["entries"] for e in workspace.audit.entries(action="ack"))
    assert acked == 1200
    for key in {e.request_key for e in workspace.outbox()}:  # per-record traceability: keys per request
        assert len(workspace.sent_under(key)) in (500, 200)
    assert workspace.verify_audit().ok


def test_replaying_the_same_batch_100_times_adds_nothing(workspace: Any, portal: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 50)
    with client_for(workspace, portal) as client:
        assert client.sync_once().done
        acked = workspace.outbox(state="ACKED")
        key = acked[0].request_key
        body = wire.batch_body(acked, client.lab())
        headers = {"Idempotency-Key": wire.structured_key(key), "Content-Type": "application/json"}
        first = None
        for _ in range(100):
            response = client.http.post(wire.BATCH_PATH, content=body, headers=headers, auth=client.auth)
            assert response.status_code == 200
            assert response.headers["Idempotent-Replayed"] == "true"
            first = first or response.json()
            assert response.json() == first
        # the client's own resend path (same key, same entries) is a no-op for the workspace too
        report = SyncClient.__new__(SyncClient)  # noqa: F841 - keep mypy quiet about unused names
        from app.sync.client import SyncReport

        rep = SyncReport()
        for _ in range(3):
            client._deliver(key, acked, rep)
        assert rep.replayed == 3
        # a fresh request key with the same records: every record is a duplicate, nothing is stored twice
        fresh = client.http.post(
            wire.BATCH_PATH,
            content=body,
            auth=client.auth,
            headers={**headers, "Idempotency-Key": '"another-request-key"'},
        )
        assert {r["status"] for r in fresh.json()["results"]} == {"duplicate"}
        # same key, different payload: 422, and the client calls it a bug instead of retrying
        changed = json.loads(body)
        changed["records"][0]["payload"]["chemical_name"] = "something else"
        bad = client.http.post(
            wire.BATCH_PATH, content=wire.canonical_bytes(changed), headers=headers, auth=client.auth
        )
        assert bad.status_code == 422
        assert wire.problem_code(bad.json()) == wire.PROBLEM_KEY_REUSED
    s = stats(portal)
    assert (s["records"], s["duplicates"]) == (50, 0)
    assert states(workspace) == {"ACKED": 50}


def test_same_key_with_a_different_body_raises_protocol_error(
    workspace: Any, portal: Any, tmp_path: Path
) -> None:
    fill_outbox(workspace, tmp_path, 4)
    with client_for(workspace, portal) as client:
        due = workspace.due_outbox(2, dt.datetime.now(dt.UTC))
        workspace.begin_send([e.id for e in due], "lsb-reused")
        client.http.post(
            wire.BATCH_PATH,
            auth=client.auth,
            content=wire.batch_body(due[:1], "LAB-A"),
            headers={"Idempotency-Key": '"lsb-reused"', "Content-Type": "application/json"},
        )
        with pytest.raises(ProtocolError, match="different body"):
            client.sync_once()


class RejectBanned:
    """A portal-side rule the local policy does not have: chemicals named 'Banned ...' are refused."""

    policy_version = "test-policy"

    def check(self, record_type: str, payload: Mapping[str, Any], as_of: dt.date) -> list[Violation]:
        if str(payload.get("chemical_name", "")).startswith("Banned"):
            return [
                Violation(
                    "CHEMICAL_NOT_APPROVED",
                    Severity.ERROR,
                    None,
                    "chemical_name",
                    str(payload["chemical_name"]),
                    "not approved at this institution",
                    "use an approved substitute",
                    "Institutional policy 4.2",
                )
            ]
        return []


def test_policy_rejections_land_on_their_rows_and_remediation_goes_through(
    workspace: Any, tmp_path: Path
) -> None:
    run = pytest.importorskip("app.portal.run")
    portal = run.start_portal(tmp_path / "p.db", tls_self_signed=True, checker=RejectBanned())
    try:
        banned = {3: "Banned solvent", 7: "Banned acid"}
        fill_outbox(workspace, tmp_path, 10, names=banned)
        with client_for(workspace, portal) as client:
            report = client.sync_once()
            assert report.done
            assert (report.accepted, report.rejected) == (8, 2)
            rejected = workspace.outbox(state="REJECTED")
            assert len(rejected) == 2
            rows = workspace.rows_by_id([e.row_id for e in rejected])
            # data row i is file row i + 2 (header is row 1)
            assert sorted(r.row_no for r in rows) == [5, 9]
            for entry, row in zip(rejected, rows, strict=True):
                (violation,) = entry.portal_violations
                assert violation.code == "CHEMICAL_NOT_APPROVED"
                assert violation.row == row.row_no
                assert violation.field == "chemical_name"
            assert {r.id for r in workspace.quarantine()} == {r.id for r in rows}
            # remediation: edit the cell, re-queue -> a new record key, which the portal accepts
            old_keys = {e.idempotency_key for e in rejected}
            for row in rows:
                workspace.edit_cell(row.id, "chemical_name", "Approved substitute")
            assert workspace.retry_all_rejected()["requeued"] == 2
            pending = workspace.outbox(state="PENDING")
            assert len(pending) == 2
            assert not old_keys & {e.idempotency_key for e in pending}
            again = client.sync_once()
            assert (again.accepted, again.rejected, again.remaining) == (2, 0, 0)
        actions = [e.action for e in workspace.audit.entries()]
        # bulk audit: one reject entry for the request, naming each rejected entry with its codes
        [reject] = workspace.audit.entries(action="reject")
        assert len(json.loads(reject.after)["rejected"]) == 2
        assert all(r["codes"] for r in json.loads(reject.after)["rejected"])
        assert actions.count("retry") == 2  # the two user retries after remediation
        assert sum(json.loads(e.after)["entries"] for e in workspace.audit.entries(action="ack")) == 10
        assert stats(portal)["records"] == 10
        assert workspace.verify_audit().ok
    finally:
        portal.stop()


def test_401_refreshes_once_against_the_real_portal(workspace: Any, portal: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 3)
    store = MemoryTokenStore(Token("not-a-valid-token", expires_at=None))
    client = SyncClient(workspace, settings_for(portal), token_store=store)
    with client:
        assert client.sync_once().done
    assert client.tokens.grants == 1  # one new token after the 401, then the batch went through
    assert store.load() is not None
    assert store.load().access_token != "not-a-valid-token"  # type: ignore[union-attr]


def test_wrong_client_secret_is_an_auth_error(workspace: Any, portal: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 2)
    with (
        client_for(workspace, portal, settings_changes={"client_secret": "wrong"}) as client,
        pytest.raises(AuthError, match="invalid_client"),
    ):
        client.sync_once()


def test_tls12_only_portal_is_refused_by_default(workspace: Any, pki: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 2)
    portal = tls12_only_portal(tmp_path, pki)
    try:
        settings = settings_for(portal, ca_bundle=pki.ca_bundle)
        with (
            SyncClient(workspace, settings, token_store=MemoryTokenStore()) as client,
            pytest.raises(TLSRefused, match="TLS handshake"),
        ):
            client.sync_once()
        # an institution that accepts TLS 1.2 says so explicitly
        settings12 = settings_for(portal, ca_bundle=pki.ca_bundle, min_tls_version="1.2")
        with SyncClient(workspace, settings12, token_store=MemoryTokenStore()) as client:
            assert client.sync_once().done
    finally:
        portal.stop()


def test_untrusted_certificate_is_refused(workspace: Any, portal: Any, tmp_path: Path) -> None:
    fill_outbox(workspace, tmp_path, 1)
    with (
        client_for(workspace, portal, settings_changes={"ca_bundle": None}) as client,
        pytest.raises(TLSRefused, match="verify"),
    ):
        client.sync_once()


def test_mutual_tls_works_with_a_client_certificate_and_not_without(
    workspace: Any, pki: Any, tmp_path: Path, labsync_home: Path
) -> None:
    run = pytest.importorskip("app.portal.run")
    fill_outbox(workspace, tmp_path, 5)
    portal = run.start_portal(
        tmp_path / "mtls.db", tls_cert=pki.server.cert, tls_key=pki.server.key, client_ca=pki.ca_bundle
    )
    try:
        no_cert = settings_for(portal, ca_bundle=pki.ca_bundle, max_attempts=2, breaker_threshold=2)
        # the TLS 1.3 alert "certificate required": a configuration error (exit 2), not an outage
        with (
            SyncClient(workspace, no_cert, token_store=MemoryTokenStore(), sleep=lambda s: None) as client,
            pytest.raises(TLSRefused, match="requires a client certificate") as refused,
        ):
            client.sync_once()
        assert refused.value.exit_code == 2
        assert len(str(refused.value).splitlines()) == 1
        assert stats(portal)["records"] == 0
        # the CLI: exit 2 with one line naming the cause
        done = subprocess.run(
            labsync_cmd("sync", "--once"),
            env=child_env(portal, labsync_home, LABSYNC_CA_BUNDLE=str(pki.ca_bundle)),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert "requires a client certificate" in done.stderr
        with_cert = settings_for(
            portal, ca_bundle=pki.ca_bundle, client_cert=pki.client.cert, client_key=pki.client.key
        )
        with SyncClient(workspace, with_cert, token_store=MemoryTokenStore()) as client:
            # the earlier attempt left the records in RETRY_WAIT; they are due once their time has come
            client._now = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
            assert client.sync_once().done
        assert stats(portal)["records"] == 5
    finally:
        portal.stop()


def test_offline_records_stay_queued_and_watch_resumes_by_itself(
    workspace: Any, pki: Any, tmp_path: Path
) -> None:
    run = pytest.importorskip("app.portal.run")
    fill_outbox(workspace, tmp_path, 20)
    tls = {"tls_cert": pki.server.cert, "tls_key": pki.server.key}
    portal = run.start_portal(tmp_path / "p.db", **tls)
    url, ca = portal.url, pki.ca_bundle
    port = portal.port
    portal.stop()  # the portal is down
    settings = settings_for(
        portal,
        ca_bundle=ca,
        backoff_base=0.01,
        backoff_cap=0.05,
        breaker_cooldown=0.2,
        watch_interval=0.2,
        max_attempts=3,
        breaker_threshold=3,
    )
    client = SyncClient(workspace, settings, token_store=MemoryTokenStore())
    first = client.sync_once()
    assert (first.done, first.remaining) == (False, 20)
    assert set(states(workspace)) == {"RETRY_WAIT"}
    # parked in bulk (one entry for the request), and every retry inside the run audited on its own
    [parked] = workspace.audit.entries(action="retry_wait")
    assert json.loads(parked.after)["entries"] == 20
    retries = [json.loads(e.after) for e in workspace.audit.entries(action="retry")]
    assert [r["attempt"] for r in retries] == [2, 3]
    assert all(r["reason"] for r in retries)
    reports: list[Any] = []
    import threading

    stop = threading.Event()

    def on_report(report: Any) -> None:
        reports.append(report)
        if len(reports) == 2:  # the portal comes back on the same address
            restarted.append(run.start_portal(tmp_path / "p.db", port=port, **tls))
        if report.done:
            stop.set()

    restarted: list[Any] = []
    thread = threading.Thread(target=client.watch, kwargs={"stop": stop, "on_report": on_report}, daemon=True)
    thread.start()
    thread.join(60)
    try:
        assert not thread.is_alive()
        assert reports[-1].done
        assert states(workspace) == {"ACKED": 20}
        assert url == restarted[0].url
    finally:
        client.close()
        for p in restarted:
            p.stop()


def test_pull_stores_reference_data_with_etags_and_reconcile_reports_mismatches(
    workspace: Any, portal: Any, tmp_path: Path
) -> None:
    fill_outbox(workspace, tmp_path, 30)
    with client_for(workspace, portal) as client:
        assert client.sync_once().done
        first = client.pull()
        assert all(r.changed for r in first.kinds.values())
        assert first.kinds["awards"].items > 0
        assert workspace.reference_data("locations")["items"]
        from app.sync.reference import reference_for_validation

        reference = reference_for_validation(workspace)
        location = workspace.reference_data("locations")["items"][0]
        assert reference.knows_location(location["building"], location["room"])
        assert not reference.knows_location("No Such Building", "1")
        award = workspace.reference_data("awards")["items"][0]["award_number"]
        assert reference.knows_award(award)
        assert not reference.knows_award("NSF-0000000-NOPE")
        again = client.pull()
        assert not any(r.changed for r in again.kinds.values())
        assert all(r.not_modified == r.pages for r in again.kinds.values())
        assert again.policy_note == "unchanged"
        clean = client.reconcile()
        assert (clean.matched, clean.mismatches) == (30, [])
        # tamper with the portal's copy of one record: reconcile reports it and changes nothing
        victim = workspace.outbox(state="ACKED")[4]
        with portal.store.transaction() as conn:
            conn.execute(
                "UPDATE records SET payload_hash = ? WHERE idempotency_key = ?",
                ("0" * 64, victim.idempotency_key),
            )
        before = states(workspace)
        report = client.reconcile()
        assert [(m.kind, m.idempotency_key) for m in report.mismatches] == [
            ("hash_mismatch", victim.idempotency_key)
        ]
        assert states(workspace) == before


def test_cli_exit_codes(workspace: Any, portal: Any, tmp_path: Path, labsync_home: Path) -> None:
    fill_outbox(workspace, tmp_path, 25)
    workspace.close()
    env = child_env(portal, labsync_home)
    done = subprocess.run(
        labsync_cmd("sync", "--once", "--format", "json"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["remaining"] == 0
    # nothing left: still 0
    assert (
        subprocess.run(labsync_cmd("sync", "--once"), env=env, capture_output=True, timeout=120).returncode
        == 0
    )
    # configuration error: 2 with one line
    bad = subprocess.run(
        labsync_cmd("sync", "--once"),
        env={**env, "LABSYNC_PORTAL_URL": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    # records queued, then a wrong secret: 2 (the secret never printed)
    from app.workspace import Workspace

    with Workspace.open() as ws:
        fill_outbox(ws, tmp_path, 5, start=1000)
    auth = subprocess.run(
        labsync_cmd("sync", "--once"),
        env={**env, "LABSYNC_CLIENT_SECRET": "nope"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert auth.returncode == 2, auth.stderr
    assert "invalid_client" in auth.stderr
    assert "nope" not in auth.stderr
    # records queued and the portal unreachable: 1
    down = subprocess.run(
        labsync_cmd("sync", "--once"),
        env={**env, "LABSYNC_PORTAL_URL": "https://127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert down.returncode == 1, down.stderr
    assert "remain queued" in down.stderr
    # the portal is back (and the retry time has come): everything goes, exactly once
    from app.workspace import Workspace as W

    with W.open() as ws:
        for entry in ws.outbox(state="RETRY_WAIT"):
            ws.retry(entry.id)  # due now
    final = subprocess.run(
        labsync_cmd("sync", "--once"), env=env, capture_output=True, text=True, timeout=120
    )
    assert final.returncode == 0, final.stderr
    assert stats(portal)["records"] == 30
    verify = subprocess.run(
        labsync_cmd("audit", "verify"), env=env, capture_output=True, text=True, timeout=120
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_portal_unavailable_is_exit_1() -> None:
    assert PortalUnavailable.exit_code == 1
    assert AuthError.exit_code == 2
    assert TLSRefused.exit_code == 2
    assert isinstance(httpx.ConnectError("x"), httpx.TransportError)


def test_cli_login_pull_reconcile(workspace: Any, portal: Any, tmp_path: Path, labsync_home: Path) -> None:
    fill_outbox(workspace, tmp_path, 12)
    workspace.close()
    env = child_env(portal, labsync_home)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(labsync_cmd(*args), env=env, capture_output=True, text=True, timeout=120)

    login = cli("login")
    assert login.returncode == 0, login.stderr
    assert "signed in" in login.stdout
    assert portal.client_secret not in login.stdout + login.stderr
    assert cli("sync", "--once", "--quiet").returncode == 0
    pull = cli("pull", "--format", "json")
    assert pull.returncode == 0, pull.stderr
    assert json.loads(pull.stdout)["reference"]["awards"]["items"] > 0
    rec = cli("reconcile", "--format", "json")
    assert rec.returncode == 0, rec.stderr
    assert json.loads(rec.stdout)["matched"] == 12
    assert cli("logout").returncode == 0


def test_newer_portal_policy_pack_replaces_the_bundled_one(workspace: Any, tmp_path: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    from app.sync.reference import installed_policy_path, is_newer, policy_file_for_validation
    from app.validation.policy import bundled_policy_path, load_policy

    bundled = load_policy().version
    newer = tmp_path / "policy-newer.toml"
    newer.write_text(
        bundled_policy_path().read_text("utf-8").replace(f'version = "{bundled}"', 'version = "2099.1.0"', 1),
        "utf-8",
    )
    assert policy_file_for_validation() is None
    portal = run.start_portal(tmp_path / "p.db", tls_self_signed=True, policy_file=newer)
    try:
        with client_for(workspace, portal) as client:
            report = client.pull()
            assert report.policy_installed, report.policy_note
            assert report.policy_version == "2099.1.0"
            assert policy_file_for_validation() == installed_policy_path()
            assert load_policy(installed_policy_path()).version == "2099.1.0"
            assert workspace.reference_data("policy")["version"] == "2099.1.0"
            assert client.pull().policy_note == "unchanged"  # ETag: 304
    finally:
        portal.stop()
    assert is_newer("2026.12", "2026.11.1")
    assert not is_newer("2026.11.1", "2026.11.1")
    assert is_newer("2026.11.10", "2026.11.9")


def test_pull_walks_every_page_through_a_rate_limit(workspace: Any, tmp_path: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    from app.sync.reference import pull_reference

    portal = run.start_portal(tmp_path / "p.db", tls_self_signed=True, rate_limit=8)
    try:
        with client_for(workspace, portal, settings_changes={"max_attempts": 20}) as client:
            report = pull_reference(client, page_size=10)
            awards = report.kinds["awards"]
            assert awards.pages >= 10
            assert awards.items == len(
                {a["award_number"] for a in workspace.reference_data("awards")["items"]}
            )
            again = pull_reference(client, page_size=10)
            assert again.kinds["awards"].not_modified == again.kinds["awards"].pages
    finally:
        portal.stop()


def test_cli_watch_syncs_and_stops_on_sigterm(
    workspace: Any, portal: Any, tmp_path: Path, labsync_home: Path
) -> None:
    import signal
    import time

    fill_outbox(workspace, tmp_path, 40)
    workspace.close()
    env = child_env(portal, labsync_home)
    child = subprocess.Popen(
        labsync_cmd("sync", "--watch", "--format", "json"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while stats(portal)["records"] < 40 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stats(portal)["records"] == 40
    finally:
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    first = json.loads(out.splitlines()[0])
    assert first["acked"] == 40
    assert first["remaining"] == 0
