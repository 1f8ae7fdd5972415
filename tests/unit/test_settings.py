"""Settings read once from KEEPWARM_* variables and an optional NAME=value file."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from pathlib import Path

import pytest

from models.policy import ContactPolicy
from workers.settings import Settings, SettingsError


def test_defaults_with_an_empty_environment() -> None:
    settings = Settings.from_env({})

    assert settings == Settings()
    assert settings.embedded
    assert settings.broker_url == ""
    assert settings.allow_private_networks == ()
    assert settings.poll_interval == 3600
    assert settings.max_response_bytes == 5_000_000
    assert settings.smtp_starttls is False
    assert settings.data_dir == Path("keepwarm-data")
    assert settings.policy == ContactPolicy(min_gap=timedelta(days=90), max_per_year=3)
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_database_url.endswith("keepwarm-data/keepwarm.db")


def test_unrelated_environment_variables_are_ignored() -> None:
    assert Settings.from_env({"PATH": "/bin", "HOME": "/root", "KEEPWARMX": "1"}) == Settings()


def test_values_are_parsed_by_field_type() -> None:
    settings = Settings.from_env(
        {
            "KEEPWARM_POLL_INTERVAL": "600",
            "KEEPWARM_FETCH_TIMEOUT": "2.5",
            "KEEPWARM_SMTP_STARTTLS": "yes",
            "KEEPWARM_DATA_DIR": "/srv/keepwarm",
            "KEEPWARM_BROKER_URL": "redis://127.0.0.1:6379/1",
            "KEEPWARM_DATABASE_URL": "postgresql+psycopg://kw@db/kw",
            "KEEPWARM_MIN_GAP_DAYS": "30",
            "KEEPWARM_MAX_PER_YEAR": "5",
            "KEEPWARM_NEWS_SEARCH_URL": "https://news.example.com/rss?q={query}",
        }
    )

    assert settings.poll_interval == 600
    assert settings.fetch_timeout == 2.5
    assert settings.smtp_starttls is True
    assert settings.data_dir == Path("/srv/keepwarm")
    assert not settings.embedded
    assert settings.effective_database_url == "postgresql+psycopg://kw@db/kw"
    assert settings.policy == ContactPolicy(min_gap=timedelta(days=30), max_per_year=5)
    assert settings.news_search_url == "https://news.example.com/rss?q={query}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", True),
        ("true", True),
        ("ON", True),
        (" Yes ", True),
        ("0", False),
        ("false", False),
        ("off", False),
        ("no", False),
        ("", False),
    ],
)
def test_booleans(raw: str, expected: bool) -> None:
    assert Settings.from_env({"KEEPWARM_SMTP_STARTTLS": raw}).smtp_starttls is expected


def test_unknown_keepwarm_variable_is_named_in_the_error() -> None:
    with pytest.raises(SettingsError, match="KEEPWARM_POLL_INTERVALL"):
        Settings.from_env({"KEEPWARM_POLL_INTERVALL": "60"})


def test_every_unknown_variable_is_named() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"KEEPWARM_ZZZ": "1", "KEEPWARM_AAA": "2", "KEEPWARM_POLL_INTERVAL": "5"})

    assert "KEEPWARM_AAA, KEEPWARM_ZZZ" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("KEEPWARM_POLL_INTERVAL", "hourly"),
        ("KEEPWARM_POLL_INTERVAL", "1.5"),
        ("KEEPWARM_POLL_INTERVAL", ""),
        ("KEEPWARM_SMTP_PORT", "25a"),
        ("KEEPWARM_MAX_RESPONSE_BYTES", "5MB"),
        ("KEEPWARM_FETCH_TIMEOUT", "ten"),
        ("KEEPWARM_SMTP_STARTTLS", "maybe"),
        ("KEEPWARM_ALLOW_PRIVATE_NETWORKS", "localhost"),
        ("KEEPWARM_ALLOW_PRIVATE_NETWORKS", "10.0.0.0/33"),
    ],
)
def test_unparsable_value_is_a_settings_error_naming_the_variable(name: str, raw: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: raw})


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"KEEPWARM_BROKER_URL": "amqp://rabbit/"}, "KEEPWARM_BROKER_URL"),
        ({"KEEPWARM_BROKER_URL": "127.0.0.1:6379"}, "KEEPWARM_BROKER_URL"),
        ({"KEEPWARM_NEWS_SEARCH_URL": "https://news.example.com/rss?q=acme"}, "{query}"),
        ({"KEEPWARM_FETCH_TIMEOUT": "0"}, "positive"),
        ({"KEEPWARM_MAX_RESPONSE_BYTES": "-1"}, "positive"),
        ({"KEEPWARM_POLL_INTERVAL": "0"}, "positive"),
        ({"KEEPWARM_LOG_FORMAT": "xml"}, "KEEPWARM_LOG_FORMAT"),
    ],
)
def test_invalid_combinations_are_rejected(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)

    assert words in str(caught.value)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://cache.example.com:6380"])
def test_redis_broker_urls_are_accepted(url: str) -> None:
    assert Settings.from_env({"KEEPWARM_BROKER_URL": url}).broker_url == url


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"KEEPWARM_MAX_PER_YEAR": "0"}, "KEEPWARM_MAX_PER_YEAR"),
        ({"KEEPWARM_MIN_GAP_DAYS": "-1"}, "KEEPWARM_MIN_GAP_DAYS"),
    ],
)
def test_impossible_contact_policy_is_a_settings_error(env: dict[str, str], words: str) -> None:
    with pytest.raises(SettingsError, match=words):
        Settings.from_env(env)


def test_allow_private_networks_are_parsed_as_networks() -> None:
    settings = Settings.from_env(
        {"KEEPWARM_ALLOW_PRIVATE_NETWORKS": " 127.0.0.0/8, 10.1.2.3/16 ; ::1 ,, fd00::/8"}
    )

    assert settings.allow_private_networks == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("10.1.0.0/16"),
        ipaddress.ip_network("::1/128"),
        ipaddress.ip_network("fd00::/8"),
    )


def test_private_webhook_networks_are_their_own_setting() -> None:
    settings = Settings.from_env({"KEEPWARM_ALLOW_PRIVATE_WEBHOOKS": "10.1.2.0/24"})

    assert settings.allow_private_webhooks == (ipaddress.ip_network("10.1.2.0/24"),)
    assert settings.allow_private_networks == ()


def test_from_values_uses_field_names() -> None:
    settings = Settings.from_values({"poll_interval": "120", "log_format": "json"})

    assert (settings.poll_interval, settings.log_format) == (120, "json")
    with pytest.raises(SettingsError, match="KEEPWARM_NOPE"):
        Settings.from_values({"nope": "1"})


def test_config_file_is_read(tmp_path: Path) -> None:
    config = tmp_path / "keepwarm.env"
    config.write_text(
        "# keepwarm settings\n"
        "\n"
        "KEEPWARM_POLL_INTERVAL=900\n"
        "smtp_host = mail.example.com\n"
        'MAIL_FROM="Recruiter <r@example.com>"\n'
        "KEEPWARM_NEWS_SEARCH_URL='https://n.example.com/?q={query}&hl=nl'\n"
        "ALLOW_PRIVATE_NETWORKS=127.0.0.0/8\n",
        encoding="utf-8",
    )

    settings = Settings.from_env({"KEEPWARM_CONFIG": str(config)})

    assert settings.poll_interval == 900
    assert settings.smtp_host == "mail.example.com"
    assert settings.mail_from == "Recruiter <r@example.com>"
    assert settings.news_search_url == "https://n.example.com/?q={query}&hl=nl"
    assert settings.allow_private_networks == (ipaddress.ip_network("127.0.0.0/8"),)


def test_environment_wins_over_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "keepwarm.env"
    config.write_text("POLL_INTERVAL=900\nSMTP_PORT=2525\n", encoding="utf-8")

    settings = Settings.from_env({"KEEPWARM_CONFIG": str(config), "KEEPWARM_POLL_INTERVAL": "60"})

    assert (settings.poll_interval, settings.smtp_port) == (60, 2525)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("POLL_INTERVAL 900\n", ":1: expected NAME=value"),
        ("# ok\nSMTP_PORT=25\nbroken\n", ":3: expected NAME=value"),
        ("KEEPWARM_TYPO=1\n", "KEEPWARM_TYPO"),
    ],
)
def test_bad_config_file_is_a_settings_error(tmp_path: Path, content: str, words: str) -> None:
    config = tmp_path / "keepwarm.env"
    config.write_text(content, encoding="utf-8")

    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"KEEPWARM_CONFIG": str(config)})

    assert words in str(caught.value)


def test_missing_config_file_is_a_settings_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.env"

    with pytest.raises(SettingsError, match="KEEPWARM_CONFIG"):
        Settings.from_env({"KEEPWARM_CONFIG": str(missing)})


def test_env_example_lists_every_setting_and_loads() -> None:
    from dataclasses import fields
    from pathlib import Path

    example = Path(__file__).resolve().parents[2] / "deploy" / "env.example"
    names = {
        line.split("=", 1)[0].removeprefix("# ")
        for line in example.read_text().splitlines()
        if line.lstrip("# ").startswith("KEEPWARM_") and "=" in line
    }
    assert names == {f"KEEPWARM_{f.name.upper()}" for f in fields(Settings)}
    loaded = Settings.from_env({"KEEPWARM_CONFIG": str(example)})
    assert loaded == Settings()
