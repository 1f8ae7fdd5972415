"""Feedback: a recruiter marks a moment done with an outcome; the contact is recorded."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from models.schema import Contact, Moment
from workers.app import App
from workers.db import lock_member, transaction


class Outcome(StrEnum):
    """How the member answered."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NO_RESPONSE = "no-response"
    LATER = "later"


class FeedbackError(ValueError):
    """The moment cannot take this feedback."""


def mark_done(app: App, moment_id: int, outcome: Outcome, now: datetime) -> None:
    """Record the contact a moment led to and update the member's last contact date."""
    with transaction(app.sessions) as session:
        moment = session.get(Moment, moment_id)
        if moment is None:
            raise FeedbackError(f"there is no moment {moment_id}")
        member = lock_member(session, moment.member_id)
        assert member is not None
        if moment.status == "done":
            raise FeedbackError(f"moment {moment_id} is already done")
        if moment.status not in ("routed", "delivered", "pending", "deferred"):
            raise FeedbackError(f"moment {moment_id} is {moment.status} and cannot be marked done")
        moment.status, moment.closed_at = "done", now
        moment.reason = f"done: {outcome.value}"
        session.add(
            Contact(
                member_id=member.id, moment_id=moment.id, contacted_at=now, outcome=outcome.value
            )
        )
        member.last_contact_on = now.date()
        member.updated_at = now
