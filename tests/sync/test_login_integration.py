"""Interactive sign-in against the real reference portal: browser (PKCE + loopback) and device flow, then a
sync with the user's token, refresh rotation, and logout."""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sync.auth import (
    BearerAuth,
    MemoryTokenStore,
    TokenManager,
    discover_endpoints,
    login_browser,
    login_device,
)
from app.sync.client import SyncClient, build_http_client

from .harness import fill_outbox, settings_for

DESKTOP = "labsync-desktop"


def desktop_tokens(portal: Any, store: MemoryTokenStore) -> tuple[TokenManager, httpx.Client]:
    settings = settings_for(portal, client_id=DESKTOP, client_secret=None)
    http, url = build_http_client(settings)
    tokens = TokenManager(
        http, discover_endpoints(http, url), client_id=DESKTOP, client_secret=None, store=store
    )
    return tokens, http


def test_browser_login_with_pkce_then_sync_as_the_user(workspace: Any, tmp_path: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    portal = run.start_portal(tmp_path / "p.db", tls_self_signed=True, options={"auto_approve_user": "alice"})
    try:
        store = MemoryTokenStore()
        tokens, http = desktop_tokens(portal, store)

        def browser(url: str) -> None:  # the system browser: the portal signs alice in and redirects back
            def go() -> None:
                with httpx.Client(
                    verify=ssl.create_default_context(cafile=str(portal.ca_bundle)), follow_redirects=True
                ) as b:
                    b.get(url)

            threading.Thread(target=go, daemon=True).start()

        token = login_browser(tokens, open_browser=browser, timeout=30)
        assert token.refresh_token
        who = http.get("/v1/whoami", auth=BearerAuth(tokens)).json()
        assert who["kind"] == "user"
        assert "LAB-A" in who["labs"]
        # refresh with rotation: the old refresh token stops working
        old = token.refresh_token
        new = tokens.refresh(token)
        assert new.refresh_token != old
        fill_outbox(workspace, tmp_path, 7)
        client = SyncClient(
            workspace, settings_for(portal, client_id=DESKTOP, client_secret=None), token_store=store
        )
        with client:
            assert client.sync_once().done
        tokens.logout()
        assert store.load() is None
        http.close()
    finally:
        portal.stop()


def test_device_login_polls_until_approved(tmp_path: Path) -> None:
    run = pytest.importorskip("app.portal.run")
    portal = run.start_portal(tmp_path / "p.db", tls_self_signed=True, options={"device_interval": 1})
    try:
        tokens, http = desktop_tokens(portal, MemoryTokenStore())
        password = portal.secret_of("user:alice")
        assert password

        def approve(prompt: Any) -> None:  # the user, on another device, enters the code
            def go() -> None:
                import time

                time.sleep(1.5)
                with httpx.Client(verify=ssl.create_default_context(cafile=str(portal.ca_bundle))) as b:
                    b.post(
                        f"{portal.url}/oauth/device",
                        data={"user_code": prompt.user_code, "username": "alice", "password": password},
                    )

            threading.Thread(target=go, daemon=True).start()

        token = login_device(tokens, show=approve)
        assert token.access_token
        assert http.get("/v1/whoami", auth=BearerAuth(tokens)).json()["subject"]
        http.close()
    finally:
        portal.stop()
