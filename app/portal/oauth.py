"""OAuth 2.0 endpoints of the reference portal: token, authorize (code + PKCE), device flow, revocation.

Reference implementation only (see ``app.portal``): demo users sign in with a plain HTML form; secrets and
tokens are stored as SHA-256 digests (passwords as PBKDF2).

- RFC 6749 client_credentials, authorization_code; RFC 7636 PKCE (S256 only, required);
- RFC 8252 loopback redirects: ``http://127.0.0.1:{any port}/...`` or ``http://[::1]:{any port}/...``;
- refresh token rotation (RFC 9700 4.14.2): a used refresh token presented again revokes its whole grant;
- RFC 8628 device authorization with ``authorization_pending`` / ``slow_down`` / ``access_denied`` /
  ``expired_token``; RFC 7009 revocation; RFC 8414 metadata.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from typing import Any

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from app.portal import contract as c
from app.portal.server import PortalConfig, json_response
from app.portal.store import Client, PortalStore, Principal, token_digest, verify_password

_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400, *, basic: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.description = description
        self.status = status
        self.basic = basic

    def response(self) -> Response:
        headers = dict(_NO_STORE)
        if self.status == 401:
            headers["WWW-Authenticate"] = 'Basic realm="labsync"'
        return json_response(
            {"error": self.error, "error_description": self.description}, self.status, headers
        )


def pkce_s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).decode().rstrip("=")


def is_loopback_redirect(uri: str) -> bool:
    """RFC 8252 7.3: http, an IP loopback literal, any port; no fragment."""
    try:
        parts = urllib.parse.urlsplit(uri)
        port = parts.port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "::1")
        and port is not None
        and not parts.fragment
        and not parts.username
        and not parts.password
    )


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(uri)
    query = parts.query + ("&" if parts.query else "") + urllib.parse.urlencode(params)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


async def read_form(request: Request) -> dict[str, str]:
    """A form body (application/x-www-form-urlencoded); repeated parameters are an invalid_request."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise OAuthError("invalid_request", "send application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > 64 * 1024:
        raise OAuthError("invalid_request", "request too large")
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except (UnicodeDecodeError, ValueError):
        raise OAuthError("invalid_request", "malformed form body") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise OAuthError("invalid_request", f"parameter {name} repeated")
        form[name] = value
    return form


_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:3em auto">
<p><small>LabSync reference portal (not a production portal)</small></p>
<h1>{title}</h1>{body}</body></html>"""


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(
        _PAGE.format(title=html.escape(title), body=body),
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"},
    )


def _hidden(params: dict[str, str]) -> str:
    return "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )


class OAuth:
    """The OAuth endpoints, sharing the portal's store and configuration."""

    def __init__(self, config: PortalConfig, store: PortalStore) -> None:
        self.config = config
        self.store = store

    def routes(self) -> list[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]]:
        return [
            ("/.well-known/oauth-authorization-server", self.metadata, ["GET"]),
            ("/oauth/token", self.token, ["POST"]),
            ("/oauth/authorize", self.authorize, ["GET", "POST"]),
            ("/oauth/device_authorization", self.device_authorization, ["POST"]),
            ("/oauth/device", self.device_page, ["GET", "POST"]),
            ("/oauth/revoke", self.revoke, ["POST"]),
        ]

    async def _db(self, fn: Callable[[], Any]) -> Any:
        return await anyio.to_thread.run_sync(fn)

    # -- metadata ------------------------------------------------------------------------------------------

    async def metadata(self, request: Request) -> Response:
        base = self.config.issuer.rstrip("/")
        return json_response(
            {
                "issuer": base,
                "authorization_endpoint": f"{base}/oauth/authorize",
                "token_endpoint": f"{base}/oauth/token",
                "device_authorization_endpoint": f"{base}/oauth/device_authorization",
                "revocation_endpoint": f"{base}/oauth/revoke",
                "grant_types_supported": [
                    c.GRANT_CLIENT_CREDENTIALS,
                    c.GRANT_AUTHORIZATION_CODE,
                    c.GRANT_REFRESH_TOKEN,
                    c.GRANT_DEVICE_CODE,
                ],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": [
                    "client_secret_basic",
                    "client_secret_post",
                    "none",
                ],
                "scopes_supported": list(c.ALL_SCOPES),
                "response_types_supported": ["code"],
            }
        )

    # -- client authentication -----------------------------------------------------------------------------

    def _authenticate_client(self, request: Request, form: dict[str, str]) -> Client:
        header = request.headers.get("authorization", "")
        basic = header[:6].lower() == "basic "
        if basic:
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
                raw_id, _, raw_secret = decoded.partition(":")
                client_id = urllib.parse.unquote_plus(raw_id)
                secret: str | None = urllib.parse.unquote_plus(raw_secret)
            except (ValueError, UnicodeDecodeError):
                raise OAuthError("invalid_client", "malformed Basic credentials", 401, basic=True) from None
            if form.get("client_id") not in (None, client_id):
                raise OAuthError("invalid_request", "client_id differs from the authenticated client")
        else:
            client_id = form.get("client_id", "")
            secret = form.get("client_secret")
        if not client_id:
            raise OAuthError("invalid_client", "client authentication required", 401)
        client = self.store.client(client_id)
        if client is None:
            raise OAuthError("invalid_client", "unknown client", 401, basic=basic)
        if client.is_public:
            if secret:
                raise OAuthError("invalid_client", "public clients have no secret", 401, basic=basic)
            return client
        if not secret or not secrets.compare_digest(token_digest(secret), client.secret_sha256 or ""):
            raise OAuthError("invalid_client", "client authentication failed", 401, basic=basic)
        return client

    def _scopes(self, client: Client, requested: str | None) -> frozenset[str]:
        if requested is None or not requested.strip():
            return client.scopes
        wanted = frozenset(requested.split())
        if not wanted <= client.scopes:
            raise OAuthError("invalid_scope", "scope not allowed for this client")
        return wanted

    def _issue(self, principal: Principal, *, refresh: bool, grant_id: str | None) -> dict[str, Any]:
        now = time.time()
        access = secrets.token_urlsafe(32)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.config.access_token_ttl,
            "scope": " ".join(sorted(principal.scopes)),
        }
        with self.store.transaction() as conn:
            self.store.insert_token(
                conn, access, "access", principal, now + self.config.access_token_ttl, grant_id
            )
            if refresh:
                token = secrets.token_urlsafe(32)
                self.store.insert_token(
                    conn, token, "refresh", principal, now + self.config.refresh_token_ttl, grant_id
                )
                body["refresh_token"] = token
        return body

    def _user_principal(self, client: Client, username: str, scopes: frozenset[str]) -> Principal:
        user = self.store.user(username)
        if user is None:
            raise OAuthError("invalid_grant", "the user no longer exists")
        return Principal(
            client_id=client.client_id,
            subject=username,
            kind="user",
            labs=user.labs,
            roles=user.roles,
            scopes=scopes,
            record_types=client.record_types,
        )

    # -- token endpoint ------------------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        try:
            form = await read_form(request)
            body = await self._db(lambda: self._token(request, form))
        except OAuthError as exc:
            return exc.response()
        return json_response(body, headers=_NO_STORE)

    def _token(self, request: Request, form: dict[str, str]) -> dict[str, Any]:
        grant = form.get("grant_type")
        if not grant:
            raise OAuthError("invalid_request", "grant_type is required")
        client = self._authenticate_client(request, form)
        if grant not in (
            c.GRANT_CLIENT_CREDENTIALS,
            c.GRANT_AUTHORIZATION_CODE,
            c.GRANT_REFRESH_TOKEN,
            c.GRANT_DEVICE_CODE,
        ):
            raise OAuthError("unsupported_grant_type", f"unsupported grant_type {grant}")
        if grant not in client.grants:
            raise OAuthError("unauthorized_client", f"this client may not use {grant}")
        if grant == c.GRANT_CLIENT_CREDENTIALS:
            scopes = self._scopes(client, form.get("scope"))
            principal = Principal(
                client_id=client.client_id,
                subject=client.client_id,
                kind="client",
                labs=client.labs,
                roles=client.roles,
                scopes=scopes,
                record_types=client.record_types,
            )
            return self._issue(principal, refresh=False, grant_id=None)
        if grant == c.GRANT_AUTHORIZATION_CODE:
            return self._code_grant(client, form)
        if grant == c.GRANT_REFRESH_TOKEN:
            return self._refresh_grant(client, form)
        return self._device_grant(client, form)

    def _code_grant(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        code, verifier, redirect = form.get("code"), form.get("code_verifier"), form.get("redirect_uri")
        if not code or not verifier or not redirect:
            raise OAuthError("invalid_request", "code, code_verifier and redirect_uri are required")
        rows = self.store.query("SELECT * FROM auth_codes WHERE code_sha256 = ?", (token_digest(code),))
        if not rows:
            raise OAuthError("invalid_grant", "unknown authorization code")
        row = rows[0]
        if row["used"]:
            with self.store.transaction() as conn:  # RFC 6749 4.1.2: code replay revokes what it issued
                self.store.revoke_grant(conn, row["grant_id"])
            raise OAuthError("invalid_grant", "authorization code already used")
        if row["client_id"] != client.client_id or row["redirect_uri"] != redirect:
            raise OAuthError("invalid_grant", "code issued to another client or redirect_uri")
        if row["expires_at"] <= time.time():
            raise OAuthError("invalid_grant", "authorization code expired")
        if not (43 <= len(verifier) <= 128) or not secrets.compare_digest(
            pkce_s256(verifier), row["code_challenge"]
        ):
            raise OAuthError("invalid_grant", "PKCE verification failed")
        with self.store.transaction() as conn:
            updated = conn.execute(
                "UPDATE auth_codes SET used = 1 WHERE code_sha256 = ? AND used = 0", (row["code_sha256"],)
            ).rowcount
        if updated != 1:
            raise OAuthError("invalid_grant", "authorization code already used")
        principal = self._user_principal(client, row["username"], frozenset(row["scopes"].split()))
        return self._issue(principal, refresh=True, grant_id=row["grant_id"])

    def _refresh_grant(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        token = form.get("refresh_token")
        if not token:
            raise OAuthError("invalid_request", "refresh_token is required")
        row = self.store.token_row(token, "refresh")
        if row is None or row["client_id"] != client.client_id:
            raise OAuthError("invalid_grant", "unknown refresh token")
        if row["used"]:
            with self.store.transaction() as conn:
                self.store.revoke_grant(conn, row["grant_id"])
            raise OAuthError("invalid_grant", "refresh token already used; the grant is revoked")
        if row["revoked"] or row["expires_at"] <= time.time():
            raise OAuthError("invalid_grant", "refresh token expired or revoked")
        with self.store.transaction() as conn:
            updated = conn.execute(
                "UPDATE tokens SET used = 1 WHERE token_sha256 = ? AND used = 0", (row["token_sha256"],)
            ).rowcount
        if updated != 1:
            raise OAuthError("invalid_grant", "refresh token already used")
        old = self.store.principal_of(row)
        scopes = old.scopes
        if form.get("scope"):
            wanted = frozenset(form["scope"].split())
            if not wanted <= old.scopes:
                raise OAuthError("invalid_scope", "a refresh may only narrow the scope")
            scopes = wanted
        if old.kind == "user":
            principal = self._user_principal(client, old.subject, scopes)
        else:
            principal = Principal(
                old.client_id, old.subject, old.kind, old.labs, old.roles, scopes, old.record_types
            )
        return self._issue(principal, refresh=True, grant_id=row["grant_id"])

    def _device_grant(self, client: Client, form: dict[str, str]) -> dict[str, Any]:
        device_code = form.get("device_code")
        if not device_code:
            raise OAuthError("invalid_request", "device_code is required")
        digest = token_digest(device_code)
        rows = self.store.query("SELECT * FROM device_codes WHERE device_sha256 = ?", (digest,))
        if not rows or rows[0]["client_id"] != client.client_id:
            raise OAuthError("invalid_grant", "unknown device code")
        row = rows[0]
        now = time.time()
        if row["status"] == "used":
            raise OAuthError("invalid_grant", "device code already used")
        if row["expires_at"] <= now:
            raise OAuthError("expired_token", "the device code expired; start again")
        if row["status"] == "denied":
            raise OAuthError("access_denied", "the user denied the request")
        if row["status"] == "pending":
            with self.store.transaction() as conn:
                if row["last_poll"] is not None and now - row["last_poll"] < row["interval"]:
                    interval = row["interval"] + self.config.device_slow_down_step
                    conn.execute(
                        "UPDATE device_codes SET last_poll = ?, interval = ? WHERE device_sha256 = ?",
                        (now, interval, digest),
                    )
                    error: tuple[str, str] = ("slow_down", f"poll at most every {interval} s")
                else:
                    conn.execute(
                        "UPDATE device_codes SET last_poll = ? WHERE device_sha256 = ?", (now, digest)
                    )
                    error = ("authorization_pending", "the user has not finished yet")
            raise OAuthError(*error)
        with self.store.transaction() as conn:
            updated = conn.execute(
                "UPDATE device_codes SET status = 'used' WHERE device_sha256 = ? AND status = 'approved'",
                (digest,),
            ).rowcount
        if updated != 1:
            raise OAuthError("invalid_grant", "device code already used")
        principal = self._user_principal(client, row["username"], frozenset(row["scopes"].split()))
        return self._issue(principal, refresh=True, grant_id=secrets.token_hex(16))

    # -- authorization code: browser side ------------------------------------------------------------------

    async def authorize(self, request: Request) -> Response:
        if request.method == "GET":
            params = {k: v for k, v in request.query_params.items()}
        else:
            try:
                params = await read_form(request)
            except OAuthError as exc:
                return page("Sign-in failed", f"<p>{html.escape(exc.description)}</p>", 400)
        response: Response = await self._db(lambda: self._authorize(request.method, params))
        return response

    def _authorize(self, method: str, params: dict[str, str]) -> Response:
        client_id, redirect = params.get("client_id", ""), params.get("redirect_uri", "")
        client = self.store.client(client_id) if client_id else None
        if client is None or c.GRANT_AUTHORIZATION_CODE not in client.grants:
            return page("Sign-in failed", "<p>Unknown client.</p>", 400)
        if not is_loopback_redirect(redirect):
            return page("Sign-in failed", "<p>redirect_uri must be a loopback http URI (RFC 8252).</p>", 400)
        state = params.get("state")
        extra = {"state": state} if state is not None else {}

        def fail(error: str, description: str) -> Response:
            return RedirectResponse(
                _with_query(redirect, {"error": error, "error_description": description, **extra}),
                status_code=302,
            )

        if params.get("response_type", "code") != "code":
            return fail("unsupported_response_type", "only response_type=code")
        challenge = params.get("code_challenge", "")
        if (
            params.get("code_challenge_method") != "S256"
            or len(challenge) != 43
            or not all(ch.isalnum() or ch in "-_" for ch in challenge)
        ):
            return fail("invalid_request", "PKCE with code_challenge_method=S256 is required")
        try:
            scopes = self._scopes(client, params.get("scope"))
        except OAuthError:
            return fail("invalid_scope", "scope not allowed for this client")
        username: str | None = None
        if method == "GET":
            if self.config.auto_approve_user is None:
                return self._login_form(params)
            username = self.config.auto_approve_user
        else:
            if params.get("decision", "approve") == "deny":
                return fail("access_denied", "the user denied the request")
            user = self.store.user(params.get("username", ""))
            if user is None or not verify_password(params.get("password", ""), user.password_hash):
                return self._login_form(params, error="Wrong username or password.", status=401)
            username = user.username
        code = secrets.token_urlsafe(32)
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO auth_codes (code_sha256, client_id, redirect_uri, code_challenge, username,"
                " scopes,"
                " expires_at, grant_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    token_digest(code),
                    client.client_id,
                    redirect,
                    challenge,
                    username,
                    " ".join(sorted(scopes)),
                    time.time() + self.config.code_ttl,
                    secrets.token_hex(16),
                ),
            )
        return RedirectResponse(_with_query(redirect, {"code": code, **extra}), status_code=302)

    def _login_form(self, params: dict[str, str], *, error: str | None = None, status: int = 200) -> Response:
        keep = {k: v for k, v in params.items() if k not in ("username", "password", "decision")}
        body = (
            (f'<p style="color:#b00">{html.escape(error)}</p>' if error else "")
            + f"<p>{html.escape(keep.get('client_id', ''))} asks to submit and read records for you.</p>"
            + '<form method="post" action="/oauth/authorize">'
            + _hidden(keep)
            + '<p><label>Username <input name="username" autocomplete="username"></label></p>'
            + '<p><label>Password <input name="password" type="password"></label></p>'
            + '<button name="decision" value="approve">Sign in and allow</button> '
            + '<button name="decision" value="deny">Deny</button></form>'
        )
        return page("Sign in to the research portal", body, status)

    # -- device flow ---------------------------------------------------------------------------------------

    async def device_authorization(self, request: Request) -> Response:
        try:
            form = await read_form(request)
            body = await self._db(lambda: self._device_authorization(request, form))
        except OAuthError as exc:
            return exc.response()
        return json_response(body, headers=_NO_STORE)

    def _device_authorization(self, request: Request, form: dict[str, str]) -> dict[str, Any]:
        client = self._authenticate_client(request, form)
        if c.GRANT_DEVICE_CODE not in client.grants:
            raise OAuthError("unauthorized_client", "this client may not use the device flow")
        scopes = self._scopes(client, form.get("scope"))
        device_code = secrets.token_urlsafe(32)
        raw = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
        user_code = f"{raw[:4]}-{raw[4:]}"
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO device_codes (device_sha256, user_code, client_id, scopes, expires_at, interval)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    token_digest(device_code),
                    raw,
                    client.client_id,
                    " ".join(sorted(scopes)),
                    time.time() + self.config.device_code_ttl,
                    self.config.device_interval,
                ),
            )
        base = self.config.issuer.rstrip("/")
        return {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": f"{base}/oauth/device",
            "verification_uri_complete": f"{base}/oauth/device?user_code={user_code}",
            "expires_in": self.config.device_code_ttl,
            "interval": self.config.device_interval,
        }

    async def device_page(self, request: Request) -> Response:
        if request.method == "GET":
            code = request.query_params.get("user_code", "")
            return self._device_form(code)
        try:
            form = await read_form(request)
        except OAuthError as exc:
            return page("Device sign-in failed", f"<p>{html.escape(exc.description)}</p>", 400)
        response: Response = await self._db(lambda: self._device_submit(form))
        return response

    def _device_form(self, code: str, error: str | None = None, status: int = 200) -> Response:
        body = (
            (f'<p style="color:#b00">{html.escape(error)}</p>' if error else "")
            + '<form method="post" action="/oauth/device">'
            + "<p><label>Code shown on the device "
            + f'<input name="user_code" value="{html.escape(code)}"></label></p>'
            + '<p><label>Username <input name="username" autocomplete="username"></label></p>'
            + '<p><label>Password <input name="password" type="password"></label></p>'
            + '<button name="decision" value="approve">Allow</button> '
            + '<button name="decision" value="deny">Deny</button></form>'
        )
        return page("Connect a device", body, status)

    def _device_submit(self, form: dict[str, str]) -> Response:
        code = "".join(ch for ch in form.get("user_code", "").upper() if ch.isalpha())
        rows = self.store.query("SELECT * FROM device_codes WHERE user_code = ?", (code,))
        if not rows or rows[0]["status"] != "pending" or rows[0]["expires_at"] <= time.time():
            return self._device_form("", "Unknown or expired code.", 400)
        user = self.store.user(form.get("username", ""))
        if user is None or not verify_password(form.get("password", ""), user.password_hash):
            return self._device_form(form.get("user_code", ""), "Wrong username or password.", 401)
        approve = form.get("decision", "approve") != "deny"
        with self.store.transaction() as conn:
            conn.execute(
                "UPDATE device_codes SET status = ?, username = ? WHERE user_code = ?",
                ("approved" if approve else "denied", user.username, code),
            )
        if approve:
            return page("Device connected", "<p>You can close this page and return to the device.</p>")
        return page("Request denied", "<p>The device was not connected.</p>")

    # -- revocation ----------------------------------------------------------------------------------------

    async def revoke(self, request: Request) -> Response:
        try:
            form = await read_form(request)
            await self._db(lambda: self._revoke(request, form))
        except OAuthError as exc:
            return exc.response()
        return Response(status_code=200, headers=_NO_STORE)

    def _revoke(self, request: Request, form: dict[str, str]) -> None:
        token = form.get("token")
        if not token:
            raise OAuthError("invalid_request", "token is required")
        client = self._authenticate_client(request, form)
        rows = self.store.query("SELECT * FROM tokens WHERE token_sha256 = ?", (token_digest(token),))
        if not rows or rows[0]["client_id"] != client.client_id:
            return
        with self.store.transaction() as conn:
            if rows[0]["kind"] == "refresh" and rows[0]["grant_id"]:
                self.store.revoke_grant(conn, rows[0]["grant_id"])
            conn.execute("UPDATE tokens SET revoked = 1 WHERE token_sha256 = ?", (rows[0]["token_sha256"],))
