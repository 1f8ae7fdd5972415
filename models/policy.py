"""The contact policy: whether a moment may reach a recruiter now, later, or never.

A pure function of the member's history, the moment's window, the policy and ``now``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from models.moments import DEFAULT_PRIORITIES, DEFAULT_WINDOWS, MomentKind
from models.retention import PRESETS, RetentionPolicy, retention_from

YEAR = timedelta(days=365)


@dataclass(frozen=True, kw_only=True)
class ContactPolicy:
    """Limits per member: a minimum gap between contacts and a cap per rolling year; and how
    sure detection must be (its calibrated confidence) before a moment reaches a recruiter."""

    min_gap: timedelta = timedelta(days=90)
    max_per_year: int = 3
    min_confidence: float = 0.0

    def __post_init__(self) -> None:
        if self.min_gap < timedelta(0):
            raise ValueError("min_gap must not be negative")
        if self.max_per_year < 1:
            raise ValueError("max_per_year must be at least 1")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("min_confidence must be between 0 and 1")


@dataclass(frozen=True, kw_only=True)
class PoolPolicy:
    """A pool's whole policy: contact limits, when to check in, moment windows, priorities."""

    contact: ContactPolicy = field(default_factory=ContactPolicy)
    check_in_after: timedelta = timedelta(days=120)
    reengage_after: timedelta = timedelta(days=180)
    windows: Mapping[MomentKind, timedelta] = field(default_factory=lambda: dict(DEFAULT_WINDOWS))
    priorities: Mapping[MomentKind, int] = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))
    retention: RetentionPolicy = field(default_factory=lambda: PRESETS["nl"])

    def __post_init__(self) -> None:
        if not timedelta(0) < self.check_in_after <= self.reengage_after:
            raise ValueError("check_in_after must be positive and at most reengage_after")
        if any(w <= timedelta(0) for w in self.windows.values()):
            raise ValueError("every moment window must be positive")

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> PoolPolicy:
        """Build from a settings mapping (e.g. a TOML file); unknown names are an error."""
        try:
            return cls._from_mapping(raw)
        except (TypeError, AttributeError) as exc:
            raise ValueError(f"a policy value has the wrong type ({exc})") from exc

    @classmethod
    def _from_mapping(cls, raw: Mapping[str, Any]) -> PoolPolicy:
        known = {
            "min_gap_days",
            "max_per_year",
            "min_confidence",
            "check_in_after_days",
            "reengage_after_days",
            "windows",
            "priorities",
            "privacy",
        }
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ValueError(f"unknown policy setting(s): {', '.join(unknown)}")
        contact = ContactPolicy(
            min_gap=timedelta(days=_whole(raw.get("min_gap_days", 90))),
            max_per_year=_whole(raw.get("max_per_year", 3)),
            min_confidence=_share(raw.get("min_confidence", 0.0)),
        )
        return cls(
            contact=contact,
            check_in_after=timedelta(days=_whole(raw.get("check_in_after_days", 120))),
            reengage_after=timedelta(days=_whole(raw.get("reengage_after_days", 180))),
            windows=DEFAULT_WINDOWS
            | {_kind(k): timedelta(days=_whole(v)) for k, v in raw.get("windows", {}).items()},
            priorities=DEFAULT_PRIORITIES
            | {_kind(k): _whole(v) for k, v in raw.get("priorities", {}).items()},
            retention=retention_from(raw.get("privacy", {})),
        )


def _whole(value: Any) -> int:
    """A whole number of days or contacts; 1.9 days is a typo, not one day."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"expected a whole number, got {value!r}")
    number = int(value)
    if not -36_500 <= number <= 36_500:  # a century either way: beyond it is a typo
        raise ValueError(f"{number} is out of range")
    return number


def _share(value: Any) -> float:
    """A share between 0 and 1 ("0.6"); the range is checked by ContactPolicy."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise TypeError(f"expected a number between 0 and 1, got {value!r}")
    return float(value)


def _kind(name: str) -> MomentKind:
    try:
        return MomentKind(name)
    except ValueError:
        raise ValueError(f"unknown moment kind {name!r}") from None


@dataclass(frozen=True, kw_only=True)
class MemberHistory:
    """What counts against a member's contact budget."""

    contacts: Sequence[datetime] = ()
    """Times of recorded contacts and of moments routed whose slot is still held."""
    reserved_until: datetime | None = None
    """A routed moment still open holds the slot until it is acted on or expires."""
    do_not_contact: bool = False
    consent_until: datetime | None = None
    erased: bool = False


class Action(StrEnum):
    """What happens to a moment."""

    ROUTE = "route"
    DEFER = "defer"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class Decision:
    """The outcome for one moment, with the reason in a recruiter's words."""

    action: Action
    reason: str
    at: datetime | None = None


def unsure(confidence: float, policy: ContactPolicy) -> Decision | None:
    """A suppression when detection is less sure of a moment than the pool requires."""
    if confidence >= policy.min_confidence:
        return None
    return Decision(
        Action.SUPPRESS,
        f"detection is not sure enough (confidence {confidence:.2f}, "
        f"the pool requires {policy.min_confidence:.2f})",
    )


def earliest_allowed(history: MemberHistory, policy: ContactPolicy, start: datetime) -> datetime:
    """The first time at or after ``start`` when one more contact keeps every limit."""
    allowed = start
    past = sorted(history.contacts)
    if past:
        allowed = max(allowed, past[-1] + policy.min_gap)
    if len(past) >= policy.max_per_year:
        # The oldest contact that must drop out of the rolling year first.
        allowed = max(allowed, past[-policy.max_per_year] + YEAR)
    if history.reserved_until is not None:
        allowed = max(allowed, history.reserved_until)
    return allowed


def decide(
    history: MemberHistory,
    policy: ContactPolicy,
    *,
    not_before: datetime,
    expires_at: datetime,
    now: datetime,
) -> Decision:
    """Route, defer or suppress one moment whose window is [not_before, expires_at)."""
    if history.erased:
        return Decision(Action.SUPPRESS, "the member was erased")
    if history.do_not_contact:
        return Decision(Action.SUPPRESS, "the member asked not to be contacted")
    if history.consent_until is not None and history.consent_until <= now:
        return Decision(Action.SUPPRESS, "the member's consent has expired")
    if expires_at <= now:
        return Decision(Action.SUPPRESS, "the moment's window has passed")
    allowed = earliest_allowed(history, policy, max(now, not_before))
    if allowed <= now:
        return Decision(Action.ROUTE, "within the contact policy", now)
    why = _blocking_reason(history, policy, now, not_before)
    if allowed < expires_at:
        return Decision(Action.DEFER, f"{why}; deferred until {allowed:%Y-%m-%d}", allowed)
    return Decision(
        Action.SUPPRESS,
        f"{why}; the next allowed contact ({allowed:%Y-%m-%d}) is after the moment "
        f"expires ({expires_at:%Y-%m-%d})",
    )


def _blocking_reason(
    history: MemberHistory, policy: ContactPolicy, now: datetime, not_before: datetime
) -> str:
    if earliest_allowed(history, policy, now) <= now:
        return f"the moment is not due before {not_before:%Y-%m-%d}"
    if history.reserved_until is not None and history.reserved_until > now:
        return "another moment for this member is still open with a recruiter"
    past = sorted(history.contacts)
    recent = [t for t in past if t > now - YEAR]
    if len(recent) >= policy.max_per_year:
        return f"already {len(recent)} contacts in the last 365 days (limit {policy.max_per_year})"
    last = past[-1]
    days = max(0, (now - last).days)
    return f"last contact {days} days ago (minimum gap {policy.min_gap.days} days)"
