"""Settings from hostile variables and config files: either usable settings or one
SettingsError that names the setting at fault; nothing else, and nothing accepted that
would crash later (a number that is not finite, a duration past the calendar)."""

from __future__ import annotations

import math
import tempfile
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from tests.fuzz.profile import FUZZ
from workers.settings import Settings, SettingsError

NAMES = sorted(f.name for f in fields(Settings))
NASTY_VALUES = ["nan", "inf", "-inf", "1e400", "1e12", "-1", "0", "1", "0.5", "1_000", " 7 "]
NASTY_VALUES += ["٣", str(10**30), "99999999999", "2147483648", "65536", "true", "no", "\x00"]
NASTY_VALUES += ["1\x00", "127.0.0.1/8", "::/0", "10.0.0.0/33", "x/y", "redis://127.0.0.1"]
NASTY_VALUES += ["http://x", "https://news.example/?q={query}", "{query}", "auto", "a" * 40]
VALUES = st.one_of(st.text(max_size=12), st.sampled_from(NASTY_VALUES))
# Durations keepwarm adds to "now": each must leave a date the calendar has.
SECONDS = {"fetch_timeout", "poll_interval", "min_poll_interval", "max_poll_interval"}
SECONDS |= {"host_interval", "delivery_retry_seconds", "tick_seconds"}
DAYS = {"disable_after_days", "max_item_age_days", "min_gap_days", "check_in_after_days"}
DAYS |= {"reengage_after_days"}


def _usable(settings: Settings) -> None:
    now = datetime(2026, 12, 7, tzinfo=UTC)
    for f in fields(Settings):
        value = getattr(settings, f.name)
        if isinstance(value, float):
            assert math.isfinite(value), f.name
        if f.name in SECONDS:
            assert now + timedelta(seconds=value) > now - timedelta(seconds=1), f.name
        if f.name in DAYS:
            assert now + timedelta(days=value) >= now, f.name
    assert now + timedelta(hours=settings.alert_after_hours)
    assert settings.worker_threads >= 1 and settings.fetch_concurrency >= 1
    assert 0 <= settings.smtp_port <= 65535 and 0 <= settings.web_port <= 65535


@FUZZ
@given(st.dictionaries(st.sampled_from(NAMES), VALUES, max_size=6))
def test_any_values_give_usable_settings_or_a_settings_error(values: dict[str, str]) -> None:
    try:
        settings = Settings.from_values(values)
    except SettingsError:
        return
    _usable(settings)


@FUZZ
@given(st.sampled_from(NAMES), VALUES)
# What the fuzzing found accepted (and failing later) or refused without naming it:
@example("host_interval", "nan")  # NaN compares false with every bound
@example("fetch_timeout", "inf")
@example("fetch_timeout", "0")  # "fetch timeout, response cap and poll interval..."
@example("worker_threads", "0")
@example("max_item_age_days", "-1")
@example("poll_interval", "99999999999")  # timedelta past the calendar
@example("alert_after_hours", str(10**30))  # OverflowError: int too large for C
@example("policy_file", "\x00")  # open(): ValueError, reported as the contact policy's
def test_one_bad_value_is_an_error_that_names_it(name: str, value: str) -> None:
    try:
        settings = Settings.from_values({name: value})
    except SettingsError as exc:
        assert f"KEEPWARM_{name.upper()}" in str(exc)
        return
    _usable(settings)


LINES = st.one_of(
    st.builds(lambda n, v: f"{n}={v}", st.sampled_from([n.upper() for n in NAMES]), VALUES),
    st.builds(
        lambda n, v: f"KEEPWARM_{n}={v}", st.sampled_from([n.upper() for n in NAMES]), VALUES
    ),
    st.text(max_size=30),
    st.sampled_from(["# comment", "", "=", "KEEPWARM_=1", "NOPE=1", "  POLL_INTERVAL = '60' "]),
)


@FUZZ
@given(
    st.one_of(
        st.lists(LINES, max_size=8).map(lambda lines: "\n".join(lines).encode("utf-8", "replace")),
        st.binary(max_size=200),
    ),
    st.sampled_from(["", "min_gap_days = 1e308", "min_gap_days = 99999999999", "x = [", "\xff"]),
)
@example(b"\x80", "")  # UnicodeDecodeError out of from_env
@example(b"", "\xff")  # the policy file is not UTF-8
def test_a_config_file_gives_usable_settings_or_a_settings_error(
    content: bytes, policy: str
) -> None:
    with tempfile.TemporaryDirectory() as name:
        config = Path(name) / "keepwarm.conf"
        config.write_bytes(content)
        policy_file = Path(name) / "policy.toml"
        policy_file.write_bytes(policy.encode("latin-1"))
        env = {"KEEPWARM_CONFIG": str(config)}
        if policy:
            env["KEEPWARM_POLICY_FILE"] = str(policy_file)
        try:
            settings = Settings.from_env(env)
        except SettingsError:
            return
        _usable(settings)
