"""Exponential backoff with full jitter, and ``Retry-After`` parsing.

``backoff_delay`` is a pure function of the attempt number and an injectable jitter source, so tests pin the
jitter and assert exact delays (the stripe-python habit). ``Retry-After`` (RFC 9110 10.2.3), when the portal
sends one on 429/503, is a floor: the client never comes back sooner than the portal asked.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: ``jitter(low, high)`` returns a float in ``[low, high]``; ``random.uniform`` in production.
Jitter = Callable[[float, float], float]

DEFAULT_BASE = 0.5
DEFAULT_CAP = 30.0
_MAX_EXPONENT = 62  # 2**62 * base is far beyond any cap; avoids float overflow for absurd attempt numbers


def backoff_ceiling(attempt: int, *, base: float = DEFAULT_BASE, cap: float = DEFAULT_CAP) -> float:
    """``min(cap, base * 2**attempt)`` for ``attempt >= 0``: the upper bound of the full-jitter window."""
    if attempt < 0:
        raise ValueError("attempt must be >= 0")
    return min(cap, base * 2.0 ** min(attempt, _MAX_EXPONENT))


def backoff_delay(
    attempt: int,
    *,
    base: float = DEFAULT_BASE,
    cap: float = DEFAULT_CAP,
    jitter: Jitter = random.uniform,
    retry_after: float | None = None,
) -> float:
    """Seconds to wait before retry number ``attempt`` (0 = the first retry).

    Full jitter: ``jitter(0, min(cap, base * 2**attempt))``. ``retry_after`` (seconds, already parsed) is a
    floor; it is not capped, because the portal knows its own rate limits better than we do.
    """
    delay = jitter(0.0, backoff_ceiling(attempt, base=base, cap=cap))
    if retry_after is not None:
        delay = max(delay, retry_after)
    return max(0.0, delay)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Parse a ``Retry-After`` header: delay-seconds or an HTTP-date. ``None`` when absent or unparseable.

    A date in the past gives 0.0. ``now`` (timezone-aware) is injectable for tests.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(int(text))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # pragma: no cover - older Pythons returned None
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
