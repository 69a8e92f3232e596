"""Rate limiting and fault injection for the reference portal (pure ASGI middleware).

Reference implementation only. ``FaultInjector`` makes the portal as unreliable as a campus network on a bad
day, reproducibly: with ``--fault-rate P --fault-seed S`` each request (except ``/v1/health`` and
``/v1/version``) draws from ``random.Random(S)`` in arrival order; with probability P it gets one fault of
the mix:

- ``429``: 429 with Retry-After, nothing processed
- ``500`` / ``503``: the error (503 with Retry-After), nothing processed
- ``drop``: the connection is closed without a response, nothing processed
- ``slow``: the response is delayed ``slow_seconds`` (then processed normally)
- ``timeout``: the request hangs ``hang_seconds`` before it is processed (clients with a shorter timeout give
  up; the write may still happen afterwards, as on a real overloaded server)
- ``500_after_commit``: processed and committed, then answered 500 (the ack is lost)
- ``drop_after_commit``: processed and committed, then the connection is closed (the ack is lost)

On ``/oauth/*`` the two after-commit kinds act like ``500``/``drop`` before processing: losing a rotated
refresh token would otherwise lock the client out, which is not the failure this mode is meant to rehearse.

A sequential client sees the same faults for the same seed on every run (``FaultInjector.log`` records them).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

FAULT_KINDS: tuple[str, ...] = (
    "429",
    "500",
    "503",
    "drop",
    "slow",
    "timeout",
    "500_after_commit",
    "drop_after_commit",
)
DEFAULT_FAULT_WEIGHTS: dict[str, float] = {
    "429": 1.5,
    "500": 1.5,
    "503": 1.5,
    "drop": 1.0,
    "slow": 1.0,
    "timeout": 0.5,
    "500_after_commit": 1.5,
    "drop_after_commit": 1.5,
}
EXEMPT_PATHS: frozenset[str] = frozenset({"/v1/health", "/v1/version"})


class DroppedConnection(Exception):
    """Raised to make uvicorn close a connection when the transport cannot be reached directly."""


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


def install_log_filter() -> None:
    """Keep deliberate connection drops out of uvicorn's error log."""
    logging.getLogger("uvicorn.error").addFilter(_DropFilter())


def _problem_body(status: int, code: str, title: str) -> bytes:
    return json.dumps(
        {
            "type": f"urn:labsync:problem:{code}",
            "title": title,
            "status": status,
            "code": code,
            "detail": "injected fault (reference portal fault injection)",
        }
    ).encode()


async def send_problem(
    send: Send, status: int, code: str, title: str, retry_after: int | None = None
) -> None:
    body = _problem_body(status, code, title)
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def drop_connection(send: Send) -> None:
    """Close the client's connection without a response.

    uvicorn's ``send`` is a bound method of its request/response cycle, which holds the transport: aborting
    it is a real drop. When that is not reachable (another server), start a response and raise, which makes
    uvicorn close the connection mid-response.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None and hasattr(transport, "abort"):
        transport.abort()
        for _ in range(3):
            await asyncio.sleep(0)
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
    raise DroppedConnection


@dataclass
class FaultInjector:
    """ASGI middleware injecting reproducible faults (see the module docstring)."""

    app: ASGIApp
    rate: float
    seed: int | None = None
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_FAULT_WEIGHTS))
    slow_seconds: float = 0.3
    hang_seconds: float = 5.0
    log: list[tuple[str, str]] = field(default_factory=list)  # (path, fault) of every injected fault

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        unknown = set(self.weights) - set(FAULT_KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {', '.join(sorted(unknown))}")
        self._kinds = [k for k in FAULT_KINDS if self.weights.get(k, 0) > 0]
        self._weights = [self.weights[k] for k in self._kinds]
        install_log_filter()

    def draw(self, path: str) -> str | None:
        if self.rate <= 0 or not self._kinds:
            return None
        if self._rng.random() >= self.rate:
            return None
        kind = self._rng.choices(self._kinds, self._weights)[0]
        self.log.append((path, kind))
        return kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        kind = self.draw(scope["path"])
        if kind is not None and scope["path"].startswith("/oauth/") and kind.endswith("_after_commit"):
            kind = kind.removesuffix("_after_commit")
        if kind is None:
            await self.app(scope, receive, send)
        elif kind == "429":
            await send_problem(send, 429, "rate-limited", "Too many requests", retry_after=1)
        elif kind == "500":
            await send_problem(send, 500, "server-error", "Internal server error")
        elif kind == "503":
            await send_problem(send, 503, "unavailable", "Service unavailable", retry_after=1)
        elif kind == "drop":
            await drop_connection(send)
        elif kind in ("slow", "timeout"):
            await asyncio.sleep(self.slow_seconds if kind == "slow" else self.hang_seconds)
            await self.app(scope, receive, send)
        else:  # processed and committed, then the answer is lost

            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
            if kind == "drop_after_commit":
                await drop_connection(send)
            else:
                await send_problem(send, 500, "server-error", "Internal server error")


@dataclass
class RateLimiter:
    """A token bucket per client address: ``rate`` requests per second, bursts of ``max(1, rate)``.

    Over the limit: 429 problem+json with ``Retry-After`` (whole seconds until a token is available, >= 1).
    ``/v1/health`` is exempt.
    """

    app: ASGIApp
    rate: float
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, who: str, now: float | None = None) -> float:
        """0 when a token was taken, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        burst = max(1.0, self.rate)
        with self._lock:
            tokens, last = self._buckets.get(who, (burst, now))
            tokens = min(burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[who] = (tokens - 1, now)
                return 0.0
            self._buckets[who] = (tokens, now)
            return (1 - tokens) / self.rate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/v1/health" or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client: Any = scope.get("client")
        who = str(client[0]) if client else "?"
        wait = self.take(who)
        if wait > 0:
            await send_problem(
                send, 429, "rate-limited", "Too many requests", retry_after=max(1, math.ceil(wait))
            )
            return
        await self.app(scope, receive, send)
