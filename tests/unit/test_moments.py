"""Moment rules for signals, and draft messages rendered from (overridable) templates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.moments import (
    DEFAULT_PRIORITIES,
    DEFAULT_WINDOWS,
    DEPARTURE_PRIORITY,
    MomentKind,
    MomentRule,
    SignalKind,
    rule_for,
)
from models.policy import PoolPolicy

DAYS = timedelta(days=1)

# -------------------------------------------------------------------------------- rule_for

EVENTS = [None, "appointment", "hire", "promotion", "interim", "board", "departure", "retirement"]


@pytest.mark.parametrize(
    ("signal", "event", "kind"),
    [
        (SignalKind.COMPANY_NEWS, None, MomentKind.COMPANY_NEWS),
        (SignalKind.PRESS_MENTION, None, MomentKind.PRESS_MENTION),
        (SignalKind.JOB_CHANGE, None, MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.JOB_CHANGE, "appointment", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.JOB_CHANGE, "hire", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.PROMOTION, "promotion", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.AWARD, None, MomentKind.CONGRATULATE_AWARD),
    ],
)
def test_rule_for_takes_window_and_priority_from_the_defaults(
    signal: SignalKind, event: str | None, kind: MomentKind
) -> None:
    expected = MomentRule(kind, DEFAULT_WINDOWS[kind], DEFAULT_PRIORITIES[kind])

    assert rule_for(signal, event) == expected


@pytest.mark.parametrize(
    ("signal", "days"),
    [
        (SignalKind.COMPANY_NEWS, 14),
        (SignalKind.PRESS_MENTION, 30),
        (SignalKind.JOB_CHANGE, 30),
        (SignalKind.PROMOTION, 30),
        (SignalKind.AWARD, 30),
    ],
)
def test_default_windows(signal: SignalKind, days: int) -> None:
    rule = rule_for(signal, None)

    assert rule is not None
    assert rule.window == days * DAYS


def test_a_new_role_outranks_an_award_which_outranks_company_news() -> None:
    rules = [
        rule_for(s, None)
        for s in (
            SignalKind.JOB_CHANGE,
            SignalKind.AWARD,
            SignalKind.PRESS_MENTION,
            SignalKind.COMPANY_NEWS,
        )
    ]

    priorities = [r.priority for r in rules if r is not None]
    assert priorities == sorted(priorities, reverse=True)
    assert len(set(priorities)) == 4


def test_departure_is_a_check_in_soon() -> None:
    rule = rule_for(SignalKind.JOB_CHANGE, "departure")

    assert rule == MomentRule(MomentKind.CHECK_IN, DEFAULT_WINDOWS[MomentKind.CHECK_IN], 75)
    assert DEPARTURE_PRIORITY == 75
    assert rule.priority > DEFAULT_PRIORITIES[MomentKind.CHECK_IN]


def test_retirement_calls_for_no_moment() -> None:
    assert rule_for(SignalKind.JOB_CHANGE, "retirement") is None


CUSTOM_WINDOWS = DEFAULT_WINDOWS | {
    MomentKind.COMPANY_NEWS: 3 * DAYS,
    MomentKind.CHECK_IN: 10 * DAYS,
    MomentKind.CONGRATULATE_NEW_ROLE: 60 * DAYS,
}
CUSTOM_PRIORITIES = DEFAULT_PRIORITIES | {
    MomentKind.COMPANY_NEWS: 99,
    MomentKind.CHECK_IN: 1,
    MomentKind.CONGRATULATE_AWARD: 5,
}


@pytest.mark.parametrize(
    ("signal", "event", "expected"),
    [
        (SignalKind.COMPANY_NEWS, None, MomentRule(MomentKind.COMPANY_NEWS, 3 * DAYS, 99)),
        (
            SignalKind.JOB_CHANGE,
            "appointment",
            MomentRule(
                MomentKind.CONGRATULATE_NEW_ROLE,
                60 * DAYS,
                DEFAULT_PRIORITIES[MomentKind.CONGRATULATE_NEW_ROLE],
            ),
        ),
        (
            SignalKind.AWARD,
            None,
            MomentRule(
                MomentKind.CONGRATULATE_AWARD, DEFAULT_WINDOWS[MomentKind.CONGRATULATE_AWARD], 5
            ),
        ),
        # A departure takes the pool's check-in window but keeps its own priority.
        (SignalKind.JOB_CHANGE, "departure", MomentRule(MomentKind.CHECK_IN, 10 * DAYS, 75)),
        (SignalKind.JOB_CHANGE, "retirement", None),
    ],
)
def test_rule_for_with_custom_windows_and_priorities(
    signal: SignalKind, event: str | None, expected: MomentRule | None
) -> None:
    rule = rule_for(signal, event, windows=CUSTOM_WINDOWS, priorities=CUSTOM_PRIORITIES)

    assert rule == expected


def test_rule_for_with_a_pool_policy_from_settings() -> None:
    policy = PoolPolicy.from_mapping(
        {"windows": {"press_mention": 7}, "priorities": {"press_mention": 90}}
    )

    rule = rule_for(
        SignalKind.PRESS_MENTION, None, windows=policy.windows, priorities=policy.priorities
    )

    assert rule == MomentRule(MomentKind.PRESS_MENTION, 7 * DAYS, 90)


@given(
    signal=st.sampled_from(SignalKind),
    event=st.sampled_from(EVENTS),
    windows=st.fixed_dictionaries({k: st.integers(1, 400).map(timedelta) for k in MomentKind}),
    priorities=st.fixed_dictionaries({k: st.integers(0, 100) for k in MomentKind}),
)
def test_rule_for_always_reads_the_mappings_it_is_given(
    signal: SignalKind,
    event: str | None,
    windows: dict[MomentKind, timedelta],
    priorities: dict[MomentKind, int],
) -> None:
    rule = rule_for(signal, event, windows=windows, priorities=priorities)

    if (signal, event) == (SignalKind.JOB_CHANGE, "retirement"):
        assert rule is None
        return
    assert rule is not None
    assert rule.window == windows[rule.kind]
    if (signal, event) == (SignalKind.JOB_CHANGE, "departure"):
        assert (rule.kind, rule.priority) == (MomentKind.CHECK_IN, DEPARTURE_PRIORITY)
    else:
        assert rule.priority == priorities[rule.kind]
        assert rule == rule_for(signal, None, windows=windows, priorities=priorities)
