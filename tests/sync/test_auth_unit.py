"""OAuth pieces: PKCE through a real loopback listener, device flow polling, rotation, token storage."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
import urllib.request
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.sync.auth import (
    Endpoints,
    KeyringTokenStore,
    MemoryTokenStore,
    Token,
    TokenManager,
    default_token_store,
    login_browser,
    login_device,
    pkce_pair,
)
from app.sync.errors import AuthError

BASE = "https://portal.test"


def manager(handler, *, secret: str | None = None, store: MemoryTokenStore | None = None) -> TokenManager:
    http = httpx.Client(transport=httpx.MockTransport(handler), base_url=BASE)
    return TokenManager(
        http,
        Endpoints.defaults(BASE),
        client_id="labsync-desktop",
        client_secret=secret,
        store=store or MemoryTokenStore(),
        clock=lambda: 1000.0,
    )


def test_pkce_pair_is_s256() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == expected
    assert len(challenge) == 43


def test_browser_login_uses_a_loopback_redirect_and_pkce() -> None:
    seen: dict[str, str] = {}

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        seen.update(form)
        verifier_hash = base64.urlsafe_b64encode(hashlib.sha256(form["code_verifier"].encode()).digest())
        assert verifier_hash.rstrip(b"=").decode() == seen["challenge"]
        return httpx.Response(
            200,
            json={
                "access_token": "A1",
                "refresh_token": "R1",
                "expires_in": 600,
                "token_type": "Bearer",
                "scope": "records:write",
            },
        )

    tokens = manager(token_endpoint)

    def browser(url: str) -> None:  # the "user" signs in: the portal redirects to the loopback listener
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["code_challenge_method"] == "S256"
        assert query["redirect_uri"].startswith("http://127.0.0.1:")
        seen["challenge"] = query["code_challenge"]
        target = f"{query['redirect_uri']}?code=CODE-1&state={query['state']}"
        threading.Thread(target=lambda: urllib.request.urlopen(target).read(), daemon=True).start()

    token = login_browser(tokens, open_browser=browser, timeout=10)
    assert token.access_token == "A1"
    assert seen["grant_type"] == "authorization_code"
    assert seen["code"] == "CODE-1"
    assert seen["client_id"] == "labsync-desktop"
    assert tokens.store.load() == token


def test_browser_login_rejects_a_wrong_state() -> None:
    tokens = manager(lambda r: httpx.Response(500))

    def browser(url: str) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        target = f"{query['redirect_uri']}?code=X&state=forged"

        def hit() -> None:
            with contextlib.suppress(Exception):
                urllib.request.urlopen(target).read()

        threading.Thread(target=hit, daemon=True).start()

    with pytest.raises(AuthError, match="timed out"):
        login_browser(tokens, open_browser=browser, timeout=1.0)


def test_device_flow_polls_at_interval_and_slows_down() -> None:
    answers = iter(["authorization_pending", "slow_down", "authorization_pending", None])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/device_authorization":
            return httpx.Response(
                200,
                json={
                    "device_code": "D",
                    "user_code": "WDJB-MJHT",
                    "interval": 5,
                    "verification_uri": f"{BASE}/oauth/device",
                    "expires_in": 600,
                },
            )
        error = next(answers)
        if error:
            return httpx.Response(400, json={"error": error})
        return httpx.Response(200, json={"access_token": "A", "refresh_token": "R", "expires_in": 60})

    sleeps: list[float] = []
    shown: list[str] = []
    t = [0.0]

    def sleep(s: float) -> None:
        sleeps.append(s)
        t[0] += s

    token = login_device(
        manager(handler), show=lambda p: shown.append(p.user_code), sleep=sleep, clock=lambda: t[0]
    )
    assert token.access_token == "A"
    assert shown == ["WDJB-MJHT"]
    assert sleeps == [5, 5, 10, 10]


def test_device_flow_denied_is_an_auth_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/device_authorization":
            return httpx.Response(
                200,
                json={
                    "device_code": "D",
                    "user_code": "U",
                    "interval": 1,
                    "verification_uri": "v",
                    "expires_in": 600,
                },
            )
        return httpx.Response(400, json={"error": "access_denied"})

    with pytest.raises(AuthError, match="access_denied"):
        login_device(manager(handler), show=lambda p: None, sleep=lambda s: None)


def test_refresh_rotates_and_a_reused_refresh_token_is_refused() -> None:
    valid = {"R0"}
    counter = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        if form.get("refresh_token") not in valid:
            return httpx.Response(400, json={"error": "invalid_grant"})
        valid.discard(form["refresh_token"])
        counter[0] += 1
        valid.add(f"R{counter[0]}")
        return httpx.Response(
            200, json={"access_token": f"A{counter[0]}", "refresh_token": f"R{counter[0]}", "expires_in": 600}
        )

    store = MemoryTokenStore(Token("A0", expires_at=1030.0, refresh_token="R0"))  # expires within the skew
    tokens = manager(handler, store=store)
    assert tokens.access_token() == "A1"  # refreshed before expiry
    assert store.load().refresh_token == "R1"  # type: ignore[union-attr]
    assert tokens.access_token() == "A1"  # still fresh: no new request
    with pytest.raises(AuthError, match="invalid_grant"):
        tokens.refresh(Token("A0", refresh_token="R0"))  # the rotated-away token
    assert store.load() is None  # a refused refresh forgets the session


def test_token_repr_hides_secrets_and_memory_store_in_automation(monkeypatch: pytest.MonkeyPatch) -> None:
    token = Token("secret-access", expires_at=1.0, refresh_token="secret-refresh")
    assert "secret" not in repr(token)
    assert Token.from_json(token.to_json()) == token
    monkeypatch.setenv("LABSYNC_PASSPHRASE", "x")
    assert isinstance(default_token_store(BASE, "cli"), MemoryTokenStore)


def test_keyring_store_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    saved: dict[tuple[str, str], str] = {}
    monkeypatch.setattr(keyring, "get_password", lambda s, a: saved.get((s, a)))
    monkeypatch.setattr(keyring, "set_password", lambda s, a, v: saved.__setitem__((s, a), v))
    monkeypatch.setattr(keyring, "delete_password", lambda s, a: saved.pop((s, a)))
    store = KeyringTokenStore("https://portal.test|cli")
    store.save(Token("A", expires_at=5.0, refresh_token="R"))
    assert store.load() == Token("A", expires_at=5.0, refresh_token="R")
    store.clear()
    assert store.load() is None
    assert saved == {}
