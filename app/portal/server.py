"""The reference portal's ASGI app (Starlette): the resource API of ``resources/portal-api.yaml``.

This is a REFERENCE IMPLEMENTATION of the contract for tests, the desktop demo and IT rehearsals, not a
production portal: one process, one SQLite file, demo identities, no admin UI, no key expiry.

``create_app(config)`` builds the app; ``app.portal.run`` serves it with uvicorn. OAuth endpoints live in
``app.portal.oauth``; rate limiting and fault injection in ``app.portal.faults``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio.to_thread
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import __version__
from app.portal import contract as c
from app.portal.checks import RecordChecker, default_checker
from app.portal.store import (
    ExistingRecord,
    NewRecord,
    PortalStore,
    Principal,
    StoredResponse,
    utc_now_iso,
)
from app.validation.violations import Severity, Violation

log = logging.getLogger(__name__)

T = TypeVar("T")

LAB_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
RECORD_KEY_PATTERN = r"^[!-~]{1,255}$"
_LAB_RE = re.compile(LAB_PATTERN)
_RECORD_KEY_RE = re.compile(RECORD_KEY_PATTERN)
_RECORD_ID_RE = re.compile(r"^rec_([0-9]{1,18})$")


@dataclass
class PortalConfig:
    """Everything the app needs; ``app.portal.run.start_portal`` fills it from its arguments."""

    db_path: Path
    checker: RecordChecker | None = None
    policy_file: Path | None = None
    as_of: dt.date | None = None  # validation date; None = the server's date (UTC) per request
    max_batch_records: int = c.MAX_BATCH_RECORDS
    max_body_bytes: int = 16 * 1024 * 1024
    access_token_ttl: int = 3600
    refresh_token_ttl: int = 30 * 24 * 3600
    code_ttl: int = 120
    device_code_ttl: int = 600
    device_interval: int = 5
    device_slow_down_step: int = 5
    auto_approve_user: str | None = None  # demo/test convenience: /oauth/authorize signs this user in at once
    processing_delay: float = 0.0  # test hook: seconds a batch spends "in flight" before it is processed
    issuer: str = "http://127.0.0.1"  # set to the real base URL once the port is known
    extra: dict[str, Any] = field(default_factory=dict)


# -- request models (mirror components.schemas of the OpenAPI file) ------------------------------------------

RecordKey = Annotated[str, StringConstraints(pattern=RECORD_KEY_PATTERN)]
LabId = Annotated[str, StringConstraints(pattern=LAB_PATTERN)]
RecordTypeName = Literal["chemical_inventory", "equipment", "waste_manifest", "cost_share", "attestation"]
ClassificationName = Literal[
    "OSHA_INVENTORY", "NSF_EQUIPMENT", "EPA_WASTE", "NSF_FINANCIAL", "NIH_ATTESTATION"
]


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    idempotency_key: RecordKey
    record_type: RecordTypeName
    classification: ClassificationName
    lab: LabId
    owner: Annotated[str, StringConstraints(max_length=200)] | None = None
    source_ref: Annotated[str, StringConstraints(max_length=500)] | None = None
    payload: dict[str, Any] = Field(max_length=100)
    payload_hash: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")] | None = None

    @field_validator("payload_hash", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("payload_hash may be omitted but not null")
        return value


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    records: list[RecordIn] = Field(min_length=1)


# -- response helpers --------------------------------------------------------------------------------


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(_dumps(value), status_code=status, media_type="application/json", headers=headers)


def problem_body(status: int, code: str, title: str, detail: str | None = None, **ext: Any) -> bytes:
    body: dict[str, Any] = {
        "type": f"urn:labsync:problem:{code}",
        "title": title,
        "status": status,
        "code": code,
    }
    if detail:
        body["detail"] = detail
    body.update(ext)
    return _dumps(body)


def problem(
    status: int,
    code: str,
    title: str,
    detail: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **ext: Any,
) -> Response:
    return Response(
        problem_body(status, code, title, detail, **ext),
        status_code=status,
        media_type="application/problem+json",
        headers=headers,
    )


class HTTPProblem(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, _, number = text.partition(":")
        if prefix != "v1" or not number.isdigit() or len(number) > 18:
            raise ValueError(cursor)
        return int(number)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPProblem(
            problem(400, "invalid-cursor", "Invalid cursor", "Use the next_cursor of the previous page.")
        ) from None


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def etagged(request: Request, value: Any) -> Response:
    body = _dumps(value)
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def parse_limit(request: Request) -> int:
    text = request.query_params.get("limit")
    if text is None:
        return 100
    if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= 1000:
        raise HTTPProblem(problem(400, "bad-request", "Invalid limit", "limit must be an integer 1-1000."))
    return int(text)


def _violation(code: str, field_name: str | None, value: str | None, message: str, hint: str) -> Violation:
    return Violation(
        code=code,
        severity=Severity.ERROR,
        row=None,
        field=field_name,
        value=value,
        message=message,
        hint=hint,
        citation="",
    )


# -- the app -----------------------------------------------------------------------------------------


class Portal:
    """State shared by the handlers: the store, the checker, the in-flight request keys."""

    def __init__(self, config: PortalConfig, store: PortalStore) -> None:
        self.config = config
        self.store = store
        self._checker = config.checker
        self.in_flight: dict[tuple[str, str], str] = {}

    @property
    def checker(self) -> RecordChecker:
        if self._checker is None:
            self._checker = default_checker(self.config.policy_file, self._reference_data())
        return self._checker

    def _reference_data(self) -> Any:
        """The portal's awards and locations as the engine's ReferenceData (None when unavailable)."""
        try:
            from app.validation.reference import ReferenceData
        except ImportError:
            return None
        awards = [json.loads(r["data"])["award_number"] for r in self.store.query("SELECT data FROM awards")]
        places = [json.loads(r["data"]) for r in self.store.query("SELECT data FROM locations")]
        return ReferenceData.build(awards=awards, locations=[(p["building"], p["room"]) for p in places])

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        return await anyio.to_thread.run_sync(lambda: fn(*args))

    # -- authentication ------------------------------------------------------------------------------------

    async def principal(self, request: Request, scope: str) -> Principal:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HTTPProblem(
                problem(
                    401,
                    "invalid-token",
                    "Authentication required",
                    "Send Authorization: Bearer <access token>.",
                    headers={"WWW-Authenticate": 'Bearer realm="labsync"'},
                )
            )
        principal = await self.db(self.store.access_principal, token.strip(), time.time())
        if principal is None:
            raise HTTPProblem(
                problem(
                    401,
                    "invalid-token",
                    "Invalid or expired token",
                    "Get a new access token.",
                    headers={"WWW-Authenticate": 'Bearer realm="labsync", error="invalid_token"'},
                )
            )
        if scope not in principal.scopes:
            raise HTTPProblem(
                problem(
                    403,
                    "insufficient-scope",
                    "Insufficient scope",
                    f"This endpoint needs the {scope} scope.",
                    headers={
                        "WWW-Authenticate": (
                            f'Bearer realm="labsync", error="insufficient_scope", scope="{scope}"'
                        )
                    },
                )
            )
        return principal

    # -- meta ----------------------------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return json_response({"status": "ok"})

    async def version(self, request: Request) -> Response:
        policy = await self.db(self.store.policy, None)
        return json_response(
            {
                "api_version": c.API_VERSION,
                "server": c.SERVER_NAME,
                "server_version": __version__,
                "policy_version": policy["version"] if policy is not None else "none",
                "max_batch_records": self.config.max_batch_records,
                "idempotency_key_ttl_seconds": None,
                "record_types": list(c.RECORD_TYPES),
            }
        )

    async def whoami(self, request: Request) -> Response:
        principal = await self._any_scope(request)
        body = principal.to_json()
        body["default_lab"] = await self.db(self._default_lab, principal)
        return json_response(body)

    def _default_lab(self, principal: Principal) -> str | None:
        """The lab a record naming none is filed under: the identity's first lab; for an every-lab identity
        (the demo automation client) the institution's first lab, so a rehearsal needs no extra setting."""
        named = [lab for lab in principal.labs if lab != c.ALL_LABS]
        if named:
            return named[0]
        rows = self.store.query("SELECT lab_id FROM labs ORDER BY lab_id LIMIT 1")
        return str(rows[0]["lab_id"]) if rows else None

    async def _any_scope(self, request: Request) -> Principal:
        try:
            return await self.principal(request, c.SCOPE_REFERENCE)
        except HTTPProblem as exc:
            if exc.response.status_code != 403:
                raise
        try:
            return await self.principal(request, c.SCOPE_READ)
        except HTTPProblem as exc:
            if exc.response.status_code != 403:
                raise
        return await self.principal(request, c.SCOPE_WRITE)

    # -- reference data ------------------------------------------------------------------------------------

    async def _reference(self, request: Request, table: str) -> Response:
        await self.principal(request, c.SCOPE_REFERENCE)
        limit = parse_limit(request)
        after = decode_cursor(request.query_params.get("cursor"))
        rows = await self.db(lambda: self.store.reference_page(table, after_id=after, limit=limit + 1))
        items = [json.loads(r["data"]) for r in rows[:limit]]
        next_cursor = encode_cursor(int(rows[limit - 1]["id"])) if len(rows) > limit else None
        return etagged(request, {"items": items, "next_cursor": next_cursor})

    async def awards(self, request: Request) -> Response:
        return await self._reference(request, "awards")

    async def locations(self, request: Request) -> Response:
        return await self._reference(request, "locations")

    async def personnel(self, request: Request) -> Response:
        return await self._reference(request, "personnel")

    @staticmethod
    def _policy_json(row: Any) -> dict[str, Any]:
        return {
            "version": row["version"],
            "media_type": "application/toml",
            "sha256": row["sha256"],
            "content": row["content"],
            "published_at": row["published_at"],
        }

    async def policy(self, request: Request) -> Response:
        await self.principal(request, c.SCOPE_REFERENCE)
        version = request.path_params.get("version")
        row = await self.db(self.store.policy, version)
        if row is None:
            return problem(404, "not-found", "No such policy version")
        return etagged(request, self._policy_json(row))

    async def policy_versions(self, request: Request) -> Response:
        await self.principal(request, c.SCOPE_REFERENCE)
        limit = parse_limit(request)
        after = decode_cursor(request.query_params.get("cursor"))
        current = await self.db(self.store.policy, None)
        rows = await self.db(lambda: self.store.policy_versions(after_id=after, limit=limit + 1))
        items = [
            {
                "version": r["version"],
                "sha256": r["sha256"],
                "published_at": r["published_at"],
                "current": current is not None and r["id"] == current["id"],
            }
            for r in rows[:limit]
        ]
        next_cursor = encode_cursor(int(rows[limit - 1]["id"])) if len(rows) > limit else None
        return etagged(request, {"items": items, "next_cursor": next_cursor})

    # -- records (reconciliation) --------------------------------------------------------------------------

    @staticmethod
    def _status_json(row: Any) -> dict[str, Any]:
        return {
            "record_id": f"rec_{row['id']}",
            "idempotency_key": row["idempotency_key"],
            "record_type": row["record_type"],
            "classification": row["classification"],
            "lab": row["lab"],
            "owner": row["owner"],
            "source_ref": row["source_ref"],
            "payload_hash": row["payload_hash"],
            "received_at": row["received_at"],
            "submitted_by": row["submitted_by"],
            "review": json.loads(row["review"]),
        }

    async def list_records(self, request: Request) -> Response:
        principal = await self.principal(request, c.SCOPE_READ)
        limit = parse_limit(request)
        after = decode_cursor(request.query_params.get("cursor"))
        record_type = request.query_params.get("record_type")
        lab = request.query_params.get("lab")
        keys = request.query_params.getlist("idempotency_key")
        if record_type is not None and record_type not in c.RECORD_TYPES:
            return problem(400, "bad-request", "Unknown record_type")
        if lab is not None and not _LAB_RE.fullmatch(lab):
            return problem(400, "bad-request", "Invalid lab")
        if len(keys) > 500 or any(not _RECORD_KEY_RE.fullmatch(k) for k in keys):
            return problem(400, "bad-request", "Invalid idempotency_key filter")
        rows = await self.db(
            lambda: self.store.list_records(
                principal, after_id=after, limit=limit + 1, record_type=record_type, lab=lab, keys=keys
            )
        )
        items = [self._status_json(r) for r in rows[:limit]]
        next_cursor = encode_cursor(int(rows[limit - 1]["id"])) if len(rows) > limit else None
        return json_response({"items": items, "next_cursor": next_cursor})

    async def get_record(self, request: Request) -> Response:
        principal = await self.principal(request, c.SCOPE_READ)
        match = _RECORD_ID_RE.fullmatch(request.path_params["record_id"])
        if match is None:
            return problem(400, "bad-request", "Invalid record id")
        row = await self.db(self.store.record, int(match.group(1)))
        if row is None or not principal.may_access_lab(row["lab"]):
            return problem(404, "not-found", "No such record")
        detail = self._status_json(row)
        detail["payload"] = json.loads(row["payload"])
        return json_response(detail)

    # -- batch submission ----------------------------------------------------------------------------------

    async def submit_batch(self, request: Request) -> Response:
        principal = await self.principal(request, c.SCOPE_WRITE)
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
            return problem(
                415, "unsupported-media-type", "Unsupported media type", "Send the batch as application/json."
            )
        header = request.headers.get("idempotency-key")
        if header is None:
            return problem(
                400,
                "idempotency-key-missing",
                "Idempotency-Key header missing",
                'Send Idempotency-Key: "<key>" chosen once per batch and reused on retries.',
            )
        key = c.parse_idempotency_key(header)
        if key is None:
            return problem(
                400,
                "idempotency-key-invalid",
                "Invalid Idempotency-Key",
                "1-255 visible ASCII characters, as a structured-field string.",
            )
        body = await self._read_body(request)
        if body is None:
            return problem(
                413,
                "batch-too-large",
                "Request body too large",
                f"At most {self.config.max_body_bytes} bytes.",
            )
        body_sha256 = hashlib.sha256(body).hexdigest()
        slot = (principal.client_id, key)
        stored = await self.db(self.store.stored_response, principal.client_id, key)
        if stored is not None and stored.body_sha256 == body_sha256:
            # the very same bytes as the first request: replay without parsing (a replay costs a lookup)
            return self._replay_or_conflict(stored, stored.fingerprint)
        try:
            parsed: Any = json.loads(body)
            fingerprint = hashlib.sha256(c.canonical_json(parsed)).hexdigest()
        except (ValueError, RecursionError):
            parsed = _NOT_JSON
            fingerprint = body_sha256
        if stored is not None:
            return self._replay_or_conflict(stored, fingerprint)
        running = self.in_flight.get(slot)
        if running is not None:
            if running != fingerprint:
                return self._reused()
            return problem(
                409,
                "idempotency-request-in-flight",
                "Request in flight",
                "The first request with this Idempotency-Key is still being processed; retry later.",
                headers={"Retry-After": "1"},
            )
        self.in_flight[slot] = fingerprint
        try:
            if self.config.processing_delay > 0:
                await asyncio.sleep(self.config.processing_delay)
            response = await self.db(self._process, principal, key, fingerprint, parsed, body_sha256)
        finally:
            self.in_flight.pop(slot, None)
        return Response(response.body, status_code=response.status, media_type=response.content_type)

    async def _read_body(self, request: Request) -> bytes | None:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.config.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.config.max_body_bytes:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    def _reused(self) -> Response:
        return problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused",
            "This Idempotency-Key was already used with a different request body.",
        )

    def _replay_or_conflict(self, stored: StoredResponse, fingerprint: str) -> Response:
        if stored.fingerprint != fingerprint:
            return self._reused()
        return Response(
            stored.body,
            status_code=stored.status,
            media_type=stored.content_type,
            headers={"Idempotent-Replayed": "true"},
        )

    def _process(
        self, principal: Principal, key: str, fingerprint: str, parsed: Any, body_sha256: str | None = None
    ) -> StoredResponse:
        """Validate and persist a batch; the records and the stored response commit in ONE transaction."""
        outcome = self._evaluate(principal, key, fingerprint, parsed)
        if isinstance(outcome, StoredResponse):
            with self.store.transaction() as conn:
                existing = self.store.stored_response(principal.client_id, key)
                if existing is not None:
                    return existing
                self.store.store_response(conn, principal.client_id, key, outcome, body_sha256)
            return outcome
        records, prepared = outcome
        with self.store.transaction() as conn:
            existing_response = self.store.stored_response(principal.client_id, key)
            if existing_response is not None:  # a concurrent twin finished first (cannot happen in-process)
                return existing_response
            seen: dict[str, ExistingRecord] = self.store.existing_records(
                conn, (r.idempotency_key for r in records)
            )
            now = utc_now_iso()
            results: list[dict[str, Any]] = []
            new_rows: list[tuple[int, NewRecord]] = []
            next_id = self.store.next_record_id(conn)
            for index, (record, prep) in enumerate(zip(records, prepared, strict=True)):
                results.append(self._decide(index, record, prep, seen, new_rows, next_id + len(new_rows)))
            self.store.insert_records(conn, new_rows, principal, key, now)
            summary = {
                s: sum(1 for r in results if r["status"] == s) for s in (c.ACCEPTED, c.DUPLICATE, c.REJECTED)
            }
            body = {
                "request_id": uuid.uuid4().hex,
                "processed_at": now,
                "summary": summary,
                "results": results,
            }
            response = StoredResponse(fingerprint, 200, "application/json", _dumps(body))
            self.store.store_response(conn, principal.client_id, key, response, body_sha256)
        return response

    def _evaluate(
        self, principal: Principal, key: str, fingerprint: str, parsed: Any
    ) -> StoredResponse | tuple[list[RecordIn], list[_Prepared]]:
        if parsed is _NOT_JSON:
            return StoredResponse(
                fingerprint,
                400,
                "application/problem+json",
                problem_body(400, "invalid-body", "Invalid body", "The body is not JSON."),
            )
        if (
            isinstance(parsed, dict)
            and isinstance(parsed.get("records"), list)
            and (len(parsed["records"]) > self.config.max_batch_records)
        ):
            return StoredResponse(
                fingerprint,
                413,
                "application/problem+json",
                problem_body(
                    413,
                    "batch-too-large",
                    "Batch too large",
                    f"At most {self.config.max_batch_records} records per request; split the batch.",
                ),
            )
        try:
            batch = BatchRequest.model_validate(parsed)
        except ValidationError as exc:
            errors = [
                {"pointer": "/" + "/".join(str(p) for p in e["loc"]), "message": e["msg"]}
                for e in exc.errors()[:50]
            ]
            return StoredResponse(
                fingerprint,
                400,
                "application/problem+json",
                problem_body(
                    400,
                    "invalid-body",
                    "Invalid body",
                    "The batch does not match the BatchRequest schema.",
                    errors=errors,
                ),
            )
        known = self.store.lookup_records(r.idempotency_key for r in batch.records)
        as_of = self.config.as_of or dt.datetime.now(dt.UTC).date()
        prepared = [self._prepare(principal, record, known, as_of) for record in batch.records]
        return batch.records, prepared

    def _prepare(
        self, principal: Principal, record: RecordIn, known: dict[str, ExistingRecord], as_of: dt.date
    ) -> _Prepared:
        payload_json = c.canonical_json(record.payload).decode("utf-8")
        phash = hashlib.sha256(payload_json.encode("utf-8")).hexdigest()
        errors: list[Violation] = []
        if c.CLASSIFICATION_OF[record.record_type] != record.classification:
            errors.append(
                _violation(
                    c.CLASSIFICATION_MISMATCH,
                    "classification",
                    record.classification,
                    f"A {record.record_type} record is classified {c.CLASSIFICATION_OF[record.record_type]}.",
                    "Send the classification of the record type.",
                )
            )
        if record.record_type not in principal.record_types:
            errors.append(
                _violation(
                    c.RECORD_TYPE_NOT_ALLOWED,
                    "record_type",
                    record.record_type,
                    f"This client may not submit {record.record_type} records.",
                    "Ask IT to grant the record type.",
                )
            )
        if not principal.may_access_lab(record.lab):
            errors.append(
                _violation(
                    c.LAB_SCOPE_DENIED,
                    "lab",
                    record.lab,
                    f"Your sign-in is not allowed to submit for {record.lab}.",
                    "Sign in with an account of that lab, or correct the lab.",
                )
            )
        if record.record_type in c.PI_ONLY_RECORD_TYPES and c.ROLE_PI not in principal.roles:
            errors.append(
                _violation(
                    c.PI_ROLE_REQUIRED,
                    None,
                    None,
                    "Only a principal investigator may submit an attestation.",
                    "Have the PI sign in and submit it.",
                )
            )
        if record.payload_hash is not None and record.payload_hash != phash:
            errors.append(
                _violation(
                    c.PAYLOAD_HASH_MISMATCH,
                    "payload_hash",
                    record.payload_hash,
                    "payload_hash does not match the payload.",
                    "Hash the canonical JSON of the payload.",
                )
            )
        violations: list[Violation] = []
        if not errors and record.idempotency_key not in known:
            try:
                violations = self.checker.check(record.record_type, record.payload, as_of)
            except Exception as exc:  # a validator bug must not turn into a 500 loop on the client
                log.exception("validation failed for a %s record", record.record_type)
                violations = [
                    _violation(
                        c.PAYLOAD_INVALID,
                        None,
                        None,
                        f"The portal could not validate it: {exc}",
                        "Report this to the portal administrators.",
                    )
                ]
        return _Prepared(
            payload_json=payload_json, payload_hash=phash, scope_errors=errors, violations=violations
        )

    def _decide(
        self,
        index: int,
        record: RecordIn,
        prep: _Prepared,
        seen: dict[str, ExistingRecord],
        new_rows: list[tuple[int, NewRecord]],
        record_id: int,
    ) -> dict[str, Any]:
        """The result of one record; an accepted record is appended to ``new_rows`` with ``record_id``."""
        result: dict[str, Any] = {
            "index": index,
            "idempotency_key": record.idempotency_key,
            "payload_hash": prep.payload_hash,
            "record_id": None,
            "review": None,
        }
        if prep.scope_errors:
            return {**result, "status": c.REJECTED, "violations": [v.to_json() for v in prep.scope_errors]}
        stored = seen.get(record.idempotency_key)
        if stored is not None:
            if stored.payload_hash == prep.payload_hash:
                return {
                    **result,
                    "status": c.DUPLICATE,
                    "record_id": f"rec_{stored.record_id}",
                    "review": stored.review,
                    "violations": [],
                }
            conflict = _violation(
                c.IDEMPOTENCY_CONFLICT,
                None,
                record.idempotency_key,
                "A different record was already stored under this record key.",
                "A changed record needs a new record key.",
            )
            return {**result, "status": c.REJECTED, "violations": [conflict.to_json()]}
        if any(v.is_error for v in prep.violations):
            return {**result, "status": c.REJECTED, "violations": [v.to_json() for v in prep.violations]}
        review = dict(c.REVIEW_DEFAULTS.get(record.record_type, {}))
        new = NewRecord(
            idempotency_key=record.idempotency_key,
            record_type=record.record_type,
            classification=record.classification,
            lab=record.lab,
            owner=record.owner,
            source_ref=record.source_ref,
            payload_json=prep.payload_json,
            payload_hash=prep.payload_hash,
            review=review,
        )
        new_rows.append((record_id, new))
        seen[record.idempotency_key] = ExistingRecord(record_id, prep.payload_hash, review)
        return {
            **result,
            "status": c.ACCEPTED,
            "record_id": f"rec_{record_id}",
            "review": review,
            "violations": [v.to_json() for v in prep.violations],
        }


@dataclass(frozen=True)
class _Prepared:
    payload_json: str
    payload_hash: str
    scope_errors: list[Violation]
    violations: list[Violation]


_NOT_JSON = object()


def _wrap(handler: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except HTTPProblem as exc:
            return exc.response

    return endpoint


def create_app(config: PortalConfig, store: PortalStore | None = None) -> tuple[Starlette, Portal]:
    """The ASGI app and its state. The caller owns ``store`` (created from ``config.db_path`` if None)."""
    from app.portal.oauth import OAuth

    store = store or PortalStore(config.db_path)
    portal = Portal(config, store)
    oauth = OAuth(config, store)
    routes: Sequence[tuple[str, Callable[[Request], Awaitable[Response]], list[str]]] = [
        ("/v1/health", portal.health, ["GET"]),
        ("/v1/version", portal.version, ["GET"]),
        ("/v1/whoami", portal.whoami, ["GET"]),
        ("/v1/reference/awards", portal.awards, ["GET"]),
        ("/v1/reference/locations", portal.locations, ["GET"]),
        ("/v1/reference/personnel", portal.personnel, ["GET"]),
        ("/v1/reference/policy", portal.policy, ["GET"]),
        ("/v1/reference/policy/versions", portal.policy_versions, ["GET"]),
        ("/v1/reference/policy/{version}", portal.policy, ["GET"]),
        ("/v1/records:batch", portal.submit_batch, ["POST"]),
        ("/v1/records", portal.list_records, ["GET"]),
        ("/v1/records/{record_id}", portal.get_record, ["GET"]),
        *oauth.routes(),
    ]
    app = Starlette(
        routes=[Route(path, _wrap(handler), methods=methods) for path, handler, methods in routes],
        exception_handlers={
            404: _not_found,
            405: _method_not_allowed,
            500: _server_error,
        },
    )
    return app, portal


async def _not_found(request: Request, exc: Exception) -> Response:
    return problem(404, "not-found", "Not found")


async def _method_not_allowed(request: Request, exc: Exception) -> Response:
    return problem(405, "method-not-allowed", "Method not allowed")


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error in the reference portal", exc_info=exc)
    return problem(500, "server-error", "Internal server error")
