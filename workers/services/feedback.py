"""Feedback from recruiters: done with an outcome, snooze until a date, skip, not relevant."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlalchemy.orm import Session

from models.schema import Contact, Member, Moment
from workers import events
from workers.app import App
from workers.db import lock_member, transaction

OPEN = ("routed", "delivered")
"""With a recruiter and not acted on: what the inbox and alert links act on."""
ACTIONABLE = (*OPEN, "pending", "deferred")
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


class NotYours(FeedbackError):
    """The moment is routed to another recruiter."""


class StaleLink(FeedbackError):
    """The link belongs to an earlier routing of the moment."""


class AlreadyClosed(FeedbackError):
    """The moment was closed before this feedback arrived."""

    def __init__(self, moment_id: int, status: str) -> None:
        super().__init__(f"moment {moment_id} is {status} and cannot take feedback")
        self.status = status


def _actionable(
    session: Session,
    moment_id: int,
    allowed: tuple[str, ...] = ACTIONABLE,
    *,
    recruiter_id: int | None = None,
    routing: int | None = None,
) -> tuple[Moment, Member]:
    """The moment and its member (locked), if the moment can take this feedback (from
    ``recruiter_id``, when given: a recruiter acts only on moments routed to them; for
    ``routing``, when given: an alert's link acts only on the routing it was sent for)."""
    moment = session.get(Moment, moment_id)
    if moment is None:
        raise FeedbackError(f"there is no moment {moment_id}")
    member = lock_member(session, moment.member_id)
    assert member is not None
    session.refresh(moment)
    if recruiter_id is not None and moment.recruiter_id != recruiter_id:
        raise NotYours(f"moment {moment_id} is not routed to recruiter {recruiter_id}")
    if routing is not None and moment.routings != routing:
        raise StaleLink(f"moment {moment_id} was routed again since")
    if moment.status not in allowed:
        raise AlreadyClosed(moment_id, moment.status)
    return moment, member


def mark_done(
    app: App,
    moment_id: int,
    outcome: Outcome,
    now: datetime,
    *,
    recruiter_id: int | None = None,
    origin: str = "cli",
    open_only: bool = False,
    routing: int | None = None,
    acted_by: int | None = None,
) -> None:
    """Record the contact a moment led to and update the member's last contact date
    (``open_only``: only while the moment is with its recruiter, as the inbox and the
    alert links act)."""
    allowed = OPEN if open_only else ACTIONABLE + CLOSED_BUT_CONTACTABLE
    with transaction(app.sessions) as session:
        moment, member = _actionable(
            session, moment_id, allowed, recruiter_id=recruiter_id, routing=routing
        )
        moment.status, moment.closed_at = "done", now
        moment.reason = f"done: {outcome.value}"
        contact = Contact(
            member_id=member.id,
            moment_id=moment.id,
            contacted_at=now,
            outcome=outcome.value,
            recruiter_id=acted_by or recruiter_id or moment.recruiter_id,
            origin=origin,
            created_at=now,
        )
        session.add(contact)
        session.flush()
        member.last_contact_on = now.date()
        member.updated_at = now
        events.record(
            session,
            moment,
            events.CONTACTED,
            now,
            outcome=outcome.value,
            contact_id=contact.id,
            origin=origin,
        )


def snooze(
    app: App,
    moment_id: int,
    until: datetime,
    now: datetime,
    *,
    recruiter_id: int | None = None,
    open_only: bool = False,
    routing: int | None = None,
) -> None:
    """Put a moment back to wait until ``until``; the member's slot is free meanwhile."""
    allowed = OPEN if open_only else ACTIONABLE
    with transaction(app.sessions) as session:
        moment, _ = _actionable(
            session, moment_id, allowed, recruiter_id=recruiter_id, routing=routing
        )
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
        events.record(session, moment, events.SNOOZED, now)


FEEDBACK_LIMIT = 500


def skip(
    app: App,
    moment_id: int,
    now: datetime,
    *,
    not_relevant: bool = False,
    why: str | None = None,
    recruiter_id: int | None = None,
    open_only: bool = False,
    routing: int | None = None,
) -> None:
    """Close a moment without contact; ``not_relevant`` also says the signal was wrong,
    ``why`` in the recruiter's words (counted in the stats)."""
    allowed = OPEN if open_only else ACTIONABLE
    with transaction(app.sessions) as session:
        moment, _ = _actionable(
            session, moment_id, allowed, recruiter_id=recruiter_id, routing=routing
        )
        moment.status = "not_relevant" if not_relevant else "skipped"
        moment.closed_at = now
        moment.feedback = (why or "").strip()[:FEEDBACK_LIMIT] or None
        moment.reason = (
            "marked not relevant by the recruiter" if not_relevant else "skipped by the recruiter"
        ) + (f": {moment.feedback}" if moment.feedback else "")
        _release_riders(session, moment, now)
        events.record(session, moment, events.CLOSED, now, feedback=moment.feedback)


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
