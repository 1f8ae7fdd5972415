"""Ranking moments: which of a member's moments, and which members' moments, come first.

A pure score from the moment's kind priority, the evidence's confidence, how long ago
the member was last contacted, why they are in the pool, and the response rate
measured for that kind of moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PRIOR_POSITIVE = 2.0
PRIOR_TOTAL = 5.0
"""A prior of 2 positive answers in 5 tries: small pools start from a sensible rate."""

WARM_REASONS = (
    "boomerang",
    "alumni",
    "oud-medewerker",
    "declined",
    "afgewezen",
    "timing",
    "second",
    "tweede",
)


@dataclass(frozen=True, kw_only=True)
class RankFacts:
    """What the score of one moment depends on."""

    priority: int
    confidence: float
    last_contact: datetime | None
    reason: str | None
    positive: int = 0
    answered: int = 0


def response_rate(positive: int, answered: int) -> float:
    """Positive answers per contact for a kind of moment, smoothed by the prior."""
    return (positive + PRIOR_POSITIVE) / (answered + PRIOR_TOTAL)


def score(facts: RankFacts, now: datetime) -> float:
    """Higher is better. The kind's priority dominates (kinds are at least 5 apart);
    confidence, time since contact, a warm reason and the response rate order within it."""
    days = (now - facts.last_contact).days if facts.last_contact else 365
    staleness = min(max(days, 0), 365) / 365
    warm = 1.0 if facts.reason and any(w in facts.reason.lower() for w in WARM_REASONS) else 0.0
    rate = response_rate(facts.positive, facts.answered)
    within = 1.6 * min(max(facts.confidence, 0.0), 1.0) + 1.4 * staleness + 0.6 * warm + 1.3 * rate
    return round(facts.priority + within, 4)  # within < 5
