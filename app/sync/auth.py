"""OAuth 2.0 for the portal: tokens, their storage, refresh, and the three ways to sign in.

- ``client_credentials`` for IT automation (client id + secret from the environment or the OS keyring).
- Authorization code + PKCE S256 with a loopback redirect on ``127.0.0.1`` and a random port, in the system
  browser (RFC 8252, RFC 7636): ``login_browser``.
- Device authorization grant (RFC 8628) for machines without a browser: ``login_device``; polls at
  ``interval``, +5 s on ``slow_down``.
- Refresh tokens are rotated (RFC 9700): every refresh stores the new refresh token and forgets the old one.
  The access token is refreshed ``refresh_skew`` seconds before it expires; a 401 triggers one refresh.

Tokens live behind ``TokenStore``: the OS keyring, or memory when automation runs without a keyring (the
``LABSYNC_PASSPHRASE`` convention). Never a plaintext file. Tokens never reach a log line, a repr or an
exception.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import http.server
import json
import logging
import os
import secrets
import threading
import time
import webbrowser
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from app.sync.errors import AuthError, PortalUnavailable, ProtocolError
from app.sync.tls import raise_if_tls_failure

log = logging.getLogger(__name__)

KEYRING_SERVICE = "labsync-portal"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


# --------------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_at: float | None = None  # epoch seconds; None = the server did not say
    refresh_token: str | None = None
    token_type: str = "Bearer"  # noqa: S105 - the scheme name
    scope: str | None = None

    def __repr__(self) -> str:
        return (
            f"Token(access_token=***, expires_at={self.expires_at!r}, "
            f"refresh_token={'***' if self.refresh_token else None}, scope={self.scope!r})"
        )

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at is not None and self.expires_at - now <= seconds

    def to_json(self) -> str:
        return json.dumps(
            {
                "access_token": self.access_token,
                "expires_at": self.expires_at,
                "refresh_token": self.refresh_token,
                "token_type": self.token_type,
                "scope": self.scope,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Token:
        data = json.loads(text)
        return cls(
            access_token=str(data["access_token"]),
            expires_at=data.get("expires_at"),
            refresh_token=data.get("refresh_token"),
            token_type=data.get("token_type") or "Bearer",
            scope=data.get("scope"),
        )

    @classmethod
    def from_response(cls, data: dict[str, Any], now: float, previous: Token | None = None) -> Token:
        if not isinstance(data.get("access_token"), str):
            raise ProtocolError("the portal's token response has no access_token")
        expires_in = data.get("expires_in")
        refresh = data.get("refresh_token")
        if refresh is None and previous is not None:
            refresh = previous.refresh_token  # servers without rotation keep the old one valid
        return cls(
            access_token=data["access_token"],
            expires_at=now + float(expires_in) if isinstance(expires_in, int | float) else None,
            refresh_token=refresh if isinstance(refresh, str) else None,
            token_type=str(data.get("token_type") or "Bearer"),
            scope=data.get("scope") if isinstance(data.get("scope"), str) else None,
        )


class TokenStore(Protocol):
    """Where tokens are kept between runs. One store holds one portal identity."""

    def load(self) -> Token | None: ...

    def save(self, token: Token) -> None: ...

    def clear(self) -> None: ...


class MemoryTokenStore:
    """Tokens for this process only: automation without a keyring signs in with client credentials."""

    def __init__(self, token: Token | None = None) -> None:
        self._token = token

    def load(self) -> Token | None:
        return self._token

    def save(self, token: Token) -> None:
        self._token = token

    def clear(self) -> None:
        self._token = None


class KeyringTokenStore:
    """Tokens in the OS keyring (Secret Service, Keychain, Credential Manager), per portal+client."""

    def __init__(self, account: str, service: str = KEYRING_SERVICE) -> None:
        self.account = account
        self.service = service

    def load(self) -> Token | None:
        import keyring
        import keyring.errors

        try:
            text = keyring.get_password(self.service, self.account)
        except keyring.errors.KeyringError as exc:
            log.warning("cannot read the portal token from the keyring (%s)", type(exc).__name__)
            return None
        if not text:
            return None
        try:
            return Token.from_json(text)
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring an unreadable portal token in the keyring")
            return None

    def save(self, token: Token) -> None:
        import keyring
        import keyring.errors

        try:
            keyring.set_password(self.service, self.account, token.to_json())
        except keyring.errors.KeyringError as exc:
            raise AuthError(
                f"cannot store the portal token in the OS keyring ({type(exc).__name__})"
            ) from None

    def clear(self) -> None:
        import keyring
        import keyring.errors

        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(self.service, self.account)


def keyring_usable() -> bool:
    """True when a real keyring backend is available (not the fail/null backends, not a plaintext file)."""
    if os.environ.get("LABSYNC_PASSPHRASE"):
        return False  # automation: the keyring is not consulted (same rule as the workspace key)
    try:
        import keyring
        from keyring.backends import fail
    except ImportError:  # pragma: no cover - keyring is a dependency
        return False
    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    if isinstance(backend, fail.Keyring) or "null" in name.lower() or "plaintext" in name.lower():
        return False
    return float(getattr(backend, "priority", 0)) > 0


def token_account(portal_url: str, client_id: str) -> str:
    return f"{portal_url.rstrip('/')}|{client_id}"


def default_token_store(portal_url: str, client_id: str) -> TokenStore:
    if keyring_usable():
        return KeyringTokenStore(token_account(portal_url, client_id))
    log.info("no OS keyring in use: portal tokens are kept in memory for this run only")
    return MemoryTokenStore()


def client_secret_from_keyring(portal_url: str, client_id: str) -> str | None:
    if not keyring_usable():
        return None
    import keyring
    import keyring.errors

    try:
        return keyring.get_password(KEYRING_SERVICE + "-client-secret", token_account(portal_url, client_id))
    except keyring.errors.KeyringError:
        return None


# ------------------------------------------------------------------------------------------------ endpoints


@dataclass(frozen=True)
class Endpoints:
    token: str
    authorization: str
    device_authorization: str
    revocation: str | None = None

    @classmethod
    def defaults(cls, base_url: str) -> Endpoints:
        base = base_url.rstrip("/")
        return cls(
            token=f"{base}/oauth/token",
            authorization=f"{base}/oauth/authorize",
            device_authorization=f"{base}/oauth/device_authorization",
            revocation=f"{base}/oauth/revoke",
        )


def discover_endpoints(http: httpx.Client, base_url: str) -> Endpoints:
    """RFC 8414 authorization server metadata when the portal publishes it, else the default paths."""
    fallback = Endpoints.defaults(base_url)
    try:
        response = http.get(f"{base_url.rstrip('/')}/.well-known/oauth-authorization-server")
    except httpx.TransportError as exc:
        raise_if_tls_failure(exc, base_url)
        raise PortalUnavailable(f"cannot reach the portal at {base_url} ({type(exc).__name__})") from None
    if response.status_code != 200:
        return fallback
    try:
        meta = response.json()
    except ValueError:
        return fallback
    if not isinstance(meta, dict):
        return fallback

    def pick(key: str, default: str | None) -> str | None:
        value = meta.get(key)
        return value if isinstance(value, str) and value else default

    return Endpoints(
        token=pick("token_endpoint", fallback.token) or fallback.token,
        authorization=pick("authorization_endpoint", fallback.authorization) or fallback.authorization,
        device_authorization=pick("device_authorization_endpoint", fallback.device_authorization)
        or fallback.device_authorization,
        revocation=pick("revocation_endpoint", fallback.revocation),
    )


# ----------------------------------------------------------------------------------------- token requests


def _token_request(
    http: httpx.Client,
    url: str,
    form: dict[str, str],
    *,
    client_id: str,
    client_secret: str | None,
) -> dict[str, Any]:
    """POST to the token endpoint: the JSON body on 200, else an OAuth error dict (``{"error": ...}``)."""
    data = dict(form)
    headers = {"Accept": "application/json"}
    if client_secret:
        # client_secret_basic (RFC 6749 2.3.1)
        pair = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {pair}"
    else:
        data["client_id"] = client_id  # public client (PKCE, device)
    try:
        response = http.post(url, data=data, headers=headers)
    except httpx.TransportError as exc:
        raise_if_tls_failure(exc, url)
        raise PortalUnavailable(f"cannot reach the portal's token endpoint ({type(exc).__name__})") from None
    if response.status_code >= 500 or response.status_code == 429:
        raise PortalUnavailable(f"the portal's token endpoint answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise ProtocolError(
            f"the portal's token endpoint answered {response.status_code} without JSON"
        ) from None
    if not isinstance(body, dict):
        raise ProtocolError("the portal's token endpoint answered a non-object")
    if response.status_code != 200 and "error" not in body:
        body["error"] = f"http_{response.status_code}"
    return body


def _oauth_error(body: dict[str, Any], doing: str) -> AuthError:
    code = str(body.get("error"))
    # error_description is server text; it never contains our secrets, but keep it short.
    description = str(body.get("error_description") or "")[:200]
    suffix = f": {description}" if description else ""
    return AuthError(f"{doing} refused by the portal ({code}){suffix}")


class TokenManager:
    """Gives out a valid access token: from the store, refreshed before expiry, or by client credentials."""

    def __init__(
        self,
        http: httpx.Client,
        endpoints: Endpoints | Callable[[], Endpoints],
        *,
        client_id: str,
        client_secret: str | None,
        store: TokenStore,
        scope: str | None = None,
        refresh_skew: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._endpoints = endpoints
        self.client_id = client_id
        self._client_secret = client_secret
        self.store = store
        self.scope = scope
        self.refresh_skew = refresh_skew
        self._clock = clock
        self._token: Token | None = None
        self.refreshes = 0  # counters for tests and the report
        self.grants = 0

    @property
    def endpoints(self) -> Endpoints:
        if callable(self._endpoints):
            self._endpoints = self._endpoints()
        return self._endpoints

    def current(self) -> Token | None:
        if self._token is None:
            self._token = self.store.load()
        return self._token

    def access_token(self) -> str:
        token = self.current()
        now = self._clock()
        if token is not None and not token.expires_within(self.refresh_skew, now):
            return token.access_token
        return self.renew(token).access_token

    def renew(self, stale: Token | None = None) -> Token:
        """A new access token: refresh if a refresh token exists, else client credentials, else AuthError."""
        token = stale if stale is not None else self.current()
        if token is not None and token.refresh_token:
            try:
                return self.refresh(token)
            except AuthError:
                if not self._client_secret:
                    raise
                log.info("refresh refused; signing in again with client credentials")
        if self._client_secret:
            return self.client_credentials()
        raise AuthError("not signed in to the portal (or the session expired): run `labsync login`")

    def on_unauthorized(self, rejected_access_token: str) -> str:
        """A 401 for ``rejected_access_token``: renew once (unless already renewed); the new access token."""
        token = self.current()
        if token is not None and token.access_token != rejected_access_token:
            return token.access_token
        return self.renew(token).access_token

    def client_credentials(self) -> Token:
        form = {"grant_type": "client_credentials"}
        if self.scope:
            form["scope"] = self.scope
        body = _token_request(
            self._http,
            self.endpoints.token,
            form,
            client_id=self.client_id,
            client_secret=self._client_secret,
        )
        if "error" in body:
            raise _oauth_error(body, "client credentials sign-in")
        self.grants += 1
        return self._keep(Token.from_response(body, self._clock()))

    def refresh(self, token: Token) -> Token:
        if not token.refresh_token:
            raise AuthError("no refresh token: run `labsync login`")
        form = {"grant_type": "refresh_token", "refresh_token": token.refresh_token}
        body = _token_request(
            self._http,
            self.endpoints.token,
            form,
            client_id=self.client_id,
            client_secret=self._client_secret,
        )
        if "error" in body:
            self.store.clear()
            self._token = None
            raise _oauth_error(body, "token refresh")
        self.refreshes += 1
        return self._keep(Token.from_response(body, self._clock(), previous=token))

    def adopt(self, token: Token) -> Token:
        """Keep a token obtained by an interactive login."""
        return self._keep(token)

    def _keep(self, token: Token) -> Token:
        self._token = token
        self.store.save(token)
        return token

    def logout(self) -> None:
        token = self.current()
        revocation = self.endpoints.revocation if token is not None else None
        if token is not None and revocation:
            for value, hint in ((token.refresh_token, "refresh_token"), (token.access_token, "access_token")):
                if not value:
                    continue
                try:
                    _token_request(
                        self._http,
                        revocation,
                        {"token": value, "token_type_hint": hint},
                        client_id=self.client_id,
                        client_secret=self._client_secret,
                    )
                except (PortalUnavailable, ProtocolError):
                    log.info("could not revoke the %s at the portal; forgetting it locally", hint)
        self.store.clear()
        self._token = None


class BearerAuth(httpx.Auth):
    """httpx auth flow: the bearer token on every request; a 401 renews the token once and resends."""

    def __init__(self, tokens: TokenManager) -> None:
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        access = self.tokens.access_token()
        request.headers["Authorization"] = f"Bearer {access}"
        response = yield request
        if response.status_code == 401:
            response.read()
            request.headers["Authorization"] = f"Bearer {self.tokens.on_unauthorized(access)}"
            yield request


# ---------------------------------------------------------------------------------------- interactive login


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge) for PKCE S256: a 64-character verifier, BASE64URL(SHA256(verifier))."""
    verifier = secrets.token_urlsafe(48)  # 64 characters from the unreserved set
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


class _LoopbackHandler(http.server.BaseHTTPRequestHandler):
    server: _LoopbackServer

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/callback":
            self.send_error(404)
            return
        params = {k: v[0] for k, v in parse_qs(parts.query).items() if v}
        ok = "code" in params and params.get("state") == self.server.expected_state
        message = "Signed in to the portal. You can close this window." if ok else "Sign-in failed."
        body = f"<!doctype html><title>LabSync</title><p>{html.escape(message)}</p>".encode()
        self.send_response(200 if ok else 400)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if params.get("state") == self.server.expected_state or "error" in params:
            self.server.result = params
            self.server.done.set()

    def log_message(self, format: str, *args: Any) -> None:  # the query holds the code: never log it
        return


class _LoopbackServer(http.server.HTTPServer):
    def __init__(self, expected_state: str) -> None:
        super().__init__(("127.0.0.1", 0), _LoopbackHandler)
        self.expected_state = expected_state
        self.result: dict[str, str] | None = None
        self.done = threading.Event()


def login_browser(
    tokens: TokenManager,
    *,
    open_browser: Callable[[str], object] = webbrowser.open,
    timeout: float = 300.0,
) -> Token:
    """Authorization code + PKCE S256 through the system browser and a loopback redirect (RFC 8252)."""
    state = secrets.token_urlsafe(24)
    verifier, challenge = pkce_pair()
    server = _LoopbackServer(state)
    port = server.server_address[1]
    redirect_uri = f"http://127.0.0.1:{port}/callback"
    query = {
        "response_type": "code",
        "client_id": tokens.client_id,
        "redirect_uri": redirect_uri,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": state,
    }
    if tokens.scope:
        query["scope"] = tokens.scope
    url = f"{tokens.endpoints.authorization}?{urlencode(query)}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        open_browser(url)
        if not server.done.wait(timeout):
            raise AuthError("sign-in timed out: the browser did not come back to LabSync")
        result = server.result or {}
    finally:
        server.shutdown()
        server.server_close()
    if "error" in result:
        raise _oauth_error(result, "browser sign-in")
    if result.get("state") != state or "code" not in result:
        raise AuthError("browser sign-in failed: the redirect did not carry our state")
    body = _token_request(
        tokens._http,
        tokens.endpoints.token,
        {
            "grant_type": "authorization_code",
            "code": result["code"],
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        client_id=tokens.client_id,
        client_secret=None,
    )
    if "error" in body:
        raise _oauth_error(body, "browser sign-in")
    return tokens.adopt(Token.from_response(body, tokens._clock()))


@dataclass(frozen=True)
class DevicePrompt:
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    expires_in: float


def login_device(
    tokens: TokenManager,
    *,
    show: Callable[[DevicePrompt], object],
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Token:
    """Device authorization grant (RFC 8628): show the user code, poll at ``interval`` (+5 s on slow_down)."""
    form = {"client_id": tokens.client_id}
    if tokens.scope:
        form["scope"] = tokens.scope
    try:
        response = tokens._http.post(tokens.endpoints.device_authorization, data=form)
    except httpx.TransportError as exc:
        raise_if_tls_failure(exc, tokens.endpoints.device_authorization)
        raise PortalUnavailable(f"cannot reach the portal ({type(exc).__name__})") from None
    try:
        start = response.json()
    except ValueError:
        raise ProtocolError("the portal's device authorization answer is not JSON") from None
    if response.status_code != 200 or not isinstance(start, dict) or "device_code" not in start:
        raise _oauth_error(start if isinstance(start, dict) else {}, "device sign-in")
    interval = float(start.get("interval") or 5)
    expires_in = float(start.get("expires_in") or 600)
    show(
        DevicePrompt(
            user_code=str(start["user_code"]),
            verification_uri=str(start["verification_uri"]),
            verification_uri_complete=start.get("verification_uri_complete"),
            expires_in=expires_in,
        )
    )
    deadline = clock() + expires_in
    while True:
        sleep(interval)
        if clock() > deadline:
            raise AuthError(
                "device sign-in expired before it was approved: run `labsync login --device` again"
            )
        body = _token_request(
            tokens._http,
            tokens.endpoints.token,
            {"grant_type": DEVICE_GRANT, "device_code": str(start["device_code"])},
            client_id=tokens.client_id,
            client_secret=None,
        )
        error = body.get("error")
        if error is None:
            return tokens.adopt(Token.from_response(body, tokens._clock()))
        if error == "authorization_pending":
            continue
        if error == "slow_down":
            interval += 5.0
            continue
        raise _oauth_error(body, "device sign-in")
