"""Contacts that did not come from a moment: logged from the inbox, and the member search
that finds who they were with.

A logged contact is policy input at once: the member's waiting moments are decided
again against the new history, so a moment that was about to be routed for someone
the recruiter spoke to yesterday waits, with a reason that names the contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from models.policy import Action, ContactPolicy, Decision, decide
from models.schema import Contact, Employer, Member, Moment
from workers.app import App
from workers.db import lock_member, transaction
from workers.services.feedback import Outcome
from workers.services.routing import WAITING_STATUSES, history_of, hold

CHANNELS = ("email", "phone", "meeting", "message", "other")
NOTE_LIMIT = 2000


class ContactError(ValueError):
    """The contact cannot be logged as given."""


@dataclass(frozen=True)
class LoggedContact:
    """The contact recorded, and the member's moments it put off (id and reason)."""

    contact_id: int
    member_id: int
    held: dict[int, str]


@dataclass(frozen=True)
class MemberHit:
    """A member found by the search."""

    id: int
    name: str
    email: str | None
    employer: str | None


def log_contact(
    app: App,
    member_id: int,
    now: datetime,
    *,
    at: datetime | None = None,
    channel: str = "other",
    outcome: str | None = None,
    note: str | None = None,
    recruiter_id: int | None = None,
    origin: str = "inbox",
) -> LoggedContact:
    """Record a contact with a member and decide their waiting moments again."""
    at = at or now
    if at > now:
        raise ContactError("a contact cannot be logged in the future")
    if channel not in CHANNELS:
        raise ContactError(f"channel must be one of {', '.join(CHANNELS)}")
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise ContactError(f"outcome must be one of {', '.join(o.value for o in Outcome)}")
    with transaction(app.sessions) as session:
        member = lock_member(session, member_id)
        if member is None:
            raise ContactError(f"there is no member {member_id}")
        contact = Contact(
            member_id=member.id,
            contacted_at=at,
            outcome=outcome,
            channel=channel,
            note=(note or "").strip()[:NOTE_LIMIT] or None,
            recruiter_id=recruiter_id,
            origin=origin,
            created_at=now,
        )
        session.add(contact)
        session.flush()
        if member.last_contact_on is None or at.date() > member.last_contact_on:
            member.last_contact_on = at.date()
        member.updated_at = now
        because = f"contact {contact.id} ({channel}) logged on {at:%Y-%m-%d}"
        held = _decide_again(session, member, because, app.settings.policy, now)
        return LoggedContact(contact.id, member.id, held)


def _decide_again(
    session: Session, member: Member, because: str, policy: ContactPolicy, now: datetime
) -> dict[int, str]:
    """Hold every waiting moment the new history no longer allows now."""
    history = history_of(session, member)
    held: dict[int, str] = {}
    waiting = session.scalars(
        select(Moment).where(
            Moment.member_id == member.id,
            Moment.status.in_(WAITING_STATUSES),
            Moment.expires_at > now,
        )
    )
    for moment in waiting:
        decision = decide(
            history, policy, not_before=moment.not_before, expires_at=moment.expires_at, now=now
        )
        if decision.action is Action.ROUTE:
            continue
        hold(moment, Decision(decision.action, f"{because}: {decision.reason}", decision.at), now)
        held[moment.id] = moment.reason or ""
    return held


def search_members(app: App, query: str, *, limit: int = 20) -> list[MemberHit]:
    """Members whose name or email contains ``query`` (any case), names in order."""
    needle = query.strip().lower()
    if len(needle) < 2:
        return []
    pattern = f"%{needle.replace('%', '').replace('_', '')}%"
    with app.sessions() as session:
        rows = session.execute(
            select(Member.id, Member.name, Member.email, Employer.name)
            .outerjoin(Employer, Member.employer_id == Employer.id)
            .where(
                or_(func.lower(Member.name).like(pattern), func.lower(Member.email).like(pattern))
            )
            .order_by(Member.name, Member.id)
            .limit(limit)
        ).all()
    return [MemberHit(*row) for row in rows]


def member_hit(app: App, member_id: int) -> MemberHit | None:
    """One member by id, as the search shows them."""
    with app.sessions() as session:
        row = session.execute(
            select(Member.id, Member.name, Member.email, Employer.name)
            .outerjoin(Employer, Member.employer_id == Employer.id)
            .where(Member.id == member_id)
        ).one_or_none()
    return MemberHit(*row) if row else None
