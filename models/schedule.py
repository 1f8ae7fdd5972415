"""When to poll a source next and when to retry a delivery: pure functions of the inputs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

MAX_BACKOFF = timedelta(hours=24)


def jittered(interval: timedelta, rng: random.Random, spread: float = 0.1) -> timedelta:
    """``interval`` moved by up to ``spread`` either way, so polls do not bunch up."""
    return interval * (1 + rng.uniform(-spread, spread))


def next_poll(now: datetime, interval: timedelta, rng: random.Random) -> datetime:
    """The next poll after a successful one."""
    return now + jittered(interval, rng)


def backoff(
    now: datetime, base: timedelta, failures: int, rng: random.Random, cap: timedelta = MAX_BACKOFF
) -> datetime:
    """The next try after ``failures`` consecutive failures: exponential, capped, jittered."""
    doublings = min(max(0, failures - 1), 40)  # beyond this any base exceeds any sane cap
    delay = min(cap, base * (2**doublings))
    return now + jittered(delay, rng, spread=0.25)
