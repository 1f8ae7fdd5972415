"""Contacts that did not come from a moment: logged from the inbox, and the member search
that finds who they were with.

A logged contact is policy input at once: the member's waiting moments are decided
again against the new history, so a moment that was about to be routed for someone
the recruiter spoke to yesterday waits, with a reason that names the contact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.policy import Action, ContactPolicy, Decision, MemberHistory, decide
from models.schema import Contact, Employer, Member, Moment
from workers.app import App
from workers.db import lock_member, transaction
from workers.services.directory import find_member
from workers.services.feedback import Outcome
from workers.services.routing import WAITING_STATUSES, history_of, hold

CHANNELS = ("email", "phone", "meeting", "message", "other")
NOTE_LIMIT = 2000


class ContactError(ValueError):
    """The contact cannot be logged as given."""


@dataclass(frozen=True)
class LoggedContact:
    """The contact recorded, and the member's moments it put off (id and reason);
    ``created`` is False when the same contact (its key) was logged before."""

    contact_id: int
    member_id: int
    held: dict[int, str]
    created: bool = True


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
    key: str | None = None,
) -> LoggedContact:
    """Record a contact with a member and decide their waiting moments again; a contact
    with the ``key`` of one logged before is not stored again."""
    at = at or now
    if at > now:
        raise ContactError("a contact cannot be logged in the future")
    if channel not in CHANNELS:
        raise ContactError(f"channel must be one of {', '.join(CHANNELS)}")
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise ContactError(f"outcome must be one of {', '.join(o.value for o in Outcome)}")
    if key is not None and not 0 < len(key) <= 200:
        raise ContactError("an idempotency key has 1 to 200 characters")
    try:
        return _log(app, member_id, now, at, channel, outcome, note, recruiter_id, origin, key)
    except IntegrityError:  # the same key, logged at this very moment by another request
        with app.sessions() as session:
            earlier = _logged_before(session, key)
        if earlier is None:
            raise
        return earlier


def _logged_before(session: Session, key: str | None) -> LoggedContact | None:
    if key is None:
        return None
    row = session.execute(
        select(Contact.id, Contact.member_id).where(Contact.key == key)
    ).one_or_none()
    return LoggedContact(row[0], row[1], {}, created=False) if row else None


def _log(
    app: App,
    member_id: int,
    now: datetime,
    at: datetime,
    channel: str,
    outcome: str | None,
    note: str | None,
    recruiter_id: int | None,
    origin: str,
    key: str | None,
) -> LoggedContact:
    with transaction(app.sessions) as session:
        member = lock_member(session, member_id)
        if member is None:
            raise ContactError(f"there is no member {member_id}")
        earlier = _logged_before(session, key)
        if earlier is not None:
            return earlier
        before = history_of(session, member)
        contact = Contact(
            member_id=member.id,
            contacted_at=at,
            outcome=outcome,
            channel=channel,
            note=(note or "").strip()[:NOTE_LIMIT] or None,
            recruiter_id=recruiter_id,
            origin=origin,
            created_at=now,
            key=key,
        )
        session.add(contact)
        session.flush()
        if member.last_contact_on is None or at.date() > member.last_contact_on:
            member.last_contact_on = at.date()
        member.updated_at = now
        because = f"contact {contact.id} ({channel}) logged on {at:%Y-%m-%d}"
        held = _decide_again(session, member, before, because, app.settings.policy, now)
        return LoggedContact(contact.id, member.id, held)


def _decide_again(
    session: Session,
    member: Member,
    before: MemberHistory,
    because: str,
    policy: ContactPolicy,
    now: datetime,
) -> dict[int, str]:
    """Hold every waiting moment the contact changed the decision for (not those it would
    have waited for anyway), with a reason that names the contact."""
    after = history_of(session, member)
    held: dict[int, str] = {}
    waiting = session.scalars(
        select(Moment).where(
            Moment.member_id == member.id,
            Moment.status.in_(WAITING_STATUSES),
            Moment.expires_at > now,
        )
    )
    for moment in waiting:
        window = {"not_before": moment.not_before, "expires_at": moment.expires_at, "now": now}
        was, decision = decide(before, policy, **window), decide(after, policy, **window)
        if decision.action is Action.ROUTE or (decision.action, decision.at) == (
            was.action,
            was.at,
        ):
            continue
        hold(moment, Decision(decision.action, f"{because}: {decision.reason}", decision.at), now)
        held[moment.id] = moment.reason or ""
    return held


def _visible(recruiter_id: int | None) -> ColumnElement[bool]:
    """The members a recruiter may look up: their own, those nobody owns, and those a
    moment was routed to them for. ``None`` (an admin): everyone."""
    if recruiter_id is None:
        return true()
    return or_(
        Member.owner_id == recruiter_id,
        Member.owner_id.is_(None),
        Member.id.in_(select(Moment.member_id).where(Moment.recruiter_id == recruiter_id)),
    )


def search_members(
    app: App, query: str, *, recruiter_id: int | None, limit: int = 20
) -> list[MemberHit]:
    """Members the recruiter may see whose name or email contains ``query`` (any case)."""
    needle = query.strip().lower()
    if len(needle) < 2:
        return []
    pattern = f"%{needle.replace('%', '').replace('_', '')}%"
    with app.sessions() as session:
        rows = session.execute(
            select(Member.id, Member.name, Member.email, Employer.name)
            .outerjoin(Employer, Member.employer_id == Employer.id)
            .where(
                or_(func.lower(Member.name).like(pattern), func.lower(Member.email).like(pattern)),
                _visible(recruiter_id),
            )
            .order_by(Member.name, Member.id)
            .limit(limit)
        ).all()
    return [MemberHit(*row) for row in rows]


def member_hit(app: App, member_id: int, *, recruiter_id: int | None) -> MemberHit | None:
    """One member by id, as the search shows them, if the recruiter may see them."""
    with app.sessions() as session:
        row = session.execute(
            select(Member.id, Member.name, Member.email, Employer.name)
            .outerjoin(Employer, Member.employer_id == Employer.id)
            .where(Member.id == member_id, _visible(recruiter_id))
        ).one_or_none()
    return MemberHit(*row) if row else None


def natural_key(
    member_id: int, at: datetime, channel: str, outcome: str | None, note: str | None
) -> str:
    """A key for a contact sent without one: the same contact, sent again, is the same."""
    parts = f"{member_id}|{at.isoformat()}|{channel}|{outcome or ''}|{note or ''}"
    return "auto:" + sha256(parts.encode()).hexdigest()[:40]


def resolve_member(app: App, *, external_id: str | None, email: str | None) -> int:
    """The member an outside system means, by its external id or else the email."""
    reference = (external_id or "").strip() or (email or "").strip()
    if not reference:
        raise ContactError("name the member by external_id or email")
    with app.sessions() as session:
        try:
            return find_member(session, reference).id
        except ValueError as exc:
            raise ContactError(str(exc)) from exc
