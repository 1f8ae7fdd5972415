"""Feedback from recruiters: done with an outcome, snooze until a date, skip, not relevant."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.schema import Contact, Member, Moment
from workers.app import App
from workers.db import lock_member, transaction

ACTIONABLE = ("routed", "delivered", "pending", "deferred")
CLOSED_BUT_CONTACTABLE = ("expired", "merged", "suppressed", "skipped", "not_relevant")
"""A recruiter may still have got in touch: ``done`` records that contact whatever happened."""


class Outcome(StrEnum):
    """How the member answered."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NO_RESPONSE = "no-response"
    LATER = "later"


class FeedbackError(ValueError):
    """The moment cannot take this feedback."""


def _actionable(
    session: Session, moment_id: int, allowed: tuple[str, ...] = ACTIONABLE
) -> tuple[Moment, Member]:
    """The moment and its member (locked), if the moment can take this feedback."""
    moment = session.get(Moment, moment_id)
    if moment is None:
        raise FeedbackError(f"there is no moment {moment_id}")
    member = lock_member(session, moment.member_id)
    assert member is not None
    session.refresh(moment)
    if moment.status not in allowed:
        raise FeedbackError(f"moment {moment_id} is {moment.status} and cannot take feedback")
    return moment, member


def mark_done(app: App, moment_id: int, outcome: Outcome, now: datetime) -> None:
    """Record the contact a moment led to and update the member's last contact date."""
    with transaction(app.sessions) as session:
        moment, member = _actionable(session, moment_id, ACTIONABLE + CLOSED_BUT_CONTACTABLE)
        moment.status, moment.closed_at = "done", now
        moment.reason = f"done: {outcome.value}"
        session.add(
            Contact(
                member_id=member.id, moment_id=moment.id, contacted_at=now, outcome=outcome.value
            )
        )
        member.last_contact_on = now.date()
        member.updated_at = now


def snooze(app: App, moment_id: int, until: datetime, now: datetime) -> None:
    """Put a moment back to wait until ``until``; the member's slot is free meanwhile."""
    with transaction(app.sessions) as session:
        moment, _ = _actionable(session, moment_id)
        if until <= now:
            raise FeedbackError("snooze until a date in the future")
        if until >= moment.expires_at:
            raise FeedbackError(
                f"moment {moment_id} expires on {moment.expires_at:%Y-%m-%d}; "
                "snooze to an earlier date or skip it"
            )
        moment.status, moment.not_before = "deferred", until
        moment.reason = f"snoozed by the recruiter until {until:%Y-%m-%d}"
        _release_riders(session, moment, now)


def skip(app: App, moment_id: int, now: datetime, *, not_relevant: bool = False) -> None:
    """Close a moment without contact; ``not_relevant`` also says the signal was wrong."""
    with transaction(app.sessions) as session:
        moment, _ = _actionable(session, moment_id)
        moment.status = "not_relevant" if not_relevant else "skipped"
        moment.closed_at = now
        moment.reason = (
            "marked not relevant by the recruiter" if not_relevant else "skipped by the recruiter"
        )
        _release_riders(session, moment, now)


def _release_riders(session: Session, moment: Moment, now: datetime) -> None:
    """Moments that rode along with one the recruiter put aside wait again on their own."""
    session.execute(
        update(Moment)
        .where(
            Moment.merged_into_id == moment.id, Moment.status == "merged", Moment.expires_at > now
        )
        .values(
            status="pending",
            merged_into_id=None,
            closed_at=None,
            not_before=now,
            reason=f"waiting again: moment {moment.id}, which it rode along with, was put aside",
        )
    )
