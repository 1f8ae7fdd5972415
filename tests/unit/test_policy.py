"""The contact policy: a table of decisions plus a simulation of two years of moments."""

from __future__ import annotations

import heapq
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.policy import (
    YEAR,
    Action,
    ContactPolicy,
    Decision,
    MemberHistory,
    decide,
    earliest_allowed,
    unsure,
)

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = ContactPolicy(min_gap=timedelta(days=90), max_per_year=3)


def days(n: float) -> datetime:
    """NOW moved by ``n`` days (negative is the past)."""
    return NOW + timedelta(days=n)


# id, history, not_before, expires_at, action, at, words the reason must contain
DECISIONS = [
    pytest.param(
        MemberHistory(),
        days(0),
        days(14),
        Action.ROUTE,
        days(0),
        "within the contact policy",
        id="route-now-empty-history",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-100)]),
        days(-2),
        days(14),
        Action.ROUTE,
        days(0),
        "within",
        id="route-now-gap-respected",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-90)]),
        days(0),
        days(14),
        Action.ROUTE,
        days(0),
        "within",
        id="route-exactly-min-gap",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-80)]),
        days(0),
        days(30),
        Action.DEFER,
        days(10),
        "last contact 80 days ago (minimum gap 90 days); deferred until 2024-06-11",
        id="defer-inside-window",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-10)]),
        days(0),
        days(30),
        Action.SUPPRESS,
        None,
        "after the moment expires",
        id="suppress-next-slot-after-window",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-80)]),
        days(0),
        days(10),
        Action.SUPPRESS,
        None,
        "(2024-06-11) is after the moment expires (2024-06-11)",
        id="suppress-when-slot-equals-expiry",
    ),
    pytest.param(
        MemberHistory(do_not_contact=True),
        days(0),
        days(14),
        Action.SUPPRESS,
        None,
        "asked not to be contacted",
        id="do-not-contact",
    ),
    pytest.param(
        MemberHistory(consent_until=days(-1)),
        days(0),
        days(14),
        Action.SUPPRESS,
        None,
        "consent has expired",
        id="consent-expired",
    ),
    pytest.param(
        MemberHistory(consent_until=NOW),
        days(0),
        days(14),
        Action.SUPPRESS,
        None,
        "consent has expired",
        id="consent-expires-this-instant",
    ),
    pytest.param(
        MemberHistory(consent_until=days(30)),
        days(0),
        days(14),
        Action.ROUTE,
        days(0),
        "within",
        id="consent-still-valid",
    ),
    pytest.param(
        MemberHistory(erased=True, do_not_contact=True),
        days(0),
        days(14),
        Action.SUPPRESS,
        None,
        "erased",
        id="erased-wins-over-everything",
    ),
    pytest.param(
        MemberHistory(),
        days(-20),
        days(0),
        Action.SUPPRESS,
        None,
        "window has passed",
        id="window-passed",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-300), days(-200), days(-100)]),
        days(0),
        days(90),
        Action.DEFER,
        days(65),
        "already 3 contacts in the last 365 days (limit 3)",
        id="rolling-year-cap-defers",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-300), days(-200), days(-100)]),
        days(0),
        days(30),
        Action.SUPPRESS,
        None,
        "already 3 contacts in the last 365 days",
        id="rolling-year-cap-suppresses",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-366), days(-200), days(-100)]),
        days(0),
        days(30),
        Action.ROUTE,
        days(0),
        "within",
        id="rolling-year-oldest-dropped-out",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-200)], reserved_until=days(5)),
        days(0),
        days(30),
        Action.DEFER,
        days(5),
        "still open with a recruiter",
        id="open-reservation-defers",
    ),
    pytest.param(
        MemberHistory(contacts=[days(-200)], reserved_until=days(40)),
        days(0),
        days(30),
        Action.SUPPRESS,
        None,
        "still open with a recruiter",
        id="open-reservation-outlasts-window",
    ),
    pytest.param(
        MemberHistory(reserved_until=days(-1)),
        days(0),
        days(30),
        Action.ROUTE,
        days(0),
        "within",
        id="reservation-already-released",
    ),
]


@pytest.mark.parametrize(
    ("history", "not_before", "expires_at", "action", "at", "reason"), DECISIONS
)
def test_decide_table(
    history: MemberHistory,
    not_before: datetime,
    expires_at: datetime,
    action: Action,
    at: datetime | None,
    reason: str,
) -> None:
    decision = decide(history, POLICY, not_before=not_before, expires_at=expires_at, now=NOW)

    assert decision.action is action
    assert decision.at == at
    assert reason in decision.reason


def test_future_not_before_with_history_defers_to_the_window_start() -> None:
    history = MemberHistory(contacts=[days(-200)])

    decision = decide(history, POLICY, not_before=days(3), expires_at=days(30), now=NOW)

    assert decision.action is Action.DEFER
    assert decision.at == days(3)


def test_future_not_before_without_history_defers() -> None:
    decision = decide(MemberHistory(), POLICY, not_before=days(3), expires_at=days(30), now=NOW)

    assert decision == Decision(Action.DEFER, decision.reason, days(3))
    assert decision.reason


@pytest.mark.parametrize(
    ("history", "start", "expected"),
    [
        pytest.param(MemberHistory(), NOW, NOW, id="nothing-blocks"),
        pytest.param(MemberHistory(contacts=[days(-30)]), NOW, days(60), id="min-gap"),
        pytest.param(
            MemberHistory(contacts=[days(-30)]), days(100), days(100), id="start-after-gap"
        ),
        pytest.param(
            MemberHistory(contacts=[days(-100), days(-300), days(-200)]),
            NOW,
            days(65),
            id="cap-unsorted-input",
        ),
        pytest.param(
            MemberHistory(contacts=[days(-100)], reserved_until=days(7)),
            NOW,
            days(7),
            id="reservation",
        ),
    ],
)
def test_earliest_allowed_table(
    history: MemberHistory, start: datetime, expected: datetime
) -> None:
    assert earliest_allowed(history, POLICY, start) == expected


@pytest.mark.parametrize(
    ("min_gap", "max_per_year"),
    [
        (timedelta(days=-1), 3),
        (timedelta(seconds=-1), 3),
        (timedelta(days=90), 0),
        (timedelta(days=90), -2),
    ],
)
def test_contact_policy_rejects_impossible_limits(min_gap: timedelta, max_per_year: int) -> None:
    with pytest.raises(ValueError):
        ContactPolicy(min_gap=min_gap, max_per_year=max_per_year)


def test_contact_policy_accepts_the_smallest_limits() -> None:
    policy = ContactPolicy(min_gap=timedelta(0), max_per_year=1)

    assert (policy.min_gap, policy.max_per_year) == (timedelta(0), 1)


# --- properties -------------------------------------------------------------------------


def _gap_ok(contacts: list[datetime], at: datetime, policy: ContactPolicy) -> bool:
    return all(at - c >= policy.min_gap for c in contacts)


def _cap_ok(contacts: list[datetime], at: datetime, policy: ContactPolicy) -> bool:
    return sum(1 for c in contacts if c > at - YEAR) < policy.max_per_year


policies = st.builds(
    ContactPolicy,
    min_gap=st.integers(0, 200).map(lambda d: timedelta(days=d)),
    max_per_year=st.integers(1, 6),
)


@settings(max_examples=200, deadline=None)
@given(
    policy=policies,
    offsets=st.lists(st.integers(1, 3 * 365 * 24), max_size=8),
    start_hours=st.integers(0, 400 * 24),
)
def test_earliest_allowed_is_the_first_time_that_keeps_every_limit(
    policy: ContactPolicy, offsets: list[int], start_hours: int
) -> None:
    contacts = [NOW - timedelta(hours=h) for h in offsets]
    start = NOW + timedelta(hours=start_hours)

    at = earliest_allowed(MemberHistory(contacts=contacts), policy, start)

    assert at >= start
    assert _gap_ok(contacts, at, policy)
    assert _cap_ok(contacts, at, policy)
    if at > start:
        earlier = at - timedelta(microseconds=1)
        assert not (_gap_ok(contacts, earlier, policy) and _cap_ok(contacts, earlier, policy))


@st.composite
def two_years_of_moments(draw: st.DrawFn) -> tuple[ContactPolicy, timedelta, list[tuple]]:
    """A policy, how long a routed moment stays open, and moments arriving over ~2 years."""
    policy = draw(policies)
    hold = timedelta(days=draw(st.integers(0, 21)))
    arrivals = draw(
        st.lists(
            st.tuples(
                st.integers(0, 2 * 365 * 24),  # hour the moment is planned
                st.integers(0, 72),  # hours between the event and planning it
                st.integers(1, 120),  # the moment's window in days
            ),
            max_size=80,
        )
    )
    return policy, hold, arrivals


@settings(max_examples=150, deadline=None)
@given(two_years_of_moments())
def test_simulated_years_never_break_the_policy(
    scenario: tuple[ContactPolicy, timedelta, list[tuple[int, int, int]]],
) -> None:
    policy, hold, arrivals = scenario
    start = datetime(2023, 1, 1, tzinfo=UTC)
    queue: list[tuple[datetime, int, datetime, datetime, int]] = []
    for seq, (hour, lag, window_days) in enumerate(arrivals):
        planned = start + timedelta(hours=hour)
        occurred = planned - timedelta(hours=lag)
        heapq.heappush(queue, (planned, seq, occurred, occurred + timedelta(days=window_days), -1))
    contacts: list[datetime] = []
    reserved_until: datetime | None = None
    decisions: list[tuple[datetime, datetime, Decision]] = []

    while queue:
        now, seq, not_before, expires_at, deferred_at_count = heapq.heappop(queue)
        history = MemberHistory(contacts=tuple(contacts), reserved_until=reserved_until)
        decision = decide(history, policy, not_before=not_before, expires_at=expires_at, now=now)
        decisions.append((now, expires_at, decision))
        if deferred_at_count == len(contacts):
            # Nothing was routed since this moment was deferred to ``now``: it must go now.
            assert decision.action is Action.ROUTE, decision
        if decision.action is Action.ROUTE:
            contacts.append(now)
            reserved_until = now + hold
        elif decision.action is Action.DEFER:
            assert decision.at is not None
            heapq.heappush(queue, (decision.at, seq, not_before, expires_at, len(contacts)))

    for now, expires_at, decision in decisions:
        if decision.action is Action.ROUTE:
            assert decision.at == now
        if decision.action is Action.DEFER:
            assert decision.at is not None
            assert now <= decision.at < expires_at
        if decision.action is not Action.ROUTE:
            assert decision.reason.strip()
    assert contacts == sorted(contacts)
    for earlier, later in itertools.pairwise(contacts):
        assert later - earlier >= max(policy.min_gap, hold)
    for first in contacts:
        in_window = [c for c in contacts if first <= c < first + YEAR]
        assert len(in_window) <= policy.max_per_year


@pytest.mark.parametrize(
    ("confidence", "threshold", "held"),
    [(0.59, 0.6, True), (0.6, 0.6, False), (0.95, 0.6, False), (0.0, 0.0, False)],
)
def test_a_moment_below_the_pools_confidence_is_suppressed(
    confidence: float, threshold: float, held: bool
) -> None:
    decision = unsure(confidence, ContactPolicy(min_confidence=threshold))

    assert (decision is not None) == held
    assert decision is None or decision.action is Action.SUPPRESS
