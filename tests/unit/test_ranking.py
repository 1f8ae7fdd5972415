"""Ranking moments: kind priority first, then confidence, staleness, warmth and response rate."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.moments import DEFAULT_PRIORITIES, DEPARTURE_PRIORITY, MomentKind
from models.ranking import RankFacts, response_rate, score

NOW = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def ago(days: int) -> datetime:
    return NOW - timedelta(days=days)


BASE = RankFacts(priority=50, confidence=0.5, last_contact=ago(100), reason=None)

# ---------------------------------------------------------------------------- response_rate


def test_response_rate_without_history_is_the_prior() -> None:
    assert response_rate(0, 0) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("positive", "answered", "expected"),
    [
        (0, 0, 2 / 5),
        (1, 1, 3 / 6),
        (0, 1, 2 / 6),
        (5, 5, 7 / 10),
        (0, 5, 2 / 10),
        (10, 20, 12 / 25),
        (95, 95, 97 / 100),
    ],
)
def test_response_rate_table(positive: int, answered: int, expected: float) -> None:
    assert response_rate(positive, answered) == pytest.approx(expected)


@given(positive=st.integers(0, 1000), negative=st.integers(0, 1000))
def test_response_rate_grows_with_positives_and_falls_with_negatives(
    positive: int, negative: int
) -> None:
    rate = response_rate(positive, positive + negative)

    assert 0 < rate < 1
    assert response_rate(positive + 1, positive + negative + 1) > rate
    assert response_rate(positive, positive + negative + 1) < rate


# ------------------------------------------------------------------------------------ score


@pytest.mark.parametrize(
    ("better", "worse"),
    [
        pytest.param(replace(BASE, priority=80), replace(BASE, priority=70), id="priority"),
        pytest.param(replace(BASE, confidence=0.9), replace(BASE, confidence=0.6), id="confidence"),
        pytest.param(replace(BASE, confidence=0.51), BASE, id="confidence-by-a-hundredth"),
        pytest.param(
            replace(BASE, last_contact=ago(200)),
            replace(BASE, last_contact=ago(100)),
            id="longer-since-contact",
        ),
        pytest.param(replace(BASE, last_contact=ago(101)), BASE, id="one-day-longer-since-contact"),
        pytest.param(
            replace(BASE, last_contact=None),
            replace(BASE, last_contact=ago(364)),
            id="never-contacted",
        ),
        pytest.param(replace(BASE, reason="boomerang"), BASE, id="boomerang-vs-none"),
        pytest.param(
            replace(BASE, reason="Boomerang: left for a start-up in 2021"),
            replace(BASE, reason="met at a meetup"),
            id="boomerang-capitalised",
        ),
        pytest.param(
            replace(BASE, reason="declined for now: timing"),
            replace(BASE, reason="sourced on LinkedIn"),
            id="declined-for-now-timing",
        ),
        pytest.param(
            replace(BASE, reason="oud-medewerker"),
            replace(BASE, reason="netwerk"),
            id="oud-medewerker",
        ),
        pytest.param(
            replace(BASE, reason="tweede in de laatste ronde"),
            replace(BASE, reason="open sollicitatie"),
            id="tweede",
        ),
        pytest.param(
            replace(BASE, positive=8, answered=10),
            replace(BASE, positive=1, answered=10),
            id="better-response-rate",
        ),
    ],
)
def test_score_orders(better: RankFacts, worse: RankFacts) -> None:
    assert score(better, NOW) > score(worse, NOW)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param(
            replace(BASE, last_contact=ago(400)),
            replace(BASE, last_contact=ago(900)),
            id="staleness-saturates-at-a-year",
        ),
        pytest.param(
            replace(BASE, last_contact=None),
            replace(BASE, last_contact=ago(365)),
            id="never-contacted-is-a-year",
        ),
        pytest.param(
            replace(BASE, last_contact=NOW + timedelta(days=3)),
            replace(BASE, last_contact=NOW),
            id="contact-in-the-future-is-today",
        ),
        pytest.param(
            replace(BASE, reason="boomerang"),
            replace(BASE, reason="alumni, boomerang, timing"),
            id="warm-counts-once",
        ),
        pytest.param(replace(BASE, reason=""), BASE, id="empty-reason-is-cold"),
    ],
)
def test_score_ties(one: RankFacts, other: RankFacts) -> None:
    assert score(one, NOW) == score(other, NOW)


def test_score_is_deterministic_and_a_plain_number() -> None:
    value = score(BASE, NOW)

    assert value == score(BASE, NOW)
    assert isinstance(value, float)
    assert value == round(value, 4)


confidences = st.integers(0, 100).map(lambda n: n / 100)
staleness = st.none() | st.integers(0, 365).map(ago)
reasons = st.sampled_from([None, "", "boomerang", "declined for now: timing", "sourced", "event"])
counts = st.tuples(st.integers(0, 50), st.integers(0, 50)).map(lambda t: (min(t), max(t)))


@st.composite
def rank_facts(draw: st.DrawFn, priority: int | None = None) -> RankFacts:
    positive, answered = draw(counts)
    return RankFacts(
        priority=draw(st.sampled_from(sorted(DEFAULT_PRIORITIES.values())))
        if priority is None
        else priority,
        confidence=draw(confidences),
        last_contact=draw(staleness),
        reason=draw(reasons),
        positive=positive,
        answered=answered,
    )


@given(facts=rank_facts(), higher=st.integers(1, 50))
def test_higher_priority_wins_when_all_else_is_equal(facts: RankFacts, higher: int) -> None:
    assert score(replace(facts, priority=facts.priority + higher), NOW) > score(facts, NOW)


@given(facts=rank_facts(), a=confidences, b=confidences)
def test_score_never_falls_with_confidence(facts: RankFacts, a: float, b: float) -> None:
    low, high = sorted((a, b))

    assert score(replace(facts, confidence=high), NOW) >= score(replace(facts, confidence=low), NOW)
    if high > low:
        assert score(replace(facts, confidence=high), NOW) > score(
            replace(facts, confidence=low), NOW
        )


@given(facts=rank_facts(), a=st.integers(0, 365), b=st.integers(0, 365))
def test_score_grows_with_time_since_contact(facts: RankFacts, a: int, b: int) -> None:
    recent, older = sorted((a, b))

    assert score(replace(facts, last_contact=ago(older)), NOW) >= score(
        replace(facts, last_contact=ago(recent)), NOW
    )


# The priorities a moment can have: the kinds' defaults and a departure's check-in.
PRIORITIES = sorted({*DEFAULT_PRIORITIES.values(), DEPARTURE_PRIORITY}, reverse=True)
ADJACENT = list(itertools.pairwise(PRIORITIES))
# The other facts at the ends of the ranges the scorer is fed.
WORST = {"confidence": 0.0, "last_contact": NOW, "reason": None, "positive": 0, "answered": 50}
BEST = {
    "confidence": 1.0,
    "last_contact": None,
    "reason": "boomerang",
    "positive": 50,
    "answered": 50,
}


@pytest.mark.parametrize(("higher", "lower"), ADJACENT, ids=[f"{h}>{lo}" for h, lo in ADJACENT])
def test_higher_priority_wins_over_everything_else(higher: int, lower: int) -> None:
    weak_but_important = RankFacts(priority=higher, **WORST)  # type: ignore[arg-type]
    strong_but_less_important = RankFacts(priority=lower, **BEST)  # type: ignore[arg-type]

    assert score(weak_but_important, NOW) > score(strong_but_less_important, NOW)


def test_relevant_vacancy_outranks_press_mention_for_a_warm_member() -> None:
    vacancy = RankFacts(
        priority=DEFAULT_PRIORITIES[MomentKind.RELEVANT_VACANCY],
        confidence=0.5,
        last_contact=ago(100),
        reason=None,
    )
    press = RankFacts(
        priority=DEFAULT_PRIORITIES[MomentKind.PRESS_MENTION],
        confidence=0.95,
        last_contact=None,
        reason="boomerang",
    )

    assert vacancy.priority > press.priority
    assert score(vacancy, NOW) > score(press, NOW)
