"""OAuth 2.0 on the reference portal: client credentials, code + PKCE (loopback), refresh rotation, device."""

from __future__ import annotations

import time
import urllib.parse

import httpx
import pytest
from portal_support import bearer, client_token, pkce_pair, record, submit, user_tokens

from app.portal.run import RunningPortal


def test_metadata_lists_the_endpoints(http: httpx.Client, portal: RunningPortal) -> None:
    meta = http.get("/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == portal.url
    assert meta["token_endpoint"] == f"{portal.url}/oauth/token"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "urn:ietf:params:oauth:grant-type:device_code" in meta["grant_types_supported"]


def test_client_credentials_basic_and_post(http: httpx.Client, portal: RunningPortal) -> None:
    basic = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(portal.client_id, portal.client_secret),
    )
    assert basic.status_code == 200
    body = basic.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] > 0
    assert "refresh_token" not in body
    assert basic.headers["cache-control"] == "no-store"
    post = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": portal.client_id,
            "client_secret": portal.client_secret,
            "scope": "reference:read",
        },
    )
    assert post.status_code == 200
    assert post.json()["scope"] == "reference:read"
    who = http.get("/v1/whoami", headers=bearer(body["access_token"])).json()
    assert who["client_id"] == portal.client_id
    assert who["kind"] == "client"


def test_client_credentials_failures(http: httpx.Client, portal: RunningPortal) -> None:
    wrong = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(portal.client_id, "nope")
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    unknown = http.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("who", "x"))
    assert unknown.status_code == 401
    scope = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "admin"},
        auth=(portal.client_id, portal.client_secret),
    )
    assert scope.status_code == 400
    assert scope.json()["error"] == "invalid_scope"
    public = http.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": "labsync-desktop"}
    )
    assert public.status_code == 400
    assert public.json()["error"] == "unauthorized_client"
    grant = http.post(
        "/oauth/token", data={"grant_type": "password"}, auth=(portal.client_id, portal.client_secret)
    )
    assert grant.json()["error"] == "unsupported_grant_type"
    json_body = http.post("/oauth/token", json={"grant_type": "client_credentials"})
    assert json_body.status_code == 400
    assert json_body.json()["error"] == "invalid_request"


def test_expired_or_garbage_access_token_is_401(http: httpx.Client) -> None:
    response = http.get("/v1/whoami", headers=bearer("garbage"))
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


def test_pkce_code_flow_with_loopback_redirect(http: httpx.Client, portal: RunningPortal) -> None:
    tokens = user_tokens(http, portal, "alice", redirect_uri="http://127.0.0.1:49152/cb")
    assert tokens["refresh_token"]
    who = http.get("/v1/whoami", headers=bearer(tokens["access_token"])).json()
    assert who == {
        **who,
        "subject": "alice",
        "kind": "user",
        "labs": ["LAB-A"],
        "roles": ["pi"],
        "client_id": "labsync-desktop",
    }
    # any loopback port works (RFC 8252 7.3), IPv6 literal too
    assert user_tokens(http, portal, "carol", redirect_uri="http://[::1]:61000/")["access_token"]


def test_authorize_get_shows_a_form_and_rejects_bad_redirects(http: httpx.Client) -> None:
    _, challenge = pkce_pair()
    params = {
        "response_type": "code",
        "client_id": "labsync-desktop",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "s1",
    }
    form = http.get("/oauth/authorize", params={**params, "redirect_uri": "http://127.0.0.1:5000/cb"})
    assert form.status_code == 200
    assert "<form" in form.text
    for bad in ("https://evil.example/cb", "http://localhost:5000/cb", "http://127.0.0.1/cb", "not a uri"):
        response = http.get("/oauth/authorize", params={**params, "redirect_uri": bad})
        assert response.status_code == 400, bad  # an error page, never a redirect
    plain = http.get(
        "/oauth/authorize",
        params={**params, "redirect_uri": "http://127.0.0.1:5000/cb", "code_challenge_method": "plain"},
    )
    assert plain.status_code == 302
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(plain.headers["location"]).query))
    assert query["error"] == "invalid_request"
    assert query["state"] == "s1"


def test_code_exchange_checks_verifier_redirect_and_single_use(
    http: httpx.Client, portal: RunningPortal
) -> None:
    verifier, challenge = pkce_pair()
    redirect = "http://127.0.0.1:40000/cb"
    response = http.post(
        "/oauth/authorize",
        data={
            "response_type": "code",
            "client_id": "labsync-desktop",
            "redirect_uri": redirect,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "username": "alice",
            "password": "wrong",
        },
    )
    assert response.status_code == 401
    response = http.post(
        "/oauth/authorize",
        data={
            "response_type": "code",
            "client_id": "labsync-desktop",
            "redirect_uri": redirect,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "username": "alice",
            "password": portal.secret_of("user:alice"),
        },
    )
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["location"]).query))["code"]
    exchange = {
        "grant_type": "authorization_code",
        "client_id": "labsync-desktop",
        "code": code,
        "redirect_uri": redirect,
        "code_verifier": verifier,
    }
    wrong_verifier = http.post("/oauth/token", data={**exchange, "code_verifier": pkce_pair()[0]})
    assert wrong_verifier.json()["error"] == "invalid_grant"
    wrong_redirect = http.post("/oauth/token", data={**exchange, "redirect_uri": "http://127.0.0.1:40001/cb"})
    assert wrong_redirect.json()["error"] == "invalid_grant"
    ok = http.post("/oauth/token", data=exchange)
    assert ok.status_code == 200
    replay = http.post("/oauth/token", data=exchange)
    assert replay.json()["error"] == "invalid_grant"
    # a replayed code revokes what it issued
    assert http.get("/v1/whoami", headers=bearer(ok.json()["access_token"])).status_code == 401


def test_deny_redirects_with_access_denied(http: httpx.Client, portal: RunningPortal) -> None:
    _, challenge = pkce_pair()
    response = http.post(
        "/oauth/authorize",
        data={
            "response_type": "code",
            "client_id": "labsync-desktop",
            "redirect_uri": "http://127.0.0.1:40000/cb",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "xyz",
            "username": "alice",
            "password": portal.secret_of("user:alice"),
            "decision": "deny",
        },
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(response.headers["location"]).query))
    assert query == {**query, "error": "access_denied", "state": "xyz"}


def test_refresh_rotation_refuses_the_old_token_and_revokes_the_grant(
    http: httpx.Client, portal: RunningPortal
) -> None:
    tokens = user_tokens(http, portal, "alice")
    refresh = {"grant_type": "refresh_token", "client_id": "labsync-desktop"}
    rotated = http.post("/oauth/token", data={**refresh, "refresh_token": tokens["refresh_token"]})
    assert rotated.status_code == 200
    new = rotated.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert http.get("/v1/whoami", headers=bearer(new["access_token"])).json()["subject"] == "alice"
    reused = http.post("/oauth/token", data={**refresh, "refresh_token": tokens["refresh_token"]})
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    # reuse of a rotated token means theft: the whole grant is revoked (RFC 9700 4.14.2)
    assert http.get("/v1/whoami", headers=bearer(new["access_token"])).status_code == 401
    assert (
        http.post("/oauth/token", data={**refresh, "refresh_token": new["refresh_token"]}).status_code == 400
    )


def test_refresh_may_narrow_but_not_widen_scope(http: httpx.Client, portal: RunningPortal) -> None:
    tokens = user_tokens(http, portal, "alice")
    refresh = {"grant_type": "refresh_token", "client_id": "labsync-desktop"}
    narrow = http.post(
        "/oauth/token", data={**refresh, "refresh_token": tokens["refresh_token"], "scope": "reference:read"}
    )
    assert narrow.json()["scope"] == "reference:read"
    wide = http.post(
        "/oauth/token",
        data={**refresh, "refresh_token": narrow.json()["refresh_token"], "scope": "records:write"},
    )
    assert wide.json()["error"] == "invalid_scope"


def _device_start(http: httpx.Client) -> dict[str, object]:
    response = http.post("/oauth/device_authorization", data={"client_id": "labsync-desktop"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_device_flow_pending_slow_down_then_tokens(http: httpx.Client, portal: RunningPortal) -> None:
    start = _device_start(http)
    assert start["verification_uri"] == f"{portal.url}/oauth/device"
    assert str(start["verification_uri_complete"]).endswith(str(start["user_code"]))
    assert start["interval"] == 1
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": "labsync-desktop",
        "device_code": start["device_code"],
    }
    first = http.post("/oauth/token", data=poll)
    assert first.json()["error"] == "authorization_pending"
    too_fast = http.post("/oauth/token", data=poll)
    assert too_fast.json()["error"] == "slow_down"  # interval is now 1 + 1 s
    page = http.get("/oauth/device", params={"user_code": start["user_code"]})
    assert page.status_code == 200
    wrong = http.post(
        "/oauth/device", data={"user_code": start["user_code"], "username": "alice", "password": "nope"}
    )
    assert wrong.status_code == 401
    approve = http.post(
        "/oauth/device",
        data={
            "user_code": str(start["user_code"]).lower(),
            "username": "alice",
            "password": portal.secret_of("user:alice"),
        },
    )
    assert approve.status_code == 200
    time.sleep(2.1)
    tokens = http.post("/oauth/token", data=poll)
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["refresh_token"]
    who = http.get("/v1/whoami", headers=bearer(tokens.json()["access_token"])).json()
    assert who["subject"] == "alice"
    assert http.post("/oauth/token", data=poll).json()["error"] == "invalid_grant"  # single use


def test_device_flow_denied(http: httpx.Client, portal: RunningPortal) -> None:
    start = _device_start(http)
    http.post(
        "/oauth/device",
        data={
            "user_code": start["user_code"],
            "username": "carol",
            "password": portal.secret_of("user:carol"),
            "decision": "deny",
        },
    )
    poll = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": "labsync-desktop",
        "device_code": start["device_code"],
    }
    assert http.post("/oauth/token", data=poll).json()["error"] == "access_denied"


def test_device_flow_unknown_code_and_client(http: httpx.Client) -> None:
    assert (
        http.post(
            "/oauth/device", data={"user_code": "ZZZZ-ZZZZ", "username": "alice", "password": "x"}
        ).status_code
        == 400
    )
    assert http.post("/oauth/device_authorization", data={"client_id": "nobody"}).status_code == 401
    assert (
        http.post(
            "/oauth/token",
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
                "client_id": "labsync-desktop",
                "device_code": "nope",
            },
        ).json()["error"]
        == "invalid_grant"
    )


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_revocation(http: httpx.Client, portal: RunningPortal, kind: str) -> None:
    tokens = user_tokens(http, portal, "alice")
    response = http.post(
        "/oauth/revoke", data={"token": tokens[f"{kind}_token"], "client_id": "labsync-desktop"}
    )
    assert response.status_code == 200
    assert http.get("/v1/whoami", headers=bearer(tokens["access_token"])).status_code == 401


def test_user_token_submits_within_the_users_labs(http: httpx.Client, portal: RunningPortal) -> None:
    tokens = user_tokens(http, portal, "alice")
    results = submit(http, tokens["access_token"], [record(lab="LAB-A", n=500), record(lab="LAB-B", n=501)])
    assert [r["status"] for r in results.json()["results"]] == ["accepted", "rejected"]
    assert client_token(http, portal)  # the demo client is unaffected
