"""The consent clock: renew before the retention date, erase after its grace period."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.retention import PRESETS, ConsentStep, RetentionPolicy, consent_step, retention_from

NL = PRESETS["nl"]  # 365 days, renewal asked 45 days before, 14 days' grace
UNTIL = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("today", "step"),
    [
        (UNTIL - timedelta(days=46), ConsentStep.NONE),
        (UNTIL - timedelta(days=45), ConsentStep.RENEW),
        (UNTIL - timedelta(days=1), ConsentStep.RENEW),
        (UNTIL, ConsentStep.NONE),  # past the date: moments stop, erasure waits for the grace
        (UNTIL + timedelta(days=13), ConsentStep.NONE),
        (UNTIL + timedelta(days=14), ConsentStep.EXPIRE),
        (UNTIL + timedelta(days=400), ConsentStep.EXPIRE),
    ],
)
def test_the_clock_by_day(today: date, step: ConsentStep) -> None:
    assert consent_step(UNTIL, today, NL) is step


def test_no_date_no_clock() -> None:
    assert consent_step(None, UNTIL, NL) is ConsentStep.NONE


def test_presets_and_overrides() -> None:
    assert retention_from({}) == NL
    belgian = retention_from({"preset": "be", "grace_days": 0})
    assert belgian.renew_before == timedelta(days=30) and belgian.grace == timedelta(0)
    assert NL.renewed_until(date(2026, 12, 2)) == date(2027, 12, 2)


@pytest.mark.parametrize(
    "raw",
    [
        {"preset": "fr"},
        {"consent_days": 0},
        {"renew_before_days": 400},
        {"grace_days": -1},
        {"keep_for_ever": True},
    ],
)
def test_impossible_settings_are_errors(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        retention_from(raw)


def test_policy_checks_its_own_numbers() -> None:
    with pytest.raises(ValueError):
        RetentionPolicy(renew_before=timedelta(0))
