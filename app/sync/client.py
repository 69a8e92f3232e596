"""The sync client: drains the workspace outbox to the portal, exactly once.

Exactly-once rests on three things:

1. Every record carries its own idempotency key, computed once when it entered the outbox; the portal stores a
   record under that key at most once and answers ``duplicate`` when it already has it.
2. Every batch request carries an ``Idempotency-Key`` chosen *before* the first byte is sent and persisted
   with ``workspace.begin_send`` (entries move to SENDING in the same transaction, with the request's members
   and lab, so its body can be rebuilt byte for byte). Every retry of the batch sends the same key and body:
   in this run (each retry audited by ``workspace.record_retry``), after a crash (``open_sends``), and when a
   batch that could not go was parked in RETRY_WAIT (``waiting_sends``), in a later run or after a restart;
   ``workspace.resume_send`` audits those retries before their first byte.
3. Outcomes are stored with ``workspace.record_results`` in one transaction with their audit entries, and only
   after the portal answered. A crash between the portal's commit and that transaction leaves the entries in
   SENDING; the next run resends the same request and gets the stored response (or ``duplicate``).

Retries: transport errors, timeouts, 408, 409 (in flight), 429 and 5xx retry with full-jitter backoff
(Retry-After is a floor) up to ``max_attempts`` per run, guarded by a circuit breaker; a batch that still
fails waits in RETRY_WAIT. Per-record policy rejections (200 with ``status: rejected``) and 4xx body errors
never retry unchanged: the rows go back to quarantine with the portal's codes.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from app import __version__
from app.sync import wire
from app.sync.auth import (
    BearerAuth,
    Endpoints,
    TokenManager,
    TokenStore,
    client_secret_from_keyring,
    default_token_store,
    discover_endpoints,
)
from app.sync.backoff import Jitter, backoff_delay, parse_retry_after
from app.sync.breaker import BreakerState, CircuitBreaker
from app.sync.errors import AuthError, PortalUnavailable, ProtocolError
from app.sync.settings import SyncSettings
from app.sync.store import (
    ACKED,
    QUEUED_STATES,
    REJECTED,
    RETRY_WAIT,
    OutboxEntry,
    RecordOutcome,
    SyncStore,
    portal_violation,
)
from app.sync.tls import TLSConfig, build_ssl_context, check_portal_url, raise_if_tls_failure

log = logging.getLogger(__name__)

#: progress(done, total): records settled (acked, rejected or parked) in this run, and the queue at start.
Progress = Callable[[int, int], None]

RETRY_STATUSES = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass
class SyncReport:
    requests: int = 0
    retries: int = 0
    acked: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    deferred: int = 0  # put in RETRY_WAIT in this run
    resumed: int = 0  # entries resent from SENDING groups left by an earlier run
    replayed: int = 0  # responses the portal replayed (Idempotent-Replayed: true)
    remaining: int = 0  # PENDING + SENDING + RETRY_WAIT after the run
    circuit_open: bool = False
    reason: str | None = None  # why work remains, one line
    elapsed: float = 0.0
    rejections: dict[int, list[str]] = field(default_factory=dict)  # entry id -> codes

    @property
    def done(self) -> bool:
        return self.remaining == 0

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "retries": self.retries,
            "acked": self.acked,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "deferred": self.deferred,
            "resumed": self.resumed,
            "replayed": self.replayed,
            "remaining": self.remaining,
            "circuit_open": self.circuit_open,
            "reason": self.reason,
            "elapsed_s": round(self.elapsed, 3),
        }


@dataclass
class _Sent:
    """What the network half of a delivery found out (see ``SyncClient._send``)."""

    kind: str = "park"  # ok | park | reject_all | too_large
    response: httpx.Response | None = None
    status: int = 0
    data: Any = None
    delay: float = 0.0
    why: str = ""
    reason: str = ""
    requests: int = 0
    retries: int = 0


#: A group to send: its request key, its members (ordered by id) and the lab sent with records naming none.
_Group = tuple[str, list[OutboxEntry], str | None]


class _GiveUp(Exception):
    """This batch cannot go now (retries exhausted or circuit open); the run stops, work stays queued."""


def new_request_key() -> str:
    return f"lsb-{uuid.uuid4()}"


def build_http_client(
    settings: SyncSettings, transport: httpx.BaseTransport | None = None
) -> tuple[httpx.Client, str]:
    portal = check_portal_url(settings.require_portal(), allow_insecure=settings.allow_insecure_http)
    verify = build_ssl_context(
        TLSConfig(
            ca_bundle=settings.ca_bundle,
            min_version=settings.min_tls_version,
            client_cert=settings.client_cert,
            client_key=settings.client_key,
        )
    )
    timeout = httpx.Timeout(settings.timeout, connect=min(settings.timeout, 10.0))
    http = httpx.Client(
        base_url=portal,
        verify=verify,
        trust_env=True,  # HTTPS_PROXY / NO_PROXY from the environment
        timeout=timeout,
        transport=transport,
        proxy=settings.proxy,
        follow_redirects=False,
        headers={"User-Agent": f"labsync/{__version__}", "Accept": "application/json"},
    )
    return http, portal


def token_manager_for(settings: SyncSettings) -> tuple[httpx.Client, TokenManager, bool]:
    """The HTTP client and token manager of an interactive sign-in (CLI ``login``, the app's Sign in).

    The client secret comes from the settings (``LABSYNC_CLIENT_SECRET``) or the OS keyring; the flag says
    whether one is known (client credentials) or a person must sign in (browser or device flow). The caller
    closes the HTTP client."""
    client_id = settings.require_client_id()
    http, portal = build_http_client(settings)
    secret = settings.client_secret or client_secret_from_keyring(portal, client_id)
    tokens = TokenManager(
        http,
        lambda: discover_endpoints(http, portal),
        client_id=client_id,
        client_secret=secret,
        store=default_token_store(portal, client_id),
        scope=settings.scope,
    )
    return http, tokens, bool(secret)


class SyncClient:
    def __init__(
        self,
        workspace: SyncStore,
        settings: SyncSettings,
        transport: httpx.BaseTransport | None = None,
        *,
        token_store: TokenStore | None = None,
        sleep: Callable[[float], object] = time.sleep,
        jitter: Jitter = random.uniform,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.workspace = workspace
        self.settings = settings
        self.http, self.portal_url = build_http_client(settings, transport)
        client_id = settings.require_client_id()
        secret = settings.client_secret or client_secret_from_keyring(self.portal_url, client_id)
        self.tokens = TokenManager(
            self.http,
            lambda: self._discover(),
            client_id=client_id,
            client_secret=secret,
            store=token_store if token_store is not None else default_token_store(self.portal_url, client_id),
            scope=settings.scope,
            refresh_skew=settings.refresh_skew,
        )
        self.auth = BearerAuth(self.tokens)
        self._sleep = sleep
        self._jitter = jitter
        self._now = now
        self.breaker = breaker or CircuitBreaker(
            failure_threshold=settings.breaker_threshold, cooldown=settings.breaker_cooldown, clock=clock
        )
        self.batch_size = settings.batch_size
        self._lab: str | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _discover(self) -> Endpoints:
        try:
            return discover_endpoints(self.http, self.portal_url)
        except PortalUnavailable:
            return Endpoints.defaults(self.portal_url)

    # ------------------------------------------------------------------------------------------ sending

    def queued(self) -> int:
        counts = self.workspace.outbox_counts()
        return sum(n for state, n in counts.items() if state in QUEUED_STATES)

    def sync_once(
        self, progress: Progress | None = None, *, stop: threading.Event | None = None
    ) -> SyncReport:
        """Resume interrupted sends, then drain what is due. Never raises for an unreachable portal: the
        report says how much remains and why. Raises AuthError/ConfigError/ProtocolError (exit 2)."""
        started = time.monotonic()
        report = SyncReport()
        total = self.queued()
        settled = 0

        def advance(n: int) -> None:
            nonlocal settled
            settled += n
            if progress is not None:
                progress(min(settled, total), total)

        if progress is not None:
            progress(0, total)
        try:
            self._pipeline(self._batches(report, self.lab()), report, advance, stop)
        except _GiveUp as exc:
            report.reason = str(exc)
        except PortalUnavailable as exc:  # the lab could not be asked for: nothing was claimed
            report.reason = str(exc)
        report.circuit_open = self.breaker.state is not BreakerState.CLOSED
        report.remaining = self.queued()
        if report.remaining and report.reason is None:
            report.reason = "stopped" if stop is not None and stop.is_set() else "records wait for a retry"
        report.elapsed = time.monotonic() - started
        return report

    def _batches(self, report: SyncReport, lab: str | None) -> Iterator[_Group]:
        """The groups to send, each under its persisted request key: sends left open by a crash first, then
        requests parked in RETRY_WAIT that are due again (same key, same members, same lab: the same body),
        then new requests for what is due (``begin_send`` persists each new key before it is handed out).
        Lazy: the next group is chosen only when the pipeline has room for it."""
        for attempt in list(self.workspace.open_sends()):
            resumed = self.workspace.resume_send(attempt.request_key, "resumed after an interrupted run")
            report.resumed += len(resumed.entries)
            log.info(
                "resuming an interrupted send of %d records (request %s)",
                len(resumed.entries),
                resumed.request_key,
            )
            yield resumed.request_key, list(resumed.entries), resumed.lab if resumed.lab is not None else lab
        while True:
            parked = list(self.workspace.waiting_sends(self._now(), limit=1))
            if not parked:
                break
            waiting = parked[0]
            errors = sorted({e.last_error for e in waiting.entries if e.last_error})
            reason = "due again" + (f" after: {', '.join(errors)[:150]}" if errors else "")
            resumed = self.workspace.resume_send(waiting.request_key, reason)
            report.resumed += len(resumed.entries)
            yield resumed.request_key, list(resumed.entries), resumed.lab if resumed.lab is not None else lab
        while True:
            due = list(self.workspace.due_outbox(self.batch_size, self._now()))
            if not due:
                return
            key = new_request_key()
            self.workspace.begin_send([e.id for e in due], key, lab=lab)  # persisted before the first byte
            yield key, due, lab

    def resend(self, batches: Iterable[tuple[str, Sequence[OutboxEntry]]]) -> SyncReport:
        """Send groups again under their ORIGINAL request keys, exactly as crash recovery does: the portal
        answers its stored response; outcomes of entries still SENDING are stored, resolved ones are only
        counted. Each resend is audited as a retry. (The benchmark's "full replay"; also useful to
        re-confirm a batch by hand.)"""
        started = time.monotonic()
        report = SyncReport()
        lab = self.lab()

        todo = [(str(key), list(entries)) for key, entries in batches]
        # audited before the first byte, in one transaction for the whole replay
        self.workspace.record_retries([key for key, _ in todo], "replay of an earlier request")

        def groups() -> Iterator[_Group]:
            for key, entries in todo:
                yield key, entries, lab

        try:
            self._pipeline(groups(), report, lambda n: None, None)
        except _GiveUp as exc:
            report.reason = str(exc)
        report.elapsed = time.monotonic() - started
        return report

    def _pipeline(
        self,
        batches: Iterator[_Group],
        report: SyncReport,
        advance: Callable[[int], None],
        stop: threading.Event | None,
    ) -> None:
        """Send ``batches`` with up to ``pipeline_depth`` of them in flight.

        This thread owns the workspace: it takes the next group (for new work: due_outbox + begin_send),
        builds its body and stores the previous group's outcome, while one sender thread does the network half
        (``_send``). Every group still has its key persisted before its first byte and its outcome stored only
        after the portal answered, so a crash at any point is recovered by ``open_sends`` as before."""
        depth = max(1, self.settings.pipeline_depth)
        inflight: deque[tuple[str, list[OutboxEntry], Future[_Sent]]] = deque()

        def settle_oldest() -> None:
            key, entries, future = inflight.popleft()
            advance(self._apply(key, entries, future.result(), report))

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="labsync-send") as sender:
            try:
                while stop is None or not stop.is_set():
                    if len(inflight) >= depth:
                        settle_oldest()
                        continue
                    group = next(batches, None)
                    if group is None:
                        break
                    key, entries, lab = group
                    body = wire.batch_body(entries, lab)
                    inflight.append((key, entries, sender.submit(self._send, key, body)))
                while inflight:
                    settle_oldest()
            except _GiveUp:
                while inflight:  # store what the groups still in flight got (each may be parked too)
                    with contextlib.suppress(_GiveUp):
                        settle_oldest()
                raise

    def _deliver(self, key: str, entries: Sequence[OutboxEntry], report: SyncReport) -> int:
        """Send one batch under ``key`` until the portal answers, and store the outcome. Returns the number of
        entries settled; raises ``_GiveUp`` (after parking the entries) when the portal cannot be reached."""
        body = wire.batch_body(entries, self.lab())
        return self._apply(key, entries, self._send(key, body), report)

    def _send(self, key: str, body: bytes) -> _Sent:
        """The network half of a delivery: POST ``body`` under ``key`` with retries, backoff and the breaker.

        Touches no workspace state, so it may run on the sender thread while the workspace thread stores the
        previous batch's outcome. Raises AuthError / ProtocolError / TLSRefused."""
        headers = {"Idempotency-Key": wire.structured_key(key), "Content-Type": "application/json"}
        sent = _Sent()
        attempt = 0
        while True:
            if not self.breaker.allow():
                wait = self.breaker.retry_in()
                sent.kind, sent.delay = "park", wait
                sent.why = "circuit open"
                sent.reason = (
                    f"portal unavailable: circuit open after repeated failures (retry in {wait:.0f}s)"
                )
                return sent
            sent.requests += 1
            failure: str
            retry_after: float | None = None
            try:
                response = self.http.post(wire.BATCH_PATH, content=body, headers=headers, auth=self.auth)
            except httpx.TransportError as exc:
                raise_if_tls_failure(exc, self.portal_url)
                failure = f"{type(exc).__name__}"
            except PortalUnavailable as exc:  # the token endpoint failed transiently inside the auth flow
                failure = str(exc)
            else:
                status = response.status_code
                if status == 200:
                    self.breaker.record_success()
                    sent.kind, sent.response = "ok", response
                    return sent
                data = _json_or_none(response)
                code = wire.problem_code(data)
                if status not in RETRY_STATUSES and status < 500:
                    self.breaker.record_success()  # the portal is up and answered; the request was refused
                if status == 401:
                    raise AuthError(
                        "the portal refused the access token even after a refresh: run `labsync login`"
                    )
                if status == 403:
                    raise AuthError(
                        f"the portal refused this client ({code or 'forbidden'}): check its scopes"
                    )
                if status == 422 and code == wire.PROBLEM_KEY_REUSED:
                    raise ProtocolError(
                        f"request key {key} was already used with a different body (client bug)"
                    )
                if status == 413:
                    sent.kind = "too_large"
                    return sent
                if status in RETRY_STATUSES:
                    failure = f"HTTP {status}" + (f" {code}" if code else "")
                    retry_after = parse_retry_after(response.headers.get("Retry-After"))
                    if status == 409 and attempt < 4 * self.settings.max_attempts:
                        # our own earlier attempt is still being processed: wait for it, not a portal failure
                        attempt += 1
                        sent.retries += 1
                        self._sleep(self._delay(0, retry_after))
                        self._audit_retry(key, sent.requests + 1, failure)
                        continue
                elif 400 <= status < 500:
                    sent.kind, sent.status, sent.data = "reject_all", status, data
                    return sent
                else:
                    failure = f"HTTP {status}"
            # a transient failure
            self.breaker.record_failure()
            attempt += 1
            log.info("batch %s: attempt %d failed (%s)", key, attempt, failure)
            if self.breaker.state is BreakerState.OPEN:
                continue  # parked at the top of the loop, without a pointless sleep
            if attempt >= self.settings.max_attempts:
                sent.kind, sent.delay, sent.why = "park", self._delay(attempt, retry_after), failure
                sent.reason = f"portal unavailable: {failure} after {attempt} attempts"
                return sent
            sent.retries += 1
            self._sleep(self._delay(attempt - 1, retry_after))
            self._audit_retry(key, sent.requests + 1, failure)

    def _audit_retry(self, key: str, attempt: int, reason: str) -> None:
        """Audit the retry about to be sent (same key, same body): its number and why (no secrets)."""
        self.workspace.record_retry(key, attempt, reason)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        return backoff_delay(
            attempt,
            base=self.settings.backoff_base,
            cap=self.settings.backoff_cap,
            jitter=self._jitter,
            retry_after=retry_after,
        )

    def _apply(self, key: str, entries: Sequence[OutboxEntry], sent: _Sent, report: SyncReport) -> int:
        """The workspace half of a delivery: store what the portal said (or park the entries)."""
        report.requests += sent.requests
        report.retries += sent.retries
        if sent.kind == "ok":
            assert sent.response is not None
            return self._settle(key, entries, sent.response, report)
        if sent.kind == "too_large":
            self.batch_size = max(1, len(entries) // 2)
            self._park(key, entries, 0.0, "batch too large", report, now=True, detach=True)
            return len(entries)
        if sent.kind == "reject_all":
            return self._reject_all(key, entries, sent.status, sent.data, report)
        self._park(key, entries, sent.delay, sent.why, report)
        raise _GiveUp(sent.reason)

    def _settle(
        self, key: str, entries: Sequence[OutboxEntry], response: httpx.Response, report: SyncReport
    ) -> int:
        data = _json_or_none(response)
        if data is None:
            raise ProtocolError("the portal's batch answer is not JSON")
        if response.headers.get("Idempotent-Replayed", "").lower() == "true":
            report.replayed += 1
        # Entries this client already knows to be resolved (a replay of acknowledged records) are only
        # counted: the workspace would ignore their outcomes anyway.
        resolved = {e.id for e in entries if e.state in (ACKED, REJECTED)}
        if len(resolved) == len(entries) and isinstance(data, dict) and isinstance(data.get("results"), list):
            for item in data["results"]:
                status = item.get("status") if isinstance(item, dict) else None
                if status == "accepted":
                    report.accepted += 1
                    report.acked += 1
                elif status == "duplicate":
                    report.duplicates += 1
                    report.acked += 1
                elif status == "rejected":
                    report.rejected += 1
            return len(entries)
        by_key = wire.parse_batch_response(data, [e.idempotency_key for e in entries])
        outcomes: list[RecordOutcome] = []
        retry_at = self._now() + timedelta(seconds=self.settings.backoff_base)
        # Only rejections carry violations back to their rows; warnings on accepted records (e.g.
        # LOCATION_UNKNOWN) are the portal's reviewers' business and the workspace does not keep them.
        rows = self._row_numbers([e for e in entries if by_key[e.idempotency_key].status == "rejected"])
        for entry in entries:
            result = by_key[entry.idempotency_key]
            if result.status in ("accepted", "duplicate"):
                outcomes.append(
                    RecordOutcome(
                        entry.id,
                        ACKED,
                        record_id=result.record_id,
                        idempotency_key=entry.idempotency_key,
                        portal_status=result.status,
                        payload_hash=result.payload_hash,
                    )
                )
                report.acked += 1
                if result.status == "accepted":
                    report.accepted += 1
                else:
                    report.duplicates += 1
            elif result.status == "rejected":
                row = rows.get(entry.id)
                violations = [portal_violation(v, row) for v in result.violations if isinstance(v, dict)]
                outcomes.append(
                    RecordOutcome(
                        entry.id,
                        REJECTED,
                        violations=violations,
                        idempotency_key=entry.idempotency_key,
                        portal_status="rejected",
                        payload_hash=result.payload_hash,
                    )
                )
                report.rejected += 1
                report.rejections[entry.id] = [v.code for v in violations]
            else:  # the portal's answer has no result for it: a new request later (its own key dedupes)
                outcomes.append(
                    RecordOutcome(
                        entry.id,
                        RETRY_WAIT,
                        next_attempt_at=retry_at,
                        error="no result for this record",
                        idempotency_key=entry.idempotency_key,
                        detach=True,
                    )
                )
                report.deferred += 1
        fresh = [o for o in outcomes if o.entry_id not in resolved]
        if fresh:
            self.workspace.record_results(key, fresh)
        return len(entries)

    def _row_numbers(self, entries: Sequence[OutboxEntry]) -> dict[int, int]:
        """Entry id -> the row number the user sees (for placing the portal's violations)."""
        by_row = {e.row_id: e.id for e in entries}
        if not by_row:
            return {}
        return {by_row[stored.id]: stored.row_no for stored in self.workspace.rows_by_id(list(by_row))}

    def lab(self) -> str | None:
        """The lab sent with records whose payload names none: the configured ``lab``, else the
        identity's only lab, else the portal's ``default_lab`` for it (``GET /v1/whoami``), else None (the
        portal then refuses such records with a clear code). Raises PortalUnavailable when the portal cannot
        be asked now: the caller then claims nothing, nothing goes out under an unasked lab."""
        if self._lab is None:
            if self.settings.lab:
                self._lab = self.settings.lab
            else:
                try:
                    data = _json_or_none(self.get_json(wire.WHOAMI_PATH))
                except ProtocolError:
                    data = None
                identity = data if isinstance(data, dict) else {}
                labs = [lab for lab in identity.get("labs", []) if isinstance(lab, str) and lab != "*"]
                default = identity.get("default_lab")
                if len(labs) == 1:
                    self._lab = labs[0]
                elif isinstance(default, str) and default:
                    self._lab = default
                else:
                    self._lab = ""
        return self._lab or None

    def _reject_all(
        self, key: str, entries: Sequence[OutboxEntry], status: int, data: Any, report: SyncReport
    ) -> int:
        """A 4xx body error (stored by the portal as this key's outcome): the rows go back to quarantine."""
        code = wire.problem_code(data) or f"http-{status}"
        detail = str(data.get("detail") or data.get("title") or "") if isinstance(data, dict) else ""
        per_index: dict[int, list[str]] = {}
        if isinstance(data, dict):
            for err in data.get("errors") or []:
                pointer = str(err.get("pointer", "")) if isinstance(err, dict) else ""
                parts = pointer.strip("/").split("/")
                if len(parts) >= 2 and parts[0] == "records" and parts[1].isdigit():
                    per_index.setdefault(int(parts[1]), []).append(f"{pointer}: {err.get('message', '')}")
        ordered = sorted(entries, key=lambda e: e.id)
        rows = self._row_numbers(ordered)
        outcomes: list[RecordOutcome] = []
        for index, entry in enumerate(ordered):
            message = (
                "; ".join(per_index.get(index, [])) or detail or f"the portal refused the batch ({status})"
            )
            violation = portal_violation(
                {
                    "code": "PAYLOAD_INVALID"
                    if code == "invalid-body"
                    else f"PORTAL_{code.upper().replace('-', '_')}",
                    "severity": "error",
                    "message": message[:500],
                },
                rows.get(entry.id),
            )
            outcomes.append(
                RecordOutcome(
                    entry.id,
                    REJECTED,
                    violations=[violation],
                    idempotency_key=entry.idempotency_key,
                    portal_status="rejected",
                )
            )
            report.rejected += 1
            report.rejections[entry.id] = [violation.code]
        self.workspace.record_results(key, outcomes)
        return len(entries)

    def _park(
        self,
        key: str,
        entries: Sequence[OutboxEntry],
        delay: float,
        why: str,
        report: SyncReport,
        *,
        now: bool = False,
        detach: bool = False,
    ) -> None:
        """The batch could not go: it waits in RETRY_WAIT, parked in its request (resent later under the same
        key with the same body) unless ``detach`` (its members go out later in new requests)."""
        when = self._now() + timedelta(seconds=0.0 if now else delay)
        outcomes = [
            RecordOutcome(
                e.id,
                RETRY_WAIT,
                next_attempt_at=when,
                error=why,
                idempotency_key=e.idempotency_key,
                detach=detach,
            )
            for e in entries
        ]
        self.workspace.record_results(key, outcomes)
        report.deferred += len(entries)

    # ------------------------------------------------------------------------------------------ watch

    def watch(
        self,
        *,
        stop: threading.Event | None = None,
        progress: Progress | None = None,
        on_report: Callable[[SyncReport], object] | None = None,
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        """Sync until ``stop`` is set: when the portal is unreachable, records stay queued and the next round
        resumes by itself (after the breaker's cooldown or the batch's backoff)."""
        stop = stop or threading.Event()
        waiter = wait or stop.wait
        while not stop.is_set():
            report = self.sync_once(progress, stop=stop)
            if on_report is not None:
                on_report(report)
            if report.remaining:
                delay = max(1.0, self.breaker.retry_in(), self.settings.backoff_base)
                delay = min(delay, self.settings.watch_interval)
            else:
                delay = self.settings.watch_interval
            if waiter(delay):
                break

    # ------------------------------------------------------------------------------------------ GET helper

    def get_json(
        self, path: str, *, params: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        """GET with the same retry policy as sends (GETs are safe to repeat). 200 and 304 are returned."""
        attempt = 0
        while True:
            if not self.breaker.allow():
                raise PortalUnavailable(
                    f"portal unavailable: circuit open (retry in {self.breaker.retry_in():.0f}s)"
                )
            retry_after: float | None = None
            try:
                response = self.http.get(path, params=params, headers=headers, auth=self.auth)
            except httpx.TransportError as exc:
                raise_if_tls_failure(exc, self.portal_url)
                failure = type(exc).__name__
            except PortalUnavailable as exc:
                failure = str(exc)
            else:
                if response.status_code in (200, 304):
                    self.breaker.record_success()
                    return response
                code = wire.problem_code(_json_or_none(response))
                if response.status_code not in RETRY_STATUSES and response.status_code < 500:
                    self.breaker.record_success()
                if response.status_code == 401:
                    raise AuthError(
                        "the portal refused the access token even after a refresh: run `labsync login`"
                    )
                if response.status_code == 403:
                    raise AuthError(
                        f"the portal refused this client ({code or 'forbidden'}): check its scopes"
                    )
                if response.status_code not in RETRY_STATUSES:
                    raise ProtocolError(
                        f"GET {path}: the portal answered {response.status_code} {code or ''}".strip()
                    )
                failure = f"HTTP {response.status_code}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
            self.breaker.record_failure()
            attempt += 1
            if attempt >= self.settings.max_attempts:
                raise PortalUnavailable(f"portal unavailable: {failure} after {attempt} attempts")
            self._sleep(
                backoff_delay(
                    attempt - 1,
                    base=self.settings.backoff_base,
                    cap=self.settings.backoff_cap,
                    jitter=self._jitter,
                    retry_after=retry_after,
                )
            )

    def iter_pages(
        self, path: str, *, limit: int = 500, params: dict[str, Any] | None = None
    ) -> Iterable[dict[str, Any]]:
        """Every item of a cursor-paginated list."""
        cursor: str | None = None
        while True:
            query: dict[str, Any] = dict(params or {})
            query["limit"] = limit
            if cursor:
                query["cursor"] = cursor
            data = _json_or_none(self.get_json(path, params=query))
            if not isinstance(data, dict) or not isinstance(data.get("items"), list):
                raise ProtocolError(f"GET {path}: not a page")
            yield from (item for item in data["items"] if isinstance(item, dict))
            cursor = data.get("next_cursor")
            if not cursor:
                return

    # ------------------------------------------------------------------------------------------ others

    def pull(self) -> Any:
        from app.sync.reference import pull_reference

        return pull_reference(self)

    def reconcile(self) -> Any:
        from app.sync.reconcile import reconcile

        return reconcile(self)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        response.read()
        return response.json()
    except ValueError:
        return None


def check_configured(settings: SyncSettings) -> None:
    """Raise ``ConfigError`` (exit 2, one line) when the portal or the client id is missing."""
    settings.require_portal()
    settings.require_client_id()
