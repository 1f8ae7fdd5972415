"""The contact policy's invariants, checked on what actually happened."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise

from models.policy import ContactPolicy


def assert_within_limits(touches: Sequence[datetime], policy: ContactPolicy, who: object) -> None:
    """No two touches closer than the minimum gap; never more than the cap in 365 days."""
    ordered = sorted(touches)
    for earlier, later in pairwise(ordered):
        assert later - earlier >= policy.min_gap, (who, ordered)
    for i, first in enumerate(ordered):
        within_year = [t for t in ordered[i:] if t < first + timedelta(days=365)]
        assert len(within_year) <= policy.max_per_year, (who, ordered)
