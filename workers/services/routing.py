"""Route: apply the contact policy to a moment, atomically per member, and owe a delivery."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.policy import Action, MemberHistory, decide
from models.schema import Contact, Delivery, Member, Moment, Recruiter
from workers.app import App
from workers.db import lock_member, transaction

log = structlog.get_logger(__name__)

OPEN_STATUSES = ("routed", "delivered")
WAITING_STATUSES = ("pending", "deferred")


def route_moment(app: App, moment_id: int, now: datetime) -> int | None:
    """Decide one moment; return the id of the delivery it now owes, if any."""
    with transaction(app.sessions) as session:
        member_id = session.scalar(select(Moment.member_id).where(Moment.id == moment_id))
        if member_id is None:
            return None
        member = lock_member(session, member_id)
        moment = session.get_one(Moment, moment_id)
        if member is None or moment.status not in WAITING_STATUSES or moment.not_before > now:
            return None
        decision = decide(
            history_of(session, member, exclude=moment.id),
            app.settings.policy,
            not_before=moment.not_before,
            expires_at=moment.expires_at,
            now=now,
        )
        moment.reason = decision.reason
        delivery_id: int | None = None
        if decision.action is Action.ROUTE:
            delivery_id = _assign(session, moment, member, now)
        elif decision.action is Action.DEFER:
            assert decision.at is not None
            moment.status, moment.not_before = "deferred", decision.at
        else:
            moment.status, moment.closed_at = "suppressed", now
    log.info("moment.decided", moment_id=moment_id, member_id=member_id, status=moment.status)
    return delivery_id


def history_of(session: Session, member: Member, *, exclude: int | None = None) -> MemberHistory:
    """What counts against the member's budget: contacts and moments holding a slot."""
    contacts = list(
        session.scalars(select(Contact.contacted_at).where(Contact.member_id == member.id))
    )
    if member.last_contact_on is not None and member.last_contact_on not in {
        c.date() for c in contacts
    }:
        contacts.append(_start_of(member.last_contact_on))
    open_moments = session.execute(
        select(Moment.routed_at, Moment.expires_at).where(
            Moment.member_id == member.id,
            Moment.status.in_(OPEN_STATUSES),
            Moment.id != (exclude or -1),
        )
    ).all()
    contacts.extend(routed for routed, _ in open_moments if routed is not None)
    return MemberHistory(
        contacts=sorted(set(contacts)),
        reserved_until=max((expires for _, expires in open_moments), default=None),
        do_not_contact=member.do_not_contact,
        consent_until=_start_of(member.consent_until) if member.consent_until else None,
    )


def _assign(session: Session, moment: Moment, member: Member, now: datetime) -> int | None:
    recruiter = _recruiter_for(session, member)
    if recruiter is None:
        moment.status, moment.closed_at = "suppressed", now
        moment.reason = "no active recruiter to route to; add one with `keepwarm recruiters add`"
        return None
    target = recruiter.webhook_url if recruiter.channel == "webhook" else recruiter.email
    moment.status, moment.routed_at, moment.recruiter_id = "routed", now, recruiter.id
    moment.reason = f"routed to recruiter {recruiter.id} by {recruiter.channel}: {moment.reason}"
    delivery = Delivery(
        moment_id=moment.id,
        channel=recruiter.channel,
        target=target or recruiter.email,
        status="pending",
        next_attempt_at=now,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    return delivery.id


def _recruiter_for(session: Session, member: Member) -> Recruiter | None:
    """The member's owner when active, else the first active recruiter."""
    if member.owner is not None and member.owner.active:
        return member.owner
    return session.scalars(
        select(Recruiter).where(Recruiter.active).order_by(Recruiter.id).limit(1)
    ).first()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
