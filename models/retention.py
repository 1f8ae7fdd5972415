"""How long a member's data may be kept, and what the consent clock does about it.

A pure function of (the member's consent date, the pool's retention policy, today). The
presets follow common Dutch and Belgian practice for talent pools (the NVP
sollicitatiecode and the data protection authorities' guidance: about a year with the
candidate's consent, renewable by asking again); a pool's policy file can change every
number, and its data protection officer should confirm them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class ConsentStep(StrEnum):
    """What the clock asks for on a given day."""

    NONE = "none"
    RENEW = "renew"
    """Ask the member to stay in the pool (a renewal moment)."""
    EXPIRE = "expire"
    """The retention date and its grace period have passed: erase the member."""


@dataclass(frozen=True, kw_only=True)
class RetentionPolicy:
    """Consent period, when to ask for renewal, and the grace after the date."""

    consent_period: timedelta = timedelta(days=365)
    renew_before: timedelta = timedelta(days=45)
    grace: timedelta = timedelta(days=14)

    def __post_init__(self) -> None:
        if self.consent_period <= timedelta(0):
            raise ValueError("the consent period must be positive")
        if not timedelta(0) < self.renew_before < self.consent_period:
            raise ValueError("renewal is asked for between 1 day and the consent period before")
        if self.grace < timedelta(0):
            raise ValueError("the grace period must not be negative")

    def renewed_until(self, today: date) -> date:
        """The retention date after the member renews their consent today."""
        return today + self.consent_period


PRESETS: dict[str, RetentionPolicy] = {
    "nl": RetentionPolicy(consent_period=timedelta(days=365), renew_before=timedelta(days=45)),
    "be": RetentionPolicy(consent_period=timedelta(days=365), renew_before=timedelta(days=30)),
}


def retention_from(raw: Mapping[str, Any]) -> RetentionPolicy:
    """A ``[privacy]`` table: ``preset`` (nl, be) and any of ``consent_days``,
    ``renew_before_days``, ``grace_days``; unknown names are an error."""
    known = {"preset", "consent_days", "renew_before_days", "grace_days"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValueError(f"unknown privacy setting(s): {', '.join(unknown)}")
    preset = str(raw.get("preset", "nl"))
    if preset not in PRESETS:
        raise ValueError(f"unknown privacy preset {preset!r} (nl or be)")
    base = PRESETS[preset]
    days = {
        "consent_period": raw.get("consent_days"),
        "renew_before": raw.get("renew_before_days"),
        "grace": raw.get("grace_days"),
    }
    changes = {k: timedelta(days=int(v)) for k, v in days.items() if v is not None}
    return replace(base, **changes)


def consent_step(consent_until: date | None, today: date, policy: RetentionPolicy) -> ConsentStep:
    """Renew in the weeks before the retention date; expire once its grace has passed."""
    if consent_until is None:
        return ConsentStep.NONE
    if today >= consent_until + policy.grace:
        return ConsentStep.EXPIRE
    if consent_until - policy.renew_before <= today < consent_until:
        return ConsentStep.RENEW
    return ConsentStep.NONE
