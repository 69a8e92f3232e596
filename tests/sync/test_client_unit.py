"""SyncClient against an in-memory outbox and a MockTransport portal: retries, keys, rejections, 401."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from app.sync.auth import MemoryTokenStore, Token
from app.sync.client import SyncClient
from app.sync.errors import AuthError, ProtocolError
from app.sync.settings import SyncSettings

from .fakes import FakeOutbox, FakePortal

SETTINGS = SyncSettings(
    portal_url="https://portal.test",
    client_id="cli",
    client_secret="s3cret",
    batch_size=500,
    max_attempts=6,
    breaker_threshold=5,
)


def make(outbox: FakeOutbox, portal: FakePortal, **kw: object) -> tuple[SyncClient, list[float]]:
    sleeps: list[float] = []
    settings = kw.pop("settings", SETTINGS)
    client = SyncClient(
        outbox,
        settings,
        portal.transport(),
        token_store=kw.pop("store", MemoryTokenStore()),
        sleep=sleeps.append,
        jitter=lambda lo, hi: hi,
        **kw,
    )  # type: ignore[arg-type]
    return client, sleeps


def test_drains_in_batches_and_acks_everything() -> None:
    outbox, portal = FakeOutbox(1200), FakePortal()
    client, _ = make(outbox, portal)
    seen: list[tuple[int, int]] = []
    report = client.sync_once(progress=lambda d, t: seen.append((d, t)))
    assert report.done
    assert report.acked == 1200
    assert report.accepted == 1200
    assert [len(__import__("json").loads(r.content)["records"]) for r in portal.batch_requests()] == [
        500,
        500,
        200,
    ]
    assert outbox.states() == {"ACKED": 1200}
    assert seen[0] == (0, 1200)
    assert seen[-1] == (1200, 1200)
    # one send and one ack audited per record, under the batch's request key
    assert sum(1 for a in outbox.audit if a[0] == "send") == 1200
    assert sum(1 for a in outbox.audit if a[0] == "ack") == 1200


def test_retries_reuse_the_same_key_and_body_with_backoff_and_retry_after_floor() -> None:
    outbox, portal = FakeOutbox(10), FakePortal()
    portal.script = [503, httpx.ConnectError("down"), 500, 429, None]
    client, sleeps = make(outbox, portal)
    report = client.sync_once()
    assert report.done
    assert report.retries == 4
    sends = portal.batch_requests()
    assert len(sends) == 5
    assert len({r.headers["Idempotency-Key"] for r in sends}) == 1
    assert len({r.content for r in sends}) == 1
    assert sends[0].headers["Idempotency-Key"].startswith('"')
    assert sends[0].headers["Idempotency-Key"].endswith('"')
    # pinned jitter (the top of the window): 0.5, 1, 2, 4; Retry-After: 2 is a floor for the 503 and the 429
    assert sleeps == [2.0, 1.0, 2.0, 4.0]


def test_answer_lost_after_commit_is_replayed_not_duplicated() -> None:
    outbox, portal = FakeOutbox(5), FakePortal()
    portal.script = [1500]
    client, _ = make(outbox, portal)
    report = client.sync_once()
    assert report.done
    assert report.replayed == 1
    assert len(portal.records) == 5
    assert outbox.states() == {"ACKED": 5}


def test_crash_leftover_send_is_resumed_with_its_own_key_first() -> None:
    outbox, portal = FakeOutbox(8), FakePortal()
    outbox.begin_send([1, 2, 3], "lsb-before-the-crash")
    client, _ = make(outbox, portal)
    report = client.sync_once()
    assert report.resumed == 3
    assert report.done
    first = portal.batch_requests()[0]
    assert first.headers["Idempotency-Key"] == '"lsb-before-the-crash"'
    assert [r["idempotency_key"] for r in __import__("json").loads(first.content)["records"]] == [
        outbox.entries[i].idempotency_key for i in (1, 2, 3)
    ]


def test_policy_rejections_land_on_their_rows_and_are_not_retried() -> None:
    outbox, portal = FakeOutbox(4), FakePortal()
    portal.reject[outbox.entries[3].idempotency_key] = "CAS_CHECKSUM"
    client, _ = make(outbox, portal)
    report = client.sync_once()
    assert report.done
    assert report.rejected == 1
    assert report.acked == 3
    entry = outbox.entries[3]
    assert entry.state == "REJECTED"
    assert [(v.code, v.row, v.field) for v in entry.violations] == [("CAS_CHECKSUM", entry.row, "cas")]
    assert len(portal.batch_requests()) == 1
    # remediation: a new payload means a new record key, which goes through
    portal.reject.clear()
    fixed = outbox.add(99, {"name": "chem 3 fixed", "lab": "LAB-A"})
    assert fixed.idempotency_key != entry.idempotency_key
    assert client.sync_once().accepted == 1
    assert fixed.state == "ACKED"


def test_unreachable_portal_keeps_records_queued_and_opens_the_breaker() -> None:
    outbox, portal = FakeOutbox(3), FakePortal()
    portal.script = [httpx.ConnectError("offline")] * 50
    clock = [0.0]
    client, sleeps = make(outbox, portal, clock=lambda: clock[0])
    report = client.sync_once()
    assert not report.done
    assert report.remaining == 3
    assert report.circuit_open
    assert "circuit open" in (report.reason or "") or "attempts" in (report.reason or "")
    assert outbox.states() == {"RETRY_WAIT": 3}
    assert len(sleeps) == 4  # five failures open the breaker (threshold 5)
    # the portal comes back; after the cooldown and the retry time the same records go through
    portal.script = []
    clock[0] += 31
    import datetime as dt

    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    client._now = lambda: later
    report = client.sync_once()
    assert report.done
    assert outbox.states() == {"ACKED": 3}


def test_401_refreshes_once_then_gives_up() -> None:
    outbox, portal = FakeOutbox(2), FakePortal()
    portal.refresh_tokens.add("rt-0")
    store = MemoryTokenStore(Token("stale-access", expires_at=None, refresh_token="rt-0"))
    client, _ = make(
        outbox,
        portal,
        store=store,
        settings=SyncSettings(portal_url="https://portal.test", client_id="desktop"),
    )
    report = client.sync_once()
    assert report.done
    grants = [f["grant_type"] for f in portal.token_requests]
    assert grants == ["refresh_token"]  # exactly one refresh, rotation kept the new refresh token
    assert store.load() is not None
    assert store.load().refresh_token == "rt-1"
    # a portal that keeps refusing: one refresh, then an auth error (exit 2), records stay SENDING for later
    outbox.add(50)
    portal.always_401 = True
    with pytest.raises(AuthError):
        client.sync_once()
    assert [f["grant_type"] for f in portal.token_requests] == ["refresh_token", "refresh_token"]
    assert outbox.entries[50].state == "SENDING"


def test_refresh_before_expiry_and_client_credentials() -> None:
    outbox, portal = FakeOutbox(1), FakePortal()
    store = MemoryTokenStore(Token("old", expires_at=0.0))  # expired, no refresh token
    client, _ = make(outbox, portal, store=store)
    assert client.sync_once().done
    assert [f["grant_type"] for f in portal.token_requests] == ["client_credentials"]
    assert portal.batch_requests()[0].headers["Authorization"] == "Bearer at-1"


def test_same_key_different_body_is_a_client_bug() -> None:
    outbox, portal = FakeOutbox(2), FakePortal()
    client, _ = make(outbox, portal)
    client.sync_once()
    outbox.add(3)
    outbox.begin_send([3], next(iter(portal.stored)))  # reuse an old request key for other records
    with pytest.raises(ProtocolError, match="different body"):
        client.sync_once()


def test_tokens_and_secrets_are_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    outbox, portal = FakeOutbox(3), FakePortal()
    portal.script = [500, None]
    client, _ = make(outbox, portal)
    client.sync_once()
    text = caplog.text + repr(client.settings) + repr(client.tokens.current())
    assert "s3cret" not in text
    assert "at-1" not in text


def test_pipelined_drain_persists_each_key_before_its_request_and_acks_after_the_answer() -> None:
    outbox, portal = FakeOutbox(2000), FakePortal()
    by_key = {e.idempotency_key: e for e in outbox.entries.values()}
    seen: list[tuple[str, set[str]]] = []
    handle = portal.handle

    def checking(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(":batch"):
            key = request.headers["Idempotency-Key"].strip('"')
            records = json.loads(request.content)["records"]
            entries = [by_key[r["idempotency_key"]] for r in records]
            seen.append((key, {e.state for e in entries}))
            assert all(e.request_key == key for e in entries)  # persisted before the first byte
        return handle(request)

    portal.handle = checking  # type: ignore[method-assign]
    client, _ = make(
        outbox,
        portal,
        settings=SyncSettings(
            portal_url="https://portal.test", client_id="c", client_secret="s", batch_size=100
        ),
    )
    report = client.sync_once()
    assert report.done
    assert len(seen) == 20
    assert all(states == {"SENDING"} for _, states in seen)  # never acknowledged before the portal answered
    assert len({key for key, _ in seen}) == 20
    assert outbox.states() == {"ACKED": 2000}


def test_resend_under_the_original_keys_is_replayed_and_only_audited() -> None:
    outbox, portal = FakeOutbox(1000), FakePortal()
    client, _ = make(outbox, portal)
    assert client.sync_once().done
    audit_before = list(outbox.audit)
    groups: dict[str, list[object]] = {}
    for entry in outbox.entries.values():
        groups.setdefault(str(entry.request_key), []).append(entry)
    report = client.resend(groups.items())
    assert report.replayed == len(groups) == 2
    assert report.acked == 1000
    # nothing changes state; each resend is audited as a retry of its request (issue 4: every send audited)
    assert outbox.audit[: len(audit_before)] == audit_before
    assert [(a, k) for a, k, _ in outbox.audit[len(audit_before) :]] == [("retry", k) for k in groups]
    assert outbox.states() == {"ACKED": 1000}
    assert len(portal.records) == 1000
