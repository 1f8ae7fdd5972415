"""A recruiter's week: working hours in their timezone, and how many moments they can take.

Pure functions of (recruiter's hours, capacity, now).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@dataclass(frozen=True, kw_only=True)
class WorkingWeek:
    """When a recruiter works and how many moments a week they can act on."""

    timezone: str = "Europe/Amsterdam"
    start: time = time(9, 0)
    end: time = time(17, 0)
    days: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    capacity: int = 5

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {self.timezone!r}") from None
        if not self.start < self.end:
            raise ValueError("working hours must start before they end")
        if not self.days or not self.days <= set(range(7)):
            raise ValueError("working days are numbers 0 (Monday) to 6 (Sunday)")
        if self.capacity < 0:
            raise ValueError("capacity must not be negative")

    @property
    def zone(self) -> ZoneInfo:
        """The recruiter's timezone."""
        return ZoneInfo(self.timezone)


def next_working_time(week: WorkingWeek, now: datetime) -> datetime:
    """``now`` if it is inside working hours, else the start of the next working period."""
    local = now.astimezone(week.zone)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in week.days:
            continue
        # Compare in UTC: wall-clock comparison ignores the repeated hour when clocks go back.
        opens = datetime.combine(day, week.start, tzinfo=week.zone).astimezone(UTC)
        closes = datetime.combine(day, week.end, tzinfo=week.zone).astimezone(UTC)
        if now.astimezone(UTC) < closes:
            return max(now.astimezone(UTC), opens)
    raise AssertionError("a week always has a working day")  # guarded by __post_init__


def next_digest_time(week: WorkingWeek, now: datetime, cadence: str) -> datetime:
    """When a digest with what is routed at ``now`` goes out: the start of the next working
    day (``daily``) or of the next week's first working day (``weekly``); ``now`` itself
    for ``immediate`` alerts, which still wait for working hours."""
    if cadence == "immediate":
        return next_working_time(week, now)
    if cadence not in ("daily", "weekly"):
        raise ValueError(f"unknown alert cadence {cadence!r}")
    first_day = min(week.days)
    local = now.astimezone(week.zone)
    for offset in range(15):
        day = (local + timedelta(days=offset)).date()
        if day.weekday() not in week.days or (cadence == "weekly" and day.weekday() != first_day):
            continue
        opens = datetime.combine(day, week.start, tzinfo=week.zone).astimezone(UTC)
        if opens >= now.astimezone(UTC):
            return opens
    raise AssertionError("two weeks always hold a working day")  # guarded by __post_init__


def week_start(week: WorkingWeek, now: datetime) -> datetime:
    """Monday 00:00 of the recruiter's current week, in UTC."""
    local = now.astimezone(week.zone)
    monday = (local - timedelta(days=local.weekday())).date()
    return datetime.combine(monday, time(0), tzinfo=week.zone).astimezone(UTC)


def allowance(week: WorkingWeek, now: datetime) -> int:
    """How many moments may have been routed this week by ``now``.

    The capacity is paced over the working days, so Monday's moments cannot use up
    the week before better ones arrive on Thursday; what a day leaves unused rolls over.
    """
    local = now.astimezone(week.zone)
    days = sorted(week.days)
    done = sum(1 for d in days if d <= local.weekday())
    return min(week.capacity, math.ceil(week.capacity * done / len(days)))


def next_allowance_time(week: WorkingWeek, now: datetime, routed_this_week: int) -> datetime:
    """When the recruiter can take one more moment: later this week, or next week."""
    probe = now
    for _ in range(14):
        probe = next_working_time(week, probe)
        starts = week_start(week, probe)
        already = routed_this_week if starts == week_start(week, now) else 0
        if allowance(week, probe) > already:
            return probe
        local = probe.astimezone(week.zone)
        probe = datetime.combine(
            local.date() + timedelta(days=1), time(0), tzinfo=week.zone
        ).astimezone(UTC)
    raise AssertionError("capacity 0 never allows a moment")
