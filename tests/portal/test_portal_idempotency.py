"""Idempotency-Key semantics of POST /v1/records:batch, against a real portal over TLS on loopback."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest
from portal_support import batch_key, bearer, client_token, fresh_portal, record, submit
from tls_helpers import Pki

from app.portal.contract import payload_hash
from app.portal.run import RunningPortal
from app.portal.store import portal_stats


def test_replaying_a_batch_100_times_adds_nothing(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    records = [
        record(t, n=i)
        for i, t in enumerate(
            ["chemical_inventory", "equipment", "waste_manifest", "cost_share", "attestation"]
        )
    ]
    key = batch_key()
    first = submit(http, token, records, key)
    assert first.status_code == 200, first.text
    assert first.json()["summary"] == {"accepted": 5, "duplicate": 0, "rejected": 0}
    assert "idempotent-replayed" not in first.headers
    before = portal_stats(portal.db_path)
    for _ in range(100):
        again = submit(http, token, records, key)
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content  # the stored response, byte for byte
    assert portal_stats(portal.db_path) == before


def test_same_records_under_a_new_request_key_are_duplicates(
    http: httpx.Client, portal: RunningPortal
) -> None:
    token = client_token(http, portal)
    records = [record(n=i) for i in range(3)]
    first = submit(http, token, records)
    second = submit(http, token, records)
    assert second.status_code == 200
    assert "idempotent-replayed" not in second.headers
    assert [r["status"] for r in second.json()["results"]] == ["duplicate"] * 3
    assert [r["record_id"] for r in second.json()["results"]] == [
        r["record_id"] for r in first.json()["results"]
    ]
    assert [r["payload_hash"] for r in second.json()["results"]] == [
        payload_hash(r["payload"]) for r in records
    ]


def test_same_key_different_payload_is_422(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    key = batch_key()
    assert submit(http, token, [record(n=1)], key).status_code == 200
    before = portal_stats(portal.db_path)
    response = submit(http, token, [record(n=2)], key)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "idempotency-key-reused"
    assert problem["status"] == 422
    assert problem["type"] == "urn:labsync:problem:idempotency-key-reused"
    assert portal_stats(portal.db_path) == before


def test_request_keys_are_scoped_per_client(http: httpx.Client, portal: RunningPortal) -> None:
    key = batch_key()
    demo = client_token(http, portal)
    lab_a = client_token(http, portal, "lab-a-client")
    assert submit(http, demo, [record(n=1)], key).status_code == 200
    assert submit(http, lab_a, [record(n=2)], key).status_code == 200


def test_record_key_reused_for_another_payload_is_rejected(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    first = record(n=10)
    assert submit(http, token, [first]).json()["results"][0]["status"] == "accepted"
    changed = record(n=11, key=first["idempotency_key"])
    result = submit(http, token, [changed]).json()["results"][0]
    assert result["status"] == "rejected"
    assert [v["code"] for v in result["violations"]] == ["IDEMPOTENCY_CONFLICT"]


def test_duplicate_record_keys_inside_one_batch(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    one = record(n=20)
    results = submit(http, token, [one, dict(one)]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "duplicate"]
    assert results[0]["record_id"] == results[1]["record_id"]


@pytest.mark.parametrize("header", [None, "", '""', '"has space"', "x" * 256, '"quote"inside"'])
def test_missing_or_malformed_key_is_400(
    http: httpx.Client, portal: RunningPortal, header: str | None
) -> None:
    token = client_token(http, portal)
    headers = bearer(token)
    if header is not None:
        headers["Idempotency-Key"] = header
    before = portal_stats(portal.db_path)
    response = http.post("/v1/records:batch", json={"records": [record()]}, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == (
        "idempotency-key-missing" if header is None else "idempotency-key-invalid"
    )
    assert portal_stats(portal.db_path) == before


def test_bare_token_key_is_accepted(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    assert submit(http, token, [record()], key="bare-token-key-1").status_code == 200


def test_invalid_body_is_400_and_stored(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    key = batch_key()
    bad = {"records": [{"idempotency_key": "x"}]}
    headers = {**bearer(token), "Idempotency-Key": key}
    first = http.post("/v1/records:batch", json=bad, headers=headers)
    assert first.status_code == 400
    assert first.json()["code"] == "invalid-body"
    assert any(e["pointer"].startswith("/records/0") for e in first.json()["errors"])
    again = http.post("/v1/records:batch", json=bad, headers=headers)
    assert again.status_code == 400
    assert again.headers["idempotent-replayed"] == "true"
    not_json = http.post(
        "/v1/records:batch",
        content=b"{nope",
        headers={**headers, "Idempotency-Key": batch_key(), "Content-Type": "application/json"},
    )
    assert not_json.status_code == 400


def test_wrong_media_type_is_415(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    response = http.post(
        "/v1/records:batch",
        content=b"records",
        headers={**bearer(token), "Idempotency-Key": batch_key(), "Content-Type": "text/plain"},
    )
    assert response.status_code == 415


def test_too_many_records_is_413(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(pki, tmp_path, options={"max_batch_records": 3}) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context()) as http,
    ):
        token = client_token(http, portal)
        response = submit(http, token, [record(n=i) for i in range(4)])
        assert response.status_code == 413
        assert response.json()["code"] == "batch-too-large"
        assert http.get("/v1/version").json()["max_batch_records"] == 3
        assert portal_stats(portal.db_path)["records"] == 0


def test_unauthenticated_batch_is_401(http: httpx.Client) -> None:
    response = http.post(
        "/v1/records:batch", json={"records": [record()]}, headers={"Idempotency-Key": batch_key()}
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    bad = http.post(
        "/v1/records:batch",
        json={"records": [record()]},
        headers={**bearer("not-a-token"), "Idempotency-Key": batch_key()},
    )
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]


def test_same_key_in_flight_is_409_then_replayed(pki: Pki, tmp_path: Path) -> None:
    with (
        fresh_portal(pki, tmp_path, options={"processing_delay": 1.5}) as portal,
        httpx.Client(base_url=portal.url, verify=pki.client_context(), timeout=30) as http,
    ):
        token = client_token(http, portal)
        records = [record(n=i) for i in range(3)]
        key = batch_key()
        first: list[httpx.Response] = []
        sender = threading.Thread(target=lambda: first.append(submit(http, token, records, key)))
        sender.start()
        time.sleep(0.5)
        during = submit(http, token, records, key)
        assert during.status_code == 409
        assert during.json()["code"] == "idempotency-request-in-flight"
        assert during.headers["retry-after"] == "1"
        different = submit(http, token, [record(n=9)], key)
        assert different.status_code == 422
        sender.join(10)
        assert first[0].status_code == 200
        after = submit(http, token, records, key)
        assert after.status_code == 200
        assert after.headers["idempotent-replayed"] == "true"
        assert after.content == first[0].content
        assert portal_stats(portal.db_path)["records"] == 3


def test_replay_of_reformatted_body_is_recognised_by_its_canonical_fingerprint(
    http: httpx.Client, portal: RunningPortal
) -> None:
    """Identical bytes replay via the stored body hash; the same JSON laid out otherwise still replays."""
    import json

    token = client_token(http, portal)
    records = [record(n=i) for i in range(2)]
    key = batch_key()
    headers = {**bearer(token), "Idempotency-Key": key, "Content-Type": "application/json"}
    compact = json.dumps({"records": records}, separators=(",", ":")).encode()
    spaced = json.dumps({"records": records}, indent=2, sort_keys=True).encode()
    first = http.post("/v1/records:batch", content=compact, headers=headers)
    assert first.status_code == 200, first.text
    same_bytes = http.post("/v1/records:batch", content=compact, headers=headers)
    reformatted = http.post("/v1/records:batch", content=spaced, headers=headers)
    changed = http.post(
        "/v1/records:batch", content=json.dumps({"records": records[:1]}).encode(), headers=headers
    )
    assert same_bytes.headers["idempotent-replayed"] == "true"
    assert same_bytes.content == first.content
    assert reformatted.headers["idempotent-replayed"] == "true"
    assert reformatted.content == first.content
    assert changed.status_code == 422


def test_portal_store_migrates_a_version_1_database(tmp_path: Path) -> None:
    import sqlite3

    from app.portal.store import SCHEMA_VERSION, PortalStore

    db = tmp_path / "v1.db"
    PortalStore(db).close()
    conn = sqlite3.connect(db)  # make it look like a version 1 file: no body_sha256 column
    conn.execute("ALTER TABLE idempotency DROP COLUMN body_sha256")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    PortalStore(db).close()
    conn = sqlite3.connect(db)
    columns = [row[1] for row in conn.execute("PRAGMA table_info(idempotency)")]
    version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    conn.close()
    assert "body_sha256" in columns
    assert int(version) == SCHEMA_VERSION == 2
