"""When to poll a source next and when to retry a delivery: pure functions of the inputs."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from itertools import pairwise

MAX_BACKOFF = timedelta(hours=24)
MAX_SERVER_SECONDS = 366 * 86_400.0
"""No number a server sends is taken beyond a year (timedelta overflows near 1e14 s)."""


def bounded_seconds(value: float, low: float, high: float) -> float:
    """A number of seconds from outside, within ``[low, high]``; NaN counts as ``low``."""
    if value != value:  # NaN
        return low
    return min(max(value, low), high)


def _seconds(text: str) -> float | None:
    """Digits as seconds, however many (a float: no int digit limit, no overflow)."""
    text = text.strip()
    return bounded_seconds(float(text), 0, MAX_SERVER_SECONDS) if text.isdigit() else None


def jittered(interval: timedelta, rng: random.Random, spread: float = 0.1) -> timedelta:
    """``interval`` moved by up to ``spread`` either way, so polls do not bunch up."""
    return interval * (1 + rng.uniform(-spread, spread))


def backoff(
    now: datetime, base: timedelta, failures: int, rng: random.Random, cap: timedelta = MAX_BACKOFF
) -> datetime:
    """The next try after ``failures`` consecutive failures: exponential, capped, jittered."""
    doublings = min(max(0, failures - 1), 40)  # beyond this any base exceeds any sane cap
    delay = min(cap, base * (2**doublings))
    return now + jittered(delay, rng, spread=0.25)


def adaptive_interval(
    *,
    entry_times: list[datetime],
    hint: timedelta | None,
    default: timedelta,
    minimum: timedelta,
    maximum: timedelta,
) -> timedelta:
    """How often to poll a feed: as often as it publishes (median gap of its recent
    entries), never sooner than the server's own hint (TTL, Cache-Control, Expires),
    within the configured bounds."""
    recent = sorted(entry_times, reverse=True)[:11]
    gaps = sorted(a - b for a, b in pairwise(recent) if a > b)
    interval = gaps[len(gaps) // 2] if len(gaps) >= 2 else default
    if hint is not None:
        interval = max(interval, hint)
    return min(max(interval, minimum), maximum)


def quieter(interval: timedelta, maximum: timedelta, factor: float = 1.25) -> timedelta:
    """The next interval after a poll that found nothing new: a little longer."""
    return min(interval * factor, maximum)


def server_hint(
    headers: Mapping[str, str], ttl_minutes: str | None, now: datetime
) -> timedelta | None:
    """The longest wait the server asks for: feed TTL, Cache-Control max-age or Expires,
    each at most ``MAX_SERVER_SECONDS``."""
    hints: list[timedelta] = []
    if ttl_minutes and (minutes := _seconds(ttl_minutes)) is not None:
        hints.append(timedelta(seconds=min(minutes * 60, MAX_SERVER_SECONDS)))
    for directive in headers.get("cache-control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name.lower() == "max-age" and (seconds := _seconds(value)) is not None:
            hints.append(timedelta(seconds=seconds))
    expires = headers.get("expires")
    if expires:
        try:
            when = parsedate_to_datetime(expires)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None and when > now:
            hints.append(min(when - now, timedelta(seconds=MAX_SERVER_SECONDS)))
    return max(hints) if hints else None
