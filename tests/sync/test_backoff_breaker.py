"""Backoff, Retry-After and the circuit breaker with pinned jitter and a hand-driven clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from app.sync.backoff import backoff_ceiling, backoff_delay, parse_retry_after
from app.sync.breaker import BreakerState, CircuitBreaker


def top(lo: float, hi: float) -> float:
    return hi


def bottom(lo: float, hi: float) -> float:
    return lo


def test_full_jitter_window_doubles_then_caps() -> None:
    assert [backoff_delay(a, base=0.5, cap=10, jitter=top) for a in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
    assert backoff_delay(3, base=0.5, cap=10, jitter=bottom) == 0.0
    seen: list[tuple[float, float]] = []
    backoff_delay(2, base=1, cap=30, jitter=lambda lo, hi: seen.append((lo, hi)) or 0.25)
    assert seen == [(0.0, 4.0)]


def test_huge_attempt_does_not_overflow() -> None:
    assert backoff_ceiling(10_000, base=0.5, cap=30) == 30
    with pytest.raises(ValueError, match="attempt"):
        backoff_ceiling(-1)


def test_retry_after_is_a_floor_not_capped() -> None:
    assert backoff_delay(0, base=0.5, cap=10, jitter=top, retry_after=7) == 7
    assert backoff_delay(5, base=0.5, cap=10, jitter=top, retry_after=2) == 10
    assert backoff_delay(0, base=0.5, cap=10, jitter=top, retry_after=120) == 120


def test_parse_retry_after_seconds_and_http_date() -> None:
    now = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("5", now=now) == 5.0
    assert parse_retry_after(" 0 ", now=now) == 0.0
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now=now) == 90.0
    earlier = format_datetime(now - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=now) == 0.0
    for bad in (None, "", "-3", "1.5", "soon", "Wed, 99 Foo 2015"):
        assert parse_retry_after(bad, now=now) is None


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_breaker_opens_after_consecutive_failures_and_probes_half_open() -> None:
    clock = Clock()
    b = CircuitBreaker(failure_threshold=3, cooldown=30, clock=clock)
    for _ in range(2):
        assert b.allow()
        b.record_failure()
    b.record_success()  # a success resets the count: failures must be consecutive
    for _ in range(3):
        assert b.allow()
        b.record_failure()
    assert b.state is BreakerState.OPEN
    assert not b.allow()
    assert b.retry_in() == 30
    clock.t += 29.9
    assert not b.allow()
    clock.t += 0.1
    assert b.state is BreakerState.HALF_OPEN
    assert b.allow()  # the one probe
    assert not b.allow()  # no second request while the probe is out
    b.record_failure()  # probe failed: open again for a full cooldown
    assert b.state is BreakerState.OPEN
    assert b.retry_in() == 30
    clock.t += 30
    assert b.allow()
    b.record_success()
    assert b.state is BreakerState.CLOSED
    assert b.allow()
    assert b.allow()


def test_breaker_rejects_bad_parameters() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError, match="cooldown"):
        CircuitBreaker(cooldown=-1)
