"""Per-host limits: spacing and in-flight requests, in memory and shared through Redis."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import pytest

from workers.hostlimits import BUSY_RETRY, HostLimiter, MemoryHostLimiter, RedisHostLimiter

Make = Callable[[int, float], HostLimiter]


@pytest.fixture(params=["memory", "redis"])
def make(request: pytest.FixtureRequest) -> Make:
    """Limiters that share their state the way workers would: one dictionary in a process,
    or one Redis namespace across processes and machines."""
    if request.param == "memory":
        shared: dict[tuple[int, float], MemoryHostLimiter] = {}
        return lambda concurrency, lease: shared.setdefault(
            (concurrency, lease), MemoryHostLimiter(concurrency, lease)
        )
    url = request.getfixturevalue("redis_url")
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    return lambda concurrency, lease: RedisHostLimiter(url, namespace, concurrency, lease)


def test_no_more_than_the_concurrency_is_in_flight_per_host(make: Make) -> None:
    one, other = make(2, 30.0), make(2, 30.0)  # two workers
    first, second = one.acquire("a.example", 0), other.acquire("a.example", 0)
    assert first.wait == 0 and second.wait == 0
    assert one.acquire("a.example", 0).wait == BUSY_RETRY
    assert other.acquire("b.example", 0).wait == 0  # another host is not affected
    other.release("a.example", first)
    assert one.acquire("a.example", 0).wait == 0


def test_requests_to_one_host_are_spaced_by_the_interval(make: Make) -> None:
    one, other = make(0, 30.0), make(0, 30.0)
    assert one.acquire("a.example", 0.3).wait == 0
    waited = other.acquire("a.example", 0.3).wait
    assert 0.1 < waited <= 0.3
    time.sleep(waited + 0.05)
    assert other.acquire("a.example", 0.3).wait == 0


def test_a_slot_whose_holder_died_frees_itself_after_the_lease(make: Make) -> None:
    limiter = make(1, 0.3)
    assert limiter.acquire("a.example", 0).wait == 0  # never released
    assert limiter.acquire("a.example", 0).wait == BUSY_RETRY
    time.sleep(0.4)
    assert limiter.acquire("a.example", 0).wait == 0
