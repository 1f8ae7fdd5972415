"""The contact policy: whether a moment may reach a recruiter now, later, or never.

A pure function of the member's history, the moment's window, the policy and ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

YEAR = timedelta(days=365)


@dataclass(frozen=True, kw_only=True)
class ContactPolicy:
    """Limits per member: a minimum gap between contacts and a cap per rolling year."""

    min_gap: timedelta = timedelta(days=90)
    max_per_year: int = 3

    def __post_init__(self) -> None:
        if self.min_gap < timedelta(0):
            raise ValueError("min_gap must not be negative")
        if self.max_per_year < 1:
            raise ValueError("max_per_year must be at least 1")


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
