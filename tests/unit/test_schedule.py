"""Poll scheduling and retry backoff: jitter bounds, exponential growth, the cap."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.schedule import MAX_BACKOFF, backoff, jittered

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


class FixedJitter(random.Random):
    """A fake random source whose ``uniform`` always picks the same point of the range."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


NO_JITTER = 0.5  # the middle of [-spread, +spread]


@given(
    interval_s=st.integers(1, 7 * 24 * 3600),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_jittered_interval_is_within_ten_percent(interval_s: int, seed: int) -> None:
    interval = timedelta(seconds=interval_s)

    delay = jittered(interval, random.Random(seed))

    assert interval * 0.9 <= delay <= interval * 1.1


@pytest.mark.parametrize(
    ("fraction", "expected"),
    [(0.0, timedelta(minutes=54)), (NO_JITTER, timedelta(hours=1)), (1.0, timedelta(minutes=66))],
)
def test_the_jitter_reaches_both_ends(fraction: float, expected: timedelta) -> None:
    assert jittered(timedelta(hours=1), FixedJitter(fraction)) == expected


def test_the_jitter_spreads_polls() -> None:
    rng = random.Random(7)

    delays = {jittered(timedelta(hours=1), rng) for _ in range(50)}

    assert len(delays) > 40


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        (0, MINUTE),
        (1, MINUTE),
        (2, 2 * MINUTE),
        (3, 4 * MINUTE),
        (4, 8 * MINUTE),
        (10, 512 * MINUTE),
        (11, 1024 * MINUTE),
        (12, MAX_BACKOFF),  # 2048 minutes would be past the cap
        (20, MAX_BACKOFF),
    ],
)
def test_backoff_doubles_until_the_cap(failures: int, expected: timedelta) -> None:
    assert backoff(NOW, MINUTE, failures, FixedJitter(NO_JITTER)) == NOW + expected


def test_backoff_cap_is_24_hours() -> None:
    assert timedelta(hours=24) == MAX_BACKOFF


def test_backoff_respects_a_custom_cap() -> None:
    at = backoff(NOW, MINUTE, 10, FixedJitter(NO_JITTER), cap=timedelta(minutes=30))

    assert at == NOW + timedelta(minutes=30)


@pytest.mark.parametrize(("fraction", "factor"), [(0.0, 0.75), (1.0, 1.25)])
def test_backoff_jitter_is_a_quarter_either_way(fraction: float, factor: float) -> None:
    assert backoff(NOW, MINUTE, 3, FixedJitter(fraction)) == NOW + 4 * MINUTE * factor
    assert backoff(NOW, MINUTE, 30, FixedJitter(fraction)) == NOW + MAX_BACKOFF * factor


@given(
    base_s=st.integers(1, 3600),
    failures=st.integers(0, 30),
    seed=st.integers(0, 2**32 - 1),
)
def test_backoff_stays_within_jittered_bounds(base_s: int, failures: int, seed: int) -> None:
    base = timedelta(seconds=base_s)
    delay = min(MAX_BACKOFF, base * 2 ** max(0, failures - 1))

    at = backoff(NOW, base, failures, random.Random(seed))

    assert delay * 0.75 <= at - NOW <= delay * 1.25


@pytest.mark.parametrize("failures", [42, 100, 10_000])
def test_backoff_survives_many_failures(failures: int) -> None:
    at = backoff(NOW, MINUTE, failures, FixedJitter(NO_JITTER))

    assert at == NOW + MAX_BACKOFF


def test_jittered_default_spread_is_ten_percent() -> None:
    assert jittered(timedelta(seconds=100), FixedJitter(1.0)) == timedelta(seconds=110)
    assert jittered(timedelta(seconds=100), FixedJitter(0.0)) == timedelta(seconds=90)
