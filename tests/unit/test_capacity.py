"""A recruiter's week: working hours in their timezone, pacing of the weekly capacity."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from models.capacity import (
    WorkingWeek,
    allowance,
    next_allowance_time,
    next_digest_time,
    next_working_time,
    week_start,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
OFFICE = WorkingWeek()  # Europe/Amsterdam, 09:00-17:00, Monday to Friday, 5 a week
NEW_YORK = WorkingWeek(timezone="America/New_York")
EVERY_DAY = frozenset(range(7))


def ams(*args: int) -> datetime:
    """A wall-clock time in Amsterdam, as the UTC instant a caller would pass in."""
    return datetime(*args, tzinfo=AMS).astimezone(UTC)  # type: ignore[misc]


def nyc(*args: int) -> datetime:
    """A wall-clock time in New York, as a UTC instant."""
    return datetime(*args, tzinfo=NYC).astimezone(UTC)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# 2024-06-03 is a Monday; 2024-03-31 and 2024-10-27 are the last Sundays of March and
# October, when Amsterdam moves to and from summer time; New York moves on 2024-03-10 and
# 2024-11-03.


# ---------------------------------------------------------------- WorkingWeek validation


@pytest.mark.parametrize(
    ("values", "words"),
    [
        pytest.param({"start": time(17), "end": time(9)}, "start before", id="start-after-end"),
        pytest.param({"start": time(9), "end": time(9)}, "start before", id="start-equals-end"),
        pytest.param({"days": frozenset()}, "working days", id="no-days"),
        pytest.param({"days": frozenset({7})}, "working days", id="day-7"),
        pytest.param({"days": frozenset({-1, 0})}, "working days", id="day-minus-1"),
        pytest.param({"capacity": -1}, "capacity", id="negative-capacity"),
        pytest.param({"timezone": ""}, "timezone", id="empty-timezone"),
        pytest.param({"timezone": "../etc/passwd"}, "timezone", id="path-as-timezone"),
    ],
)
def test_impossible_weeks_are_rejected(values: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        WorkingWeek(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "Europe/Amsterdan", "CEST"])
def test_unknown_timezone_is_a_value_error(timezone: str) -> None:
    with pytest.raises(ValueError):
        WorkingWeek(timezone=timezone)


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"capacity": 0},
        {"days": frozenset({6})},
        {"days": EVERY_DAY, "start": time(0), "end": time(23, 59)},
        {"timezone": "UTC"},
        {"timezone": "Asia/Kolkata", "start": time(9, 30), "end": time(18)},
    ],
)
def test_possible_weeks_are_accepted(values: dict[str, object]) -> None:
    week = WorkingWeek(**values)  # type: ignore[arg-type]

    assert week.zone == ZoneInfo(week.timezone)


def test_default_week() -> None:
    assert (
        WorkingWeek(
            timezone="Europe/Amsterdam",
            start=time(9),
            end=time(17),
            days=frozenset({0, 1, 2, 3, 4}),
            capacity=5,
        )
        == OFFICE
    )


# ---------------------------------------------------------------------- next_working_time


@pytest.mark.parametrize(
    ("week", "now", "expected"),
    [
        pytest.param(OFFICE, ams(2024, 6, 5, 10, 30), ams(2024, 6, 5, 10, 30), id="inside-hours"),
        pytest.param(OFFICE, ams(2024, 6, 5, 9, 0), ams(2024, 6, 5, 9, 0), id="at-opening"),
        pytest.param(
            OFFICE, ams(2024, 6, 5, 16, 59), ams(2024, 6, 5, 16, 59), id="minute-before-closing"
        ),
        pytest.param(OFFICE, ams(2024, 6, 5, 8, 0), ams(2024, 6, 5, 9, 0), id="before-opening"),
        pytest.param(OFFICE, ams(2024, 6, 3, 0, 0), ams(2024, 6, 3, 9, 0), id="monday-midnight"),
        pytest.param(OFFICE, ams(2024, 6, 5, 17, 0), ams(2024, 6, 6, 9, 0), id="at-closing"),
        pytest.param(OFFICE, ams(2024, 6, 5, 23, 30), ams(2024, 6, 6, 9, 0), id="late-evening"),
        pytest.param(OFFICE, ams(2024, 6, 7, 17, 30), ams(2024, 6, 10, 9, 0), id="friday-evening"),
        pytest.param(OFFICE, ams(2024, 6, 8, 12, 0), ams(2024, 6, 10, 9, 0), id="saturday"),
        pytest.param(OFFICE, ams(2024, 6, 9, 23, 59), ams(2024, 6, 10, 9, 0), id="sunday-night"),
        # The recruiter's zone decides, not UTC: 07:30 UTC is 09:30 in Amsterdam in summer.
        pytest.param(OFFICE, utc(2024, 6, 5, 7, 30), utc(2024, 6, 5, 7, 30), id="utc-inside"),
        pytest.param(OFFICE, utc(2024, 6, 5, 6, 30), utc(2024, 6, 5, 7, 0), id="utc-before"),
        pytest.param(OFFICE, utc(2024, 6, 7, 15, 30), utc(2024, 6, 10, 7, 0), id="utc-after"),
        # Summer time starts on Sunday 2024-03-31: Friday is CET (+1), Monday CEST (+2).
        pytest.param(
            OFFICE, ams(2024, 3, 28, 18, 0), utc(2024, 3, 29, 8, 0), id="dst-march-thursday"
        ),
        pytest.param(
            OFFICE, ams(2024, 3, 29, 17, 30), utc(2024, 4, 1, 7, 0), id="dst-march-weekend"
        ),
        pytest.param(
            OFFICE, ams(2024, 3, 30, 12, 0), utc(2024, 4, 1, 7, 0), id="dst-march-saturday"
        ),
        pytest.param(
            WorkingWeek(days=EVERY_DAY),
            utc(2024, 3, 30, 23, 30),
            utc(2024, 3, 31, 7, 0),
            id="dst-march-sunday-itself",
        ),
        # Summer time ends on Sunday 2024-10-27: Friday is CEST (+2), Monday CET (+1).
        pytest.param(
            OFFICE, ams(2024, 10, 25, 17, 30), utc(2024, 10, 28, 8, 0), id="dst-october-weekend"
        ),
        pytest.param(
            WorkingWeek(days=EVERY_DAY),
            utc(2024, 10, 27, 1, 0),
            utc(2024, 10, 27, 8, 0),
            id="dst-october-sunday-itself",
        ),
        pytest.param(
            WorkingWeek(days=EVERY_DAY),
            utc(2024, 10, 26, 15, 30),
            utc(2024, 10, 27, 8, 0),
            id="dst-october-saturday-after-closing",
        ),
        # New York: EST is -5, EDT is -4.
        pytest.param(NEW_YORK, nyc(2024, 6, 5, 10, 0), utc(2024, 6, 5, 14, 0), id="ny-inside"),
        pytest.param(
            NEW_YORK,
            utc(2024, 6, 10, 2, 0),
            utc(2024, 6, 10, 13, 0),
            id="ny-still-sunday-when-amsterdam-is-monday",
        ),
        pytest.param(
            NEW_YORK,
            utc(2024, 6, 7, 20, 30),
            utc(2024, 6, 7, 20, 30),
            id="ny-friday-afternoon-is-amsterdam-night",
        ),
        pytest.param(NEW_YORK, nyc(2024, 3, 8, 18, 0), utc(2024, 3, 11, 13, 0), id="ny-dst-march"),
        pytest.param(
            NEW_YORK, nyc(2024, 11, 1, 18, 0), utc(2024, 11, 4, 14, 0), id="ny-dst-november"
        ),
        # Other shapes of week.
        pytest.param(
            WorkingWeek(days=frozenset({1, 3})),
            ams(2024, 6, 4, 17, 0),
            ams(2024, 6, 6, 9, 0),
            id="tuesday-thursday-only",
        ),
        pytest.param(
            WorkingWeek(days=frozenset({0})),
            ams(2024, 6, 3, 17, 0),
            ams(2024, 6, 10, 9, 0),
            id="monday-only-after-closing-is-next-week",
        ),
        pytest.param(
            WorkingWeek(start=time(8, 30), end=time(12, 15)),
            ams(2024, 6, 5, 12, 15),
            ams(2024, 6, 6, 8, 30),
            id="minutes-in-hours",
        ),
    ],
)
def test_next_working_time(week: WorkingWeek, now: datetime, expected: datetime) -> None:
    result = next_working_time(week, now)

    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_next_working_time_accepts_any_aware_timezone() -> None:
    now = datetime(2024, 6, 8, 12, 0, tzinfo=AMS)  # a Saturday, not converted to UTC

    assert next_working_time(OFFICE, now) == ams(2024, 6, 10, 9, 0)


def test_next_working_time_is_never_in_the_past_when_the_clock_goes_back() -> None:
    night = WorkingWeek(start=time(2, 30), end=time(4, 0), days=EVERY_DAY)
    now = datetime(2024, 10, 27, 2, 10, fold=1, tzinfo=AMS).astimezone(UTC)

    assert now == utc(2024, 10, 27, 1, 10)
    assert next_working_time(night, now) >= now


ZONES = ["Europe/Amsterdam", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"]


@st.composite
def working_weeks(draw: st.DrawFn) -> WorkingWeek:
    """Realistic weeks: hours between 05:00 and 23:59, away from the DST switch at night."""
    start = time(draw(st.integers(5, 12)), draw(st.sampled_from([0, 15, 30, 45])))
    end = time(draw(st.integers(start.hour + 1, 23)), draw(st.sampled_from([0, 30, 59])))
    return WorkingWeek(
        timezone=draw(st.sampled_from(ZONES)),
        start=start,
        end=end,
        days=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        capacity=draw(st.integers(0, 20)),
    )


instants = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)


def is_working(week: WorkingWeek, at: datetime) -> bool:
    local = at.astimezone(week.zone)
    return local.weekday() in week.days and week.start <= local.time() < week.end


@given(week=working_weeks(), now=instants)
def test_next_working_time_is_the_next_working_instant(week: WorkingWeek, now: datetime) -> None:
    result = next_working_time(week, now)

    assert now <= result < now + timedelta(days=8)
    assert is_working(week, result)
    if is_working(week, now):
        assert result == now
    else:
        # Nothing in between is working time: it is the opening of a working day.
        assert result.astimezone(week.zone).time() == week.start
    assert next_working_time(week, result) == result


# ----------------------------------------------------------------------------- week_start


@pytest.mark.parametrize(
    ("week", "now", "expected"),
    [
        pytest.param(OFFICE, ams(2024, 6, 5, 12, 0), utc(2024, 6, 2, 22, 0), id="wednesday"),
        pytest.param(OFFICE, ams(2024, 6, 3, 0, 0), utc(2024, 6, 2, 22, 0), id="monday-00:00"),
        pytest.param(OFFICE, ams(2024, 6, 9, 23, 59), utc(2024, 6, 2, 22, 0), id="sunday-23:59"),
        pytest.param(
            OFFICE,
            utc(2024, 6, 9, 22, 0),
            utc(2024, 6, 9, 22, 0),
            id="sunday-in-utc-is-monday-in-amsterdam",
        ),
        pytest.param(OFFICE, ams(2024, 3, 31, 12, 0), utc(2024, 3, 24, 23, 0), id="dst-march"),
        pytest.param(OFFICE, ams(2024, 4, 1, 12, 0), utc(2024, 3, 31, 22, 0), id="after-march"),
        pytest.param(OFFICE, ams(2024, 10, 27, 12, 0), utc(2024, 10, 20, 22, 0), id="dst-oct"),
        pytest.param(OFFICE, ams(2024, 10, 28, 12, 0), utc(2024, 10, 27, 23, 0), id="after-oct"),
        pytest.param(NEW_YORK, nyc(2024, 6, 5, 12, 0), utc(2024, 6, 3, 4, 0), id="ny"),
        pytest.param(NEW_YORK, utc(2024, 6, 10, 2, 0), utc(2024, 6, 3, 4, 0), id="ny-still-sunday"),
        pytest.param(NEW_YORK, nyc(2024, 3, 11, 9, 0), utc(2024, 3, 11, 4, 0), id="ny-dst"),
    ],
)
def test_week_start(week: WorkingWeek, now: datetime, expected: datetime) -> None:
    assert week_start(week, now) == expected


@given(week=working_weeks(), now=instants)
def test_week_start_is_the_monday_midnight_before_now(week: WorkingWeek, now: datetime) -> None:
    start = week_start(week, now)
    local = start.astimezone(week.zone)

    assert start <= now < start + timedelta(days=7, hours=1)
    assert (local.weekday(), local.time()) == (0, time(0))
    assert week_start(week, start) == start


# ------------------------------------------------------------------------------ allowance

MONDAY_TO_SUNDAY_NOON = [ams(2024, 6, 3 + day, 12, 0) for day in range(7)]


@pytest.mark.parametrize(
    ("week", "per_day"),
    [
        pytest.param(OFFICE, [1, 2, 3, 4, 5, 5, 5], id="5-over-5-days"),
        pytest.param(WorkingWeek(capacity=3), [1, 2, 2, 3, 3, 3, 3], id="3-over-5-days-ceil"),
        pytest.param(WorkingWeek(capacity=2), [1, 1, 2, 2, 2, 2, 2], id="2-over-5-days"),
        pytest.param(WorkingWeek(capacity=12), [3, 5, 8, 10, 12, 12, 12], id="12-over-5-days"),
        pytest.param(WorkingWeek(capacity=0), [0, 0, 0, 0, 0, 0, 0], id="capacity-0"),
        pytest.param(
            WorkingWeek(capacity=10, days=frozenset({0, 1, 2})),
            [4, 7, 10, 10, 10, 10, 10],
            id="10-over-mon-wed",
        ),
        pytest.param(
            WorkingWeek(capacity=4, days=frozenset({5, 6})),
            [0, 0, 0, 0, 0, 2, 4],
            id="weekend-worker",
        ),
        pytest.param(
            WorkingWeek(capacity=7, days=EVERY_DAY), [1, 2, 3, 4, 5, 6, 7], id="7-over-7-days"
        ),
    ],
)
def test_allowance_is_paced_over_the_working_days(week: WorkingWeek, per_day: list[int]) -> None:
    assert [allowance(week, noon) for noon in MONDAY_TO_SUNDAY_NOON] == per_day


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(ams(2024, 6, 3, 0, 30), 1, id="monday-before-opening"),
        pytest.param(ams(2024, 6, 3, 23, 30), 1, id="monday-late"),
        pytest.param(utc(2024, 6, 3, 22, 30), 2, id="utc-monday-is-tuesday-in-amsterdam"),
        pytest.param(utc(2024, 6, 2, 21, 59), 5, id="sunday-last-minute"),
        pytest.param(utc(2024, 6, 2, 22, 0), 1, id="new-week"),
    ],
)
def test_allowance_follows_the_recruiters_calendar_day(now: datetime, expected: int) -> None:
    assert allowance(OFFICE, now) == expected


@given(week=working_weeks(), now=instants)
def test_allowance_grows_through_the_week_up_to_capacity(week: WorkingWeek, now: datetime) -> None:
    start = week_start(week, now)
    days = [allowance(week, start + timedelta(days=d, hours=12)) for d in range(7)]

    assert days == sorted(days)
    assert all(0 <= a <= week.capacity for a in days)
    assert days[max(week.days)] == week.capacity
    if week.capacity:
        assert days[min(week.days)] >= 1


# -------------------------------------------------------------------- next_allowance_time


@pytest.mark.parametrize(
    ("week", "now", "routed", "expected"),
    [
        pytest.param(OFFICE, ams(2024, 6, 5, 10), 2, ams(2024, 6, 5, 10), id="room-now"),
        pytest.param(OFFICE, ams(2024, 6, 5, 8), 2, ams(2024, 6, 5, 9), id="room-at-opening"),
        pytest.param(OFFICE, ams(2024, 6, 5, 18), 2, ams(2024, 6, 6, 9), id="room-tomorrow"),
        pytest.param(OFFICE, ams(2024, 6, 5, 10), 3, ams(2024, 6, 6, 9), id="used-today"),
        pytest.param(OFFICE, ams(2024, 6, 5, 8), 3, ams(2024, 6, 6, 9), id="used-before-opening"),
        pytest.param(OFFICE, ams(2024, 6, 5, 10), 4, ams(2024, 6, 7, 9), id="used-till-friday"),
        pytest.param(OFFICE, ams(2024, 6, 5, 10), 5, ams(2024, 6, 10, 9), id="week-used"),
        pytest.param(OFFICE, ams(2024, 6, 5, 10), 7, ams(2024, 6, 10, 9), id="over-used"),
        pytest.param(OFFICE, ams(2024, 6, 7, 12), 5, ams(2024, 6, 10, 9), id="friday-used"),
        pytest.param(OFFICE, ams(2024, 6, 8, 12), 5, ams(2024, 6, 10, 9), id="saturday"),
        pytest.param(
            OFFICE,
            ams(2024, 6, 8, 12),
            4,
            ams(2024, 6, 10, 9),
            id="saturday-unused-room-waits-for-monday",
        ),
        # 3 a week over 5 days: Tuesday 2, Wednesday 2 (ceil 1.8), Thursday 3.
        pytest.param(
            WorkingWeek(capacity=3),
            ams(2024, 6, 4, 10),
            2,
            ams(2024, 6, 6, 9),
            id="ceil-skips-wednesday",
        ),
        pytest.param(
            WorkingWeek(capacity=1, days=frozenset({0, 3})),
            ams(2024, 6, 3, 10),
            1,
            ams(2024, 6, 10, 9),
            id="one-a-week",
        ),
        pytest.param(
            OFFICE, ams(2024, 3, 29, 12), 5, utc(2024, 4, 1, 7), id="dst-march-next-monday"
        ),
        pytest.param(
            OFFICE, ams(2024, 10, 24, 12), 4, utc(2024, 10, 25, 7), id="dst-october-friday"
        ),
        pytest.param(
            OFFICE, ams(2024, 10, 25, 12), 5, utc(2024, 10, 28, 8), id="dst-october-next-monday"
        ),
        pytest.param(
            NEW_YORK, nyc(2024, 3, 7, 10), 5, utc(2024, 3, 11, 13), id="ny-dst-next-monday"
        ),
        pytest.param(NEW_YORK, nyc(2024, 6, 4, 16), 2, utc(2024, 6, 5, 13), id="ny-tomorrow"),
    ],
)
def test_next_allowance_time(
    week: WorkingWeek, now: datetime, routed: int, expected: datetime
) -> None:
    assert next_allowance_time(week, now, routed) == expected


@given(week=working_weeks(), now=instants, routed=st.integers(0, 25))
def test_next_allowance_time_is_a_working_time_with_room(
    week: WorkingWeek, now: datetime, routed: int
) -> None:
    assume(week.capacity > 0)

    at = next_allowance_time(week, now, routed)

    assert now <= at < now + timedelta(days=15)
    assert is_working(week, at)
    same_week = week_start(week, at) == week_start(week, now)
    assert allowance(week, at) > (routed if same_week else 0)
    if is_working(week, now) and routed < allowance(week, now):
        assert at == now
    # Next week always has room, so it never waits longer than that.
    assert week_start(week, at) - week_start(week, now) <= timedelta(days=7, hours=1)


# 2026-12-02 is a Wednesday.
@pytest.mark.parametrize(
    ("week", "now", "cadence", "expected"),
    [
        # Daily: the start of the next working day; before opening time, today's start.
        (OFFICE, ams(2026, 12, 2, 10, 30), "daily", ams(2026, 12, 3, 9, 0)),
        (OFFICE, ams(2026, 12, 2, 7, 0), "daily", ams(2026, 12, 2, 9, 0)),
        (OFFICE, ams(2026, 12, 2, 9, 0), "daily", ams(2026, 12, 2, 9, 0)),
        (OFFICE, ams(2026, 12, 4, 16, 0), "daily", ams(2026, 12, 7, 9, 0)),  # Friday: Monday
        (OFFICE, ams(2026, 12, 5, 12, 0), "daily", ams(2026, 12, 7, 9, 0)),  # Saturday
        # Their own timezone: 09:00 in New York is 15:00 in Amsterdam.
        (NEW_YORK, nyc(2026, 12, 2, 11, 0), "daily", nyc(2026, 12, 3, 9, 0)),
        # Weekly: the first working day of the next week (or this one, before it opens).
        (OFFICE, ams(2026, 12, 2, 10, 0), "weekly", ams(2026, 12, 7, 9, 0)),
        (OFFICE, ams(2026, 12, 7, 8, 0), "weekly", ams(2026, 12, 7, 9, 0)),
        (OFFICE, ams(2026, 12, 7, 9, 30), "weekly", ams(2026, 12, 14, 9, 0)),
        (
            WorkingWeek(days=frozenset({1, 3})),  # Tuesdays and Thursdays
            ams(2026, 12, 2, 10, 0),
            "weekly",
            ams(2026, 12, 8, 9, 0),
        ),
        # Immediate: now, if in working hours; else when they open.
        (OFFICE, ams(2026, 12, 2, 10, 30), "immediate", ams(2026, 12, 2, 10, 30)),
        (OFFICE, ams(2026, 12, 2, 20, 0), "immediate", ams(2026, 12, 3, 9, 0)),
        # Across the change to winter time (25 October 2026): still 09:00 local.
        (OFFICE, ams(2026, 10, 23, 12, 0), "daily", ams(2026, 10, 26, 9, 0)),
    ],
)
def test_next_digest_time(
    week: WorkingWeek, now: datetime, cadence: str, expected: datetime
) -> None:
    assert next_digest_time(week, now, cadence) == expected


def test_an_unknown_cadence_is_an_error() -> None:
    with pytest.raises(ValueError, match="cadence"):
        next_digest_time(OFFICE, ams(2026, 12, 2, 10, 0), "hourly")
