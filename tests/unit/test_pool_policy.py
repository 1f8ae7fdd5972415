"""A pool's whole policy from a mapping (a TOML file), and the settings that read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.moments import DEFAULT_PRIORITIES, DEFAULT_WINDOWS, MomentKind
from models.policy import ContactPolicy, PoolPolicy
from workers.settings import Settings, SettingsError

DAYS = timedelta(days=1)


def test_defaults_from_an_empty_mapping() -> None:
    policy = PoolPolicy.from_mapping({})

    assert policy.contact == ContactPolicy(min_gap=90 * DAYS, max_per_year=3)
    assert policy.check_in_after == 120 * DAYS
    assert policy.reengage_after == 180 * DAYS
    assert policy.windows[MomentKind.COMPANY_NEWS] == 14 * DAYS
    assert policy.windows[MomentKind.CONGRATULATE_NEW_ROLE] == 30 * DAYS
    assert dict(policy.windows) == DEFAULT_WINDOWS
    assert dict(policy.priorities) == DEFAULT_PRIORITIES
    assert set(policy.windows) == set(policy.priorities) == set(MomentKind)


def test_from_empty_mapping_equals_the_dataclass_defaults() -> None:
    assert PoolPolicy.from_mapping({}) == PoolPolicy()


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        pytest.param(
            {"min_gap_days": 60, "max_per_year": 4},
            lambda p: p.contact == ContactPolicy(min_gap=60 * DAYS, max_per_year=4),
            id="contact-limits",
        ),
        pytest.param({"min_gap_days": 0}, lambda p: p.contact.min_gap == timedelta(0), id="gap-0"),
        pytest.param(
            {"min_confidence": 0.6}, lambda p: p.contact.min_confidence == 0.6, id="confidence"
        ),
        pytest.param(
            {"check_in_after_days": 60, "reengage_after_days": 90},
            lambda p: (p.check_in_after, p.reengage_after) == (60 * DAYS, 90 * DAYS),
            id="check-in-and-reengage",
        ),
        pytest.param(
            {"check_in_after_days": 150, "reengage_after_days": 150},
            lambda p: p.check_in_after == p.reengage_after == 150 * DAYS,
            id="check-in-equals-reengage",
        ),
        pytest.param(
            {"min_gap_days": "45"}, lambda p: p.contact.min_gap == 45 * DAYS, id="number-as-text"
        ),
    ],
)
def test_overrides_of_limits(raw: dict[str, Any], check: Callable[[PoolPolicy], bool]) -> None:
    assert check(PoolPolicy.from_mapping(raw))


def test_window_override_by_moment_kind_name_keeps_the_other_defaults() -> None:
    policy = PoolPolicy.from_mapping({"windows": {"company_news": 21, "check_in": 60}})

    assert policy.windows[MomentKind.COMPANY_NEWS] == 21 * DAYS
    assert policy.windows[MomentKind.CHECK_IN] == 60 * DAYS
    assert {k: v for k, v in policy.windows.items() if k not in ("company_news", "check_in")} == {
        k: v for k, v in DEFAULT_WINDOWS.items() if k not in ("company_news", "check_in")
    }
    assert dict(policy.priorities) == DEFAULT_PRIORITIES
    assert DEFAULT_WINDOWS[MomentKind.COMPANY_NEWS] == 14 * DAYS  # the defaults are untouched


def test_priority_override_by_moment_kind_name_keeps_the_other_defaults() -> None:
    policy = PoolPolicy.from_mapping({"priorities": {"relevant_vacancy": 95, "check_in": 1}})

    assert policy.priorities[MomentKind.RELEVANT_VACANCY] == 95
    assert policy.priorities[MomentKind.CHECK_IN] == 1
    others = set(MomentKind) - {MomentKind.RELEVANT_VACANCY, MomentKind.CHECK_IN}
    assert all(policy.priorities[k] == DEFAULT_PRIORITIES[k] for k in others)
    assert dict(policy.windows) == DEFAULT_WINDOWS
    assert DEFAULT_PRIORITIES[MomentKind.CHECK_IN] != 1  # the defaults are untouched


@given(
    windows=st.dictionaries(st.sampled_from(MomentKind), st.integers(1, 3650)),
    priorities=st.dictionaries(st.sampled_from(MomentKind), st.integers(-100, 1000)),
)
def test_any_positive_windows_and_any_priorities_are_taken_as_given(
    windows: dict[MomentKind, int], priorities: dict[MomentKind, int]
) -> None:
    policy = PoolPolicy.from_mapping(
        {
            "windows": {k.value: v for k, v in windows.items()},
            "priorities": {k.value: v for k, v in priorities.items()},
        }
    )

    for kind in MomentKind:
        assert policy.windows[kind] == windows.get(kind, DEFAULT_WINDOWS[kind].days) * DAYS
        assert policy.priorities[kind] == priorities.get(kind, DEFAULT_PRIORITIES[kind])


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param({"min_gap": 30}, r"unknown policy setting\(s\): min_gap", id="unknown-name"),
        pytest.param(
            {"window": {}, "max_per_yaer": 2},
            r"unknown policy setting\(s\): max_per_yaer, window",
            id="two-unknown-names-sorted",
        ),
        pytest.param(
            {"windows": {"birthday": 7}}, "unknown moment kind 'birthday'", id="unknown-window"
        ),
        pytest.param(
            {"priorities": {"Company_News": 7}},
            "unknown moment kind 'Company_News'",
            id="unknown-priority-kind-case-matters",
        ),
        pytest.param(
            {"check_in_after_days": 200},
            "check_in_after must be positive and at most reengage_after",
            id="check-in-after-reengage-default",
        ),
        pytest.param(
            {"check_in_after_days": 100, "reengage_after_days": 99},
            "at most reengage_after",
            id="check-in-after-reengage",
        ),
        pytest.param({"check_in_after_days": 0}, "must be positive", id="check-in-0"),
        pytest.param({"windows": {"company_news": 0}}, "window must be positive", id="window-0"),
        pytest.param(
            {"windows": {"check_in": -5}}, "window must be positive", id="negative-window"
        ),
        pytest.param({"max_per_year": 0}, "max_per_year must be at least 1", id="max-per-year-0"),
        pytest.param({"min_gap_days": -1}, "min_gap must not be negative", id="negative-gap"),
        pytest.param({"min_confidence": 1.5}, "between 0 and 1", id="confidence-above-1"),
        pytest.param({"min_confidence": "sure"}, "could not convert", id="confidence-a-word"),
        pytest.param({"max_per_year": "three"}, "invalid literal", id="not-a-number"),
    ],
)
def test_bad_policies_are_rejected(raw: Mapping[str, Any], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        PoolPolicy.from_mapping(raw)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param({"windows": 5}, id="windows-not-a-table"),
        pytest.param({"priorities": ["company_news"]}, id="priorities-a-list"),
        pytest.param({"min_gap_days": [1]}, id="gap-a-list"),
        pytest.param({"windows": {"company_news": {"days": 3}}}, id="window-a-table"),
    ],
)
def test_wrongly_typed_values_are_value_errors(raw: Mapping[str, Any]) -> None:
    with pytest.raises(ValueError):
        PoolPolicy.from_mapping(raw)


# ------------------------------------------------------------- Settings with a policy file

POLICY_TOML = """\
min_gap_days = 60
max_per_year = 4
check_in_after_days = 100
reengage_after_days = 200

[windows]
company_news = 21
congratulate_new_role = 45

[priorities]
relevant_vacancy = 95
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_settings_read_the_policy_file(tmp_path: Path) -> None:
    settings = Settings.from_values({"policy_file": write(tmp_path, POLICY_TOML)})

    policy = settings.pool_policy
    assert policy.windows[MomentKind.COMPANY_NEWS] == 21 * DAYS
    assert policy.windows[MomentKind.CONGRATULATE_NEW_ROLE] == 45 * DAYS
    assert policy.windows[MomentKind.CHECK_IN] == DEFAULT_WINDOWS[MomentKind.CHECK_IN]
    assert policy.priorities[MomentKind.RELEVANT_VACANCY] == 95
    assert (policy.check_in_after, policy.reengage_after) == (100 * DAYS, 200 * DAYS)
    assert settings.policy == ContactPolicy(min_gap=60 * DAYS, max_per_year=4)


def test_a_policy_file_with_only_windows_keeps_the_default_limits(tmp_path: Path) -> None:
    settings = Settings.from_values(
        {"policy_file": write(tmp_path, "[windows]\ncompany_news = 7\n")}
    )

    assert settings.pool_policy.windows[MomentKind.COMPANY_NEWS] == 7 * DAYS
    assert settings.policy == ContactPolicy()


def test_settings_without_a_policy_file_use_the_variables() -> None:
    settings = Settings.from_values({"min_gap_days": "30", "reengage_after_days": "150"})

    assert settings.policy.min_gap == 30 * DAYS
    assert settings.pool_policy.reengage_after == 150 * DAYS
    assert dict(settings.pool_policy.windows) == DEFAULT_WINDOWS


@pytest.mark.parametrize("name", ["min_gap_days", "max_per_year", "check_in_after_days"])
def test_policy_file_and_policy_variables_together_are_an_error(tmp_path: Path, name: str) -> None:
    with pytest.raises(SettingsError, match="not both"):
        Settings.from_values({"policy_file": write(tmp_path, POLICY_TOML), name: "30"})


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("min_gap_days = \n", "policy.toml", id="broken-toml"),
        pytest.param("[windows\ncompany_news = 3\n", "policy.toml", id="broken-table"),
        pytest.param("min_gap = 30\n", "unknown policy setting", id="unknown-name"),
        pytest.param("[windows]\nbirthday = 3\n", "unknown moment kind", id="unknown-kind"),
        pytest.param(
            "check_in_after_days = 300\n", "at most reengage_after", id="check-in-after-reengage"
        ),
        pytest.param("[windows]\ncompany_news = 0\n", "window must be positive", id="window-0"),
        pytest.param("max_per_year = 0\n", "max_per_year", id="max-per-year-0"),
    ],
)
def test_bad_policy_files_are_settings_errors(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_values({"policy_file": write(tmp_path, text)})


def test_missing_policy_file_is_a_settings_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="KEEPWARM_POLICY_FILE"):
        Settings.from_values({"policy_file": str(tmp_path / "nowhere.toml")})


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("windows = 5\n", id="windows-not-a-table"),
        pytest.param("min_gap_days = [1]\n", id="gap-a-list"),
        pytest.param("[priorities]\ncompany_news = []\n", id="priority-a-list"),
    ],
)
def test_wrongly_typed_policy_file_values_are_settings_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(SettingsError):
        Settings.from_values({"policy_file": write(tmp_path, text)})


def test_absurd_numbers_are_a_clear_error_not_an_overflow() -> None:
    with pytest.raises(ValueError, match="out of range"):
        PoolPolicy.from_mapping({"min_gap_days": 99_999_999_999})
