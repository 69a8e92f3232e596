"""An in-memory outbox implementing the workspace's sync-facing methods (for unit tests only), and a tiny
in-process fake portal behind httpx.MockTransport. Integration tests use the real Workspace and portal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from app.sync import wire


@dataclass
class Entry:
    id: int
    idempotency_key: str
    payload: dict[str, Any]
    record_type: str = "chemical_inventory"
    classification: str = "OSHA_INVENTORY"
    lab: str = "LAB-A"
    row: int = 0
    batch_id: int = 1
    state: str = "PENDING"
    request_key: str | None = None
    next_attempt_at: datetime | None = None
    violations: list[Any] = field(default_factory=list)
    last_error: str | None = None

    @property
    def row_id(self) -> int:
        return self.id


@dataclass
class Attempt:
    request_key: str
    entries: list[Entry]
    attempts: int = 1
    lab: str | None = None


@dataclass
class Row:
    id: int
    row_no: int


class FakeOutbox:
    def __init__(self, n: int = 0) -> None:
        self.entries: dict[int, Entry] = {}
        self.audit: list[tuple[str, str, int]] = []
        self.members: dict[str, list[int]] = {}
        self.labs: dict[str, str | None] = {}
        self.attempts: dict[str, int] = {}
        self.retries: list[tuple[str, int, str]] = []
        for i in range(1, n + 1):
            self.add(i)

    def add(self, i: int, payload: dict[str, Any] | None = None) -> Entry:
        payload = payload if payload is not None else {"name": f"chem {i}", "lab": "LAB-A"}
        entry = Entry(
            id=i, idempotency_key=f"rec-{i}-{wire.payload_hash(payload)[:8]}", payload=payload, row=i + 1
        )
        self.entries[i] = entry
        return entry

    def due_outbox(self, limit: int, now: datetime) -> list[Entry]:
        due = [
            e
            for e in self.entries.values()
            if e.state == "PENDING"
            or (e.state == "RETRY_WAIT" and e.request_key is None and (e.next_attempt_at or now) <= now)
        ]
        return sorted(due, key=lambda e: e.id)[:limit]

    def begin_send(self, entry_ids: list[int], request_key: str, *, lab: str | None = None) -> Attempt:
        self.members[request_key] = sorted(entry_ids)
        self.labs[request_key] = lab
        self.attempts[request_key] = 1
        for i in entry_ids:
            self.entries[i].state = "SENDING"
            self.entries[i].request_key = request_key
            self.audit.append(("send", request_key, i))
        return self._attempt(request_key)

    def _attempt(self, key: str) -> Attempt:
        return Attempt(key, [self.entries[i] for i in self.members[key]], self.attempts[key], self.labs[key])

    def open_sends(self) -> list[Attempt]:
        keys = {e.request_key for e in self.entries.values() if e.state == "SENDING" and e.request_key}
        return [self._attempt(k) for k in sorted(keys, key=str)]

    def waiting_sends(self, now: datetime, *, limit: int | None = None) -> list[Attempt]:
        keys: dict[str, list[Entry]] = {}
        for e in self.entries.values():
            if e.state == "RETRY_WAIT" and e.request_key:
                keys.setdefault(e.request_key, []).append(e)
        due = [k for k, es in keys.items() if all((e.next_attempt_at or now) <= now for e in es)]
        return [self._attempt(k) for k in due][:limit]

    def resume_send(self, request_key: str, reason: str) -> Attempt:
        self.attempts[request_key] += 1
        for i in self.members[request_key]:
            e = self.entries[i]
            if e.state == "RETRY_WAIT" and e.request_key == request_key:
                e.state = "SENDING"
        self.audit.append(("retry", request_key, self.attempts[request_key]))
        self.retries.append((request_key, self.attempts[request_key], reason))
        return self._attempt(request_key)

    def record_retry(self, request_key: str, attempt: int, reason: str) -> None:
        self.attempts[request_key] = max(attempt, self.attempts[request_key] + 1)
        self.audit.append(("retry", request_key, self.attempts[request_key]))
        self.retries.append((request_key, self.attempts[request_key], reason))

    def record_retries(self, request_keys: list[str], reason: str) -> None:
        for key in request_keys:
            self.record_retry(key, 0, reason)

    def record_results(self, request_key: str, results: list[Any]) -> None:
        resolved = any(r.state in ("ACKED", "REJECTED") for r in results)
        for r in results:
            e = self.entries[r.entry_id]
            assert e.request_key == request_key
            e.state = str(r.state)
            e.next_attempt_at = r.next_attempt_at
            e.violations = list(r.violations)
            e.last_error = r.error
            if e.state == "RETRY_WAIT" and (r.detach or resolved):
                e.request_key = None
            self.audit.append(
                (
                    {"ACKED": "ack", "REJECTED": "reject", "RETRY_WAIT": "retry_wait"}[e.state],
                    request_key,
                    e.id,
                )
            )

    def rows_by_id(self, ids: list[int]) -> list[Row]:
        return [Row(i, self.entries[i].row) for i in ids if i in self.entries]

    def outbox_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for e in self.entries.values():
            counts[e.state] = counts.get(e.state, 0) + 1
        return counts

    def outbox(self, state: str | None = None) -> list[Entry]:
        return [e for e in self.entries.values() if state is None or e.state == state]

    def states(self) -> dict[str, int]:
        return self.outbox_counts()


class FakePortal:
    """Enough of the contract for unit tests: token endpoint, batch with request + record idempotency."""

    def __init__(self) -> None:
        self.records: dict[str, str] = {}  # record key -> payload hash
        self.stored: dict[str, tuple[str, dict[str, Any]]] = {}  # request key -> (fingerprint, response)
        self.requests: list[httpx.Request] = []
        self.script: list[Any] = []  # per batch request: an int status, an Exception, or None (= serve)
        self.reject: dict[str, str] = {}  # record key -> violation code
        self.valid_tokens: set[str] = set()
        self.tokens_issued = 0
        self.token_requests: list[dict[str, str]] = []
        self.refresh_tokens: set[str] = set()
        self.always_401 = False

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def _issue(self, with_refresh: bool) -> dict[str, Any]:
        self.tokens_issued += 1
        access = f"at-{self.tokens_issued}"
        self.valid_tokens.add(access)
        body: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "x",
        }
        if with_refresh:
            body["refresh_token"] = f"rt-{self.tokens_issued}"
            self.refresh_tokens.add(body["refresh_token"])
        return body

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/.well-known/oauth-authorization-server":
            return httpx.Response(404)
        if path == "/oauth/token":
            form = dict(httpx.QueryParams(request.content.decode()))
            self.token_requests.append(form)
            if form["grant_type"] == "client_credentials":
                return httpx.Response(200, json=self._issue(False))
            if form["grant_type"] == "refresh_token":
                if form["refresh_token"] not in self.refresh_tokens:
                    return httpx.Response(400, json={"error": "invalid_grant"})
                self.refresh_tokens.discard(form["refresh_token"])
                return httpx.Response(200, json=self._issue(True))
            return httpx.Response(400, json={"error": "unsupported_grant_type"})
        auth = request.headers.get("Authorization", "")
        if self.always_401 or auth.removeprefix("Bearer ") not in self.valid_tokens:
            return httpx.Response(
                401, json={"type": "urn:labsync:problem:invalid-token", "title": "x", "status": 401}
            )
        if path == wire.BATCH_PATH:
            step = self.script.pop(0) if self.script else None
            if isinstance(step, Exception):
                raise step
            if isinstance(step, int) and step != 200 and step < 1000:
                return httpx.Response(
                    step,
                    headers={"Retry-After": "2"} if step in (429, 503) else {},
                    json={"type": "x", "title": "x", "status": step},
                )
            key = request.headers["Idempotency-Key"].strip('"')
            body = json.loads(request.content)
            fingerprint = wire.payload_hash(body)
            if key in self.stored:
                fp, resp = self.stored[key]
                if fp != fingerprint:
                    return httpx.Response(
                        422,
                        json={
                            "type": "urn:labsync:problem:idempotency-key-reused",
                            "code": "idempotency-key-reused",
                            "title": "x",
                            "status": 422,
                        },
                    )
                return httpx.Response(200, json=resp, headers={"Idempotent-Replayed": "true"})
            results = []
            for i, rec in enumerate(body["records"]):
                k = rec["idempotency_key"]
                h = wire.payload_hash(rec["payload"])
                if k in self.reject:
                    results.append(
                        {
                            "index": i,
                            "idempotency_key": k,
                            "status": "rejected",
                            "payload_hash": h,
                            "violations": [
                                {
                                    "code": self.reject[k],
                                    "severity": "error",
                                    "field": "cas",
                                    "message": "bad",
                                }
                            ],
                        }
                    )
                elif k in self.records:
                    results.append(
                        {
                            "index": i,
                            "idempotency_key": k,
                            "status": "duplicate",
                            "payload_hash": h,
                            "violations": [],
                        }
                    )
                else:
                    self.records[k] = h
                    results.append(
                        {
                            "index": i,
                            "idempotency_key": k,
                            "status": "accepted",
                            "payload_hash": h,
                            "violations": [],
                        }
                    )
            resp = {"request_id": key, "processed_at": "now", "summary": {}, "results": results}
            self.stored[key] = (fingerprint, resp)
            if step == 1500:  # committed, then the answer is lost
                raise httpx.ReadError("connection reset after commit")
            return httpx.Response(200, json=resp)
        if path == wire.RECORDS_PATH:
            items = [
                {"record_id": f"rec_{i}", "idempotency_key": k, "payload_hash": h}
                for i, (k, h) in enumerate(self.records.items())
            ]
            return httpx.Response(200, json={"items": items, "next_cursor": None})
        return httpx.Response(404)

    def batch_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == wire.BATCH_PATH]
