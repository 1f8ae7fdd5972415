"""Settings: read once from ``KEEPWARM_*`` environment variables (and an optional file)."""

from __future__ import annotations

import ipaddress
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any

from models.policy import ContactPolicy, PoolPolicy


class SettingsError(ValueError):
    """A setting has a value keepwarm cannot use."""


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything that can be configured, with its default."""

    data_dir: Path = Path("keepwarm-data")
    database_url: str = ""
    broker_url: str = ""
    broker_namespace: str = "keepwarm"
    metrics_port: str = ""
    metrics_host: str = "0.0.0.0"
    allow_private_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Networks feeds, pages and robots.txt may be fetched from although not public."""
    allow_private_webhooks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Networks webhooks may be posted to although not public (an internal receiver)."""
    user_agent: str = "keepwarm/0.1 (+https://github.com/keepwarm/keepwarm)"
    fetch_timeout: float = 10.0
    max_response_bytes: int = 5_000_000
    poll_interval: int = 3600
    min_poll_interval: int = 300
    max_poll_interval: int = 86_400
    host_interval: float = 1.0
    host_concurrency: int = 1
    fetch_concurrency: int = 16
    disable_after_days: int = 3
    alert_after_hours: int = 24
    operator_email: str = ""
    operator_webhook: str = ""
    max_item_age_days: int = 30
    first_poll_baseline: bool = True
    """A new source's first poll records its entries as seen without storing them."""
    max_entries_per_poll: int = 200
    max_items_per_day: int = 500
    news_search_url: str = ""
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_tls: bool = False
    """Implicit TLS from the first byte (port 465)."""
    smtp_ca_file: str = ""
    smtp_plaintext_login: bool = False
    """Allow the SMTP login without TLS (a relay on the same host only)."""
    mail_from: str = "keepwarm@localhost"
    delivery_retry_seconds: float = 60.0
    """The first retry of a failed delivery; each next one waits twice as long (2 h at most)."""
    tick_seconds: float = 30.0
    worker_threads: int = 4
    min_gap_days: int = 90
    max_per_year: int = 3
    min_confidence: float = 0.0
    """Moments detected with a lower (calibrated) confidence are not routed."""
    event_model: bool = False
    """Detection adds the learned model's events to the rules' (App.build turns it on)."""
    check_in_after_days: int = 120
    reengage_after_days: int = 180
    policy_file: str = ""
    templates_dir: str = ""
    log_format: str = "auto"
    log_level: str = "INFO"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = ""
    secret_key: str = ""
    event_stream: str = ""
    event_stream_maxlen: int = 100_000

    @property
    def embedded(self) -> bool:
        """True without a broker URL: in-memory broker, workers in this process."""
        return not self.broker_url

    @property
    def effective_database_url(self) -> str:
        """The configured database, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'keepwarm.db').resolve()}"

    @cached_property
    def pool_policy(self) -> PoolPolicy:
        """The pool's policy: from KEEPWARM_POLICY_FILE (TOML) if set, else the variables."""
        if self.policy_file:
            try:
                with open(self.policy_file, "rb") as handle:
                    raw = tomllib.load(handle)
            except (OSError, ValueError) as exc:  # TOML, UTF-8 or a NUL in the path
                raise SettingsError(f"KEEPWARM_POLICY_FILE {self.policy_file!r}: {exc}") from exc
            return PoolPolicy.from_mapping(raw)
        return PoolPolicy.from_mapping(
            {
                "min_gap_days": self.min_gap_days,
                "max_per_year": self.max_per_year,
                "min_confidence": self.min_confidence,
                "check_in_after_days": self.check_in_after_days,
                "reengage_after_days": self.reengage_after_days,
            }
        )

    @property
    def policy(self) -> ContactPolicy:
        """The pool's contact limits."""
        return self.pool_policy.contact

    @property
    def base_url(self) -> str:
        """Where recruiters reach the inbox: KEEPWARM_PUBLIC_URL, else the local address."""
        return (self.public_url or f"http://{self.web_host}:{self.web_port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        """Cookies are ``Secure`` when the inbox is served over HTTPS (behind a proxy)."""
        return self.base_url.startswith("https://")

    @property
    def templates_path(self) -> Path | None:
        """The folder whose templates override the bundled ones, if any."""
        return Path(self.templates_dir) if self.templates_dir else None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``KEEPWARM_*`` variables; ``KEEPWARM_CONFIG`` names a file."""
        env = dict(os.environ if environ is None else environ)
        values: dict[str, str] = {}
        config_file = env.get("KEEPWARM_CONFIG")
        if config_file:
            values.update(_read_config_file(Path(config_file)))
        values.update(
            {k[len("KEEPWARM_") :].lower(): v for k, v in env.items() if k.startswith("KEEPWARM_")}
        )
        values.pop("config", None)
        return cls.from_values(values)

    @classmethod
    def from_values(cls, values: Mapping[str, str]) -> Settings:
        """Validate string values by field name; unknown names are an error."""
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            names = ", ".join(f"KEEPWARM_{n.upper()}" for n in unknown)
            raise SettingsError(f"unknown setting(s): {names}")
        parsed: dict[str, Any] = {}
        for name, raw in values.items():
            try:
                parsed[name] = _PARSERS.get(name, _parse_by_default(known[name].default))(raw)
            except (TypeError, ValueError) as exc:
                raise SettingsError(f"KEEPWARM_{name.upper()}={raw!r}: {exc}") from exc
        policy_names = {
            "min_gap_days",
            "max_per_year",
            "min_confidence",
            "check_in_after_days",
            "reengage_after_days",
        }
        if parsed.get("policy_file") and policy_names & set(parsed):
            raise SettingsError(
                "set the contact policy in KEEPWARM_POLICY_FILE or in variables, not both"
            )
        settings = cls(**parsed)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject combinations that cannot work."""
        if self.broker_url and not self.broker_url.startswith(("redis://", "rediss://")):
            raise SettingsError("KEEPWARM_BROKER_URL must be a redis:// URL")
        for name, (low, high) in _RANGES.items():
            value = getattr(self, name)
            if low is None:  # positive
                if not (math.isfinite(value) and 0 < value <= high):
                    raise SettingsError(f"KEEPWARM_{name.upper()} must be positive, at most {high}")
            elif not (math.isfinite(value) and low <= value <= high):
                raise SettingsError(f"KEEPWARM_{name.upper()} must be from {low} to {high}")
        if not 0 < self.min_poll_interval <= self.max_poll_interval:
            raise SettingsError("need 0 < KEEPWARM_MIN_POLL_INTERVAL <= KEEPWARM_MAX_POLL_INTERVAL")
        if self.log_format not in ("auto", "json", "console"):
            raise SettingsError("KEEPWARM_LOG_FORMAT must be auto, json or console")
        if self.smtp_starttls and self.smtp_tls:
            raise SettingsError("choose KEEPWARM_SMTP_STARTTLS or KEEPWARM_SMTP_TLS, not both")
        if (
            self.smtp_username
            and not (self.smtp_starttls or self.smtp_tls)
            and not self.smtp_plaintext_login
        ):
            raise SettingsError(
                "KEEPWARM_SMTP_USERNAME without KEEPWARM_SMTP_STARTTLS or KEEPWARM_SMTP_TLS would "
                "send the password in clear text; set KEEPWARM_SMTP_PLAINTEXT_LOGIN=true only "
                "for a relay on this host"
            )
        if self.event_stream and not self.broker_url:
            raise SettingsError("KEEPWARM_EVENT_STREAM needs the Redis of KEEPWARM_BROKER_URL")
        if self.event_stream_maxlen < 1:
            raise SettingsError("KEEPWARM_EVENT_STREAM_MAXLEN must be at least 1")
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise SettingsError("KEEPWARM_PUBLIC_URL must be an http:// or https:// URL")
        if self.secret_key and len(self.secret_key) < 32:
            raise SettingsError("KEEPWARM_SECRET_KEY must be at least 32 characters")
        if self.news_search_url and "{query}" not in self.news_search_url:
            raise SettingsError("KEEPWARM_NEWS_SEARCH_URL must contain {query}")
        try:
            self.pool_policy  # noqa: B018 - validates the policy values
        except SettingsError:
            raise
        except ValueError as exc:
            where = (
                f"KEEPWARM_POLICY_FILE {self.policy_file!r}"
                if self.policy_file
                else (
                    "KEEPWARM_MIN_GAP_DAYS, KEEPWARM_MAX_PER_YEAR, KEEPWARM_MIN_CONFIDENCE, "
                    "KEEPWARM_CHECK_IN_AFTER_DAYS or KEEPWARM_REENGAGE_AFTER_DAYS"
                )
            )
            raise SettingsError(f"contact policy in {where}: {exc}") from exc


_DAY = 86_400
_RANGES: dict[str, tuple[int | None, int]] = {
    # (lowest, highest), both allowed; a lowest of None: above 0.
    "fetch_timeout": (None, 3600),
    "max_response_bytes": (None, 2**31 - 1),
    "poll_interval": (None, 365 * _DAY),
    "min_poll_interval": (1, 365 * _DAY),
    "max_poll_interval": (1, 365 * _DAY),
    "host_interval": (0, _DAY),
    "host_concurrency": (0, 10_000),
    "fetch_concurrency": (1, 1_000),
    "disable_after_days": (0, 36_500),
    "alert_after_hours": (0, 876_000),
    "max_item_age_days": (0, 36_500),
    "max_entries_per_poll": (1, 1_000_000),
    "max_items_per_day": (1, 100_000_000),
    "smtp_port": (0, 65535),
    "delivery_retry_seconds": (None, 7200),
    "tick_seconds": (None, _DAY),
    "worker_threads": (1, 1_000),
    "web_port": (0, 65535),
    "event_stream_maxlen": (1, 2**31 - 1),
}
"""The numbers keepwarm can use: each becomes a duration added to "now", a pool size or a
port, where a value past these would fail long after start-up (``timedelta`` overflows,
NaN never compares) instead of here, naming the setting."""


def _parse_networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
    return tuple(ipaddress.ip_network(p, strict=False) for p in parts)


def _parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("expected true or false")


def _parse_by_default(default: Any) -> Any:
    if isinstance(default, bool):
        return _parse_bool
    if isinstance(default, Path):
        return Path
    return type(default)


_PARSERS: dict[str, Any] = {
    "allow_private_networks": _parse_networks,
    "allow_private_webhooks": _parse_networks,
}


def _read_config_file(path: Path) -> dict[str, str]:
    """Read ``NAME=value`` lines (the names with or without the ``KEEPWARM_`` prefix)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read KEEPWARM_CONFIG file {path}: {exc}") from exc
    values: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep:
            raise SettingsError(f"{path}:{number}: expected NAME=value")
        name = name.strip().removeprefix("KEEPWARM_").lower()
        values[name] = value.strip().strip('"').strip("'")
    return values
