"""Reference data (pagination, ETag), reconciliation, scopes and roles, review defaults, server validation."""

from __future__ import annotations

import json
import tomllib
from typing import Any

import httpx
import pytest
from portal_support import bearer, client_token, record, submit, user_tokens, valid_payload

from app.portal.contract import payload_hash
from app.portal.run import RunningPortal
from app.portal.store import portal_stats


def _all_pages(http: httpx.Client, path: str, token: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": limit}
        if cursor:
            params["cursor"] = cursor
        page = http.get(path, params=params, headers=bearer(token))
        assert page.status_code == 200, page.text
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize(
    ("path", "key", "count"),
    [
        ("/v1/reference/awards", "award_number", 120),
        ("/v1/reference/locations", "room", 60),
        ("/v1/reference/personnel", "person_id", 40),
    ],
)
def test_reference_lists_page_through_everything(
    http: httpx.Client, portal: RunningPortal, path: str, key: str, count: int
) -> None:
    token = client_token(http, portal, "reader-client")
    small = _all_pages(http, path, token, 7)
    big = _all_pages(http, path, token, 1000)
    assert small == big
    assert len(big) == count
    assert all(key in item for item in big)


def test_etag_and_if_none_match(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal, "reader-client")
    first = http.get("/v1/reference/awards", headers=bearer(token))
    etag = first.headers["etag"]
    assert etag.startswith('"')
    again = http.get("/v1/reference/awards", headers={**bearer(token), "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert (
        http.get(
            "/v1/reference/awards", headers={**bearer(token), "If-None-Match": f'"x", W/{etag}'}
        ).status_code
        == 304
    )
    other_page = http.get(
        "/v1/reference/awards", params={"limit": 5}, headers={**bearer(token), "If-None-Match": etag}
    )
    assert other_page.status_code == 200
    assert other_page.headers["etag"] != etag


def test_bad_cursor_and_limit_are_400(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    for params in ({"cursor": "garbage!"}, {"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}):
        response = http.get("/v1/reference/awards", params=params, headers=bearer(token))
        assert response.status_code == 400, params
        assert response.headers["content-type"] == "application/problem+json"


def test_policy_pack_is_the_engines_policy(http: httpx.Client, portal: RunningPortal) -> None:
    from app.validation.policy import load_policy

    token = client_token(http, portal)
    pack = http.get("/v1/reference/policy", headers=bearer(token))
    assert pack.status_code == 200
    body = pack.json()
    assert body["version"] == load_policy().version
    assert tomllib.loads(body["content"])["version"] == body["version"]
    assert (
        http.get(
            "/v1/reference/policy", headers={**bearer(token), "If-None-Match": pack.headers["etag"]}
        ).status_code
        == 304
    )
    assert http.get(f"/v1/reference/policy/{body['version']}", headers=bearer(token)).json() == body
    assert http.get("/v1/reference/policy/0.0.0", headers=bearer(token)).status_code == 404
    versions = http.get("/v1/reference/policy/versions", headers=bearer(token)).json()["items"]
    assert versions[0] == {**versions[0], "version": body["version"], "current": True}
    assert http.get("/v1/version").json()["policy_version"] == body["version"]


def test_scope_is_enforced(http: httpx.Client, portal: RunningPortal) -> None:
    reader = client_token(http, portal, "reader-client")
    response = submit(http, reader, [record()])
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient-scope"
    narrow = client_token(http, portal, scope="records:write")
    assert http.get("/v1/reference/awards", headers=bearer(narrow)).status_code == 403
    assert http.get("/v1/reference/awards").status_code == 401


def test_lab_a_token_cannot_submit_for_lab_b(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal, "lab-a-client")
    before = portal_stats(portal.db_path)["records"]
    results = submit(http, token, [record(lab="LAB-A", n=1), record(lab="LAB-B", n=2)]).json()["results"]
    assert results[0]["status"] == "accepted"
    assert results[1]["status"] == "rejected"
    assert [(v["code"], v["field"]) for v in results[1]["violations"]] == [("LAB_SCOPE_DENIED", "lab")]
    assert portal_stats(portal.db_path)["records"] == before + 1


def test_attestation_needs_a_pi(http: httpx.Client, portal: RunningPortal) -> None:
    lab_a = client_token(http, portal, "lab-a-client")
    refused = submit(http, lab_a, [record("attestation", lab="LAB-A", n=1)]).json()["results"][0]
    assert refused["status"] == "rejected"
    assert [v["code"] for v in refused["violations"]] == ["PI_ROLE_REQUIRED"]
    manager = user_tokens(http, portal, "carol")["access_token"]
    assert submit(http, manager, [record("attestation", lab="LAB-A", n=2)]).json()["results"][0][
        "status"
    ] == ("rejected")
    pi = user_tokens(http, portal, "alice")["access_token"]
    accepted = submit(http, pi, [record("attestation", lab="LAB-A", n=3)]).json()["results"][0]
    assert accepted["status"] == "accepted"
    wrong_lab = submit(http, pi, [record("attestation", lab="LAB-B", n=4)]).json()["results"][0]
    assert [v["code"] for v in wrong_lab["violations"]] == ["LAB_SCOPE_DENIED"]


def test_review_defaults_are_applied_on_persist(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    payload = {**valid_payload("chemical_inventory", 77)}
    results = submit(
        http, token, [record(payload=payload), record("waste_manifest", n=77), record("equipment", n=77)]
    ).json()["results"]
    assert [r["review"] for r in results] == [
        {"hazcom_verified": False},
        {"manifest_status": "PENDING_REVIEW"},
        {},
    ]
    detail = http.get(f"/v1/records/{results[0]['record_id']}", headers=bearer(token)).json()
    assert detail["review"] == {"hazcom_verified": False}
    assert detail["payload"] == payload  # the payload is stored as sent; review state is separate
    assert detail["payload_hash"] == payload_hash(payload)


def test_server_side_validation_rejects_with_local_codes(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    bad_cas = {**valid_payload("chemical_inventory", 90), "cas_number": "67-64-2"}
    no_sds = {**valid_payload("chemical_inventory", 91), "hazard_codes": ["H225"]}
    missing = {k: v for k, v in valid_payload("waste_manifest", 92).items() if k != "generator_epa_id"}
    wrong_class = {**record("equipment", n=93), "classification": "EPA_WASTE"}
    bad_hash = {**record(n=94), "payload_hash": "0" * 64}
    results = submit(
        http,
        token,
        [
            record(payload=bad_cas),
            record(payload=no_sds),
            record("waste_manifest", payload=missing),
            wrong_class,
            bad_hash,
        ],
    ).json()
    codes = [[(v["code"], v["field"]) for v in r["violations"]] for r in results["results"]]
    assert codes == [
        [("CAS_CHECKSUM", "cas_number")],
        [("SDS_MISSING", "sds_reference")],
        [("REQUIRED_MISSING", "generator_epa_id")],
        [("CLASSIFICATION_MISMATCH", "classification")],
        [("PAYLOAD_HASH_MISMATCH", "payload_hash")],
    ]
    assert results["summary"] == {"accepted": 0, "duplicate": 0, "rejected": 5}
    violation = results["results"][0]["violations"][0]
    assert set(violation) >= {"code", "severity", "row", "field", "value", "message", "hint", "citation"}
    assert violation["severity"] == "error"
    assert violation["row"] is None


def test_warnings_come_back_on_accepted_records(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    unknown_place = {**valid_payload("chemical_inventory", 95), "building": "Nowhere Hall"}
    result = submit(http, token, [record(payload=unknown_place)]).json()["results"][0]
    assert result["status"] == "accepted"
    assert [(v["code"], v["severity"]) for v in result["violations"]] == [("LOCATION_UNKNOWN", "warning")]


def test_reconciliation_cursor_over_stored_records(http: httpx.Client, portal: RunningPortal) -> None:
    lab_a = client_token(http, portal, "lab-a-client")
    demo = client_token(http, portal)
    mine = [record(lab="LAB-B", n=200 + i) for i in range(5)]
    submit(http, demo, mine)
    seen: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = http.get("/v1/records", params=params, headers=bearer(demo)).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == portal_stats(portal.db_path)["records"]
    by_key = {item["idempotency_key"]: item for item in seen}
    for rec in mine:
        assert by_key[rec["idempotency_key"]]["payload_hash"] == payload_hash(rec["payload"])
    filtered = http.get(
        "/v1/records",
        params=[("idempotency_key", r["idempotency_key"]) for r in mine[:2]],
        headers=bearer(demo),
    ).json()["items"]
    assert {i["idempotency_key"] for i in filtered} == {r["idempotency_key"] for r in mine[:2]}
    # a lab-A token sees LAB-A records only
    visible = http.get("/v1/records", params={"limit": 1000}, headers=bearer(lab_a)).json()["items"]
    assert visible
    assert all(item["lab"] == "LAB-A" for item in visible)
    record_id = by_key[mine[0]["idempotency_key"]]["record_id"]
    assert http.get(f"/v1/records/{record_id}", headers=bearer(lab_a)).status_code == 404
    assert http.get("/v1/records/rec_999999", headers=bearer(demo)).status_code == 404
    assert http.get("/v1/records/nope", headers=bearer(demo)).status_code == 400


def test_stats_count_duplicates_by_source_identity(http: httpx.Client, portal: RunningPortal) -> None:
    token = client_token(http, portal)
    before = portal_stats(portal.db_path)
    same_source = record(n=300, source_ref="ws/b/row-9")
    twin = {**same_source, "idempotency_key": "a-buggy-client-made-a-new-key"}
    submit(http, token, [same_source])
    submit(http, token, [twin])
    after = portal_stats(portal.db_path)
    assert after["records"] == before["records"] + 2
    assert after["distinct_idempotency_keys"] == before["distinct_idempotency_keys"] + 2
    assert after["duplicates"] == before["duplicates"] + 1
    assert json.loads(json.dumps(after)) == after
