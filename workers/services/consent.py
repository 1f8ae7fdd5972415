"""The consent clock: before a member's retention date, a renewal moment asks them to stay;
after the date and its grace period, the member is erased and their owner is told.

Renewal is recorded from the inbox (on the renewal moment), the API or an import (the
``consent until`` or ``consent given`` column).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import structlog
from sqlalchemy import select, update

from models.moments import MomentKind
from models.schema import Member, Moment, Recruiter
from sources import SourceError
from workers.app import App
from workers.db import lock_member, transaction
from workers.drafts import member_draft, member_facts, messages_before
from workers.notifiers import send_erasure_notice
from workers.services.privacy import audit, erase_member

log = structlog.get_logger(__name__)

ACTOR = "system:consent-clock"
BATCH = 200


def run_consent_clock(app: App, now: datetime) -> list[int]:
    """Make the renewal moments due and erase the members whose time ran out; return the
    new moments' ids (to be routed)."""
    created = _ask_for_renewal(app, now)
    _erase_expired(app, now)
    return created


def _renewal_key(member: Member) -> str:
    return f"{MomentKind.RENEW_CONSENT}:{member.id}:{member.consent_until}"


def _ask_for_renewal(app: App, now: datetime) -> list[int]:
    policy = app.settings.pool_policy
    today = now.date()
    asked = select(Moment.key).where(Moment.kind == MomentKind.RENEW_CONSENT.value)
    created = []
    with transaction(app.sessions) as session:
        due = session.scalars(
            select(Member)
            .where(
                Member.consent_until.is_not(None),
                Member.consent_until > today,
                Member.consent_until <= today + policy.retention.renew_before,
                Member.do_not_contact.is_(False),
            )
            .order_by(Member.id)
            .limit(BATCH)
        )
        keys = set(session.scalars(asked))
        for member in due:
            key = _renewal_key(member)
            if key in keys or member.consent_until is None:
                continue
            facts = member_facts(member, MomentKind.RENEW_CONSENT)
            moment = Moment(
                member_id=member.id,
                kind=MomentKind.RENEW_CONSENT.value,
                status="pending",
                key=key,
                priority=policy.priorities[MomentKind.RENEW_CONSENT],
                not_before=now,
                expires_at=datetime.combine(member.consent_until, time(0), tzinfo=UTC),
                draft=member_draft(
                    member,
                    facts,
                    now,
                    app.settings.templates_path,
                    sequence=messages_before(session, member.id),
                ),
                reason=f"consent to keep their data runs until {member.consent_until:%Y-%m-%d}",
                created_at=now,
            )
            session.add(moment)
            session.flush()
            created.append(moment.id)
    if created:
        log.info("consent.renewal_asked", moments=len(created))
    return created


def _erase_expired(app: App, now: datetime) -> int:
    grace = app.settings.pool_policy.retention.grace
    with app.sessions() as session:
        expired = session.execute(
            select(
                Member.id, Member.name, Member.consent_until, Recruiter.email, Recruiter.language
            )
            .outerjoin(Recruiter, Member.owner_id == Recruiter.id)
            .where(Member.consent_until.is_not(None), Member.consent_until <= now.date() - grace)
            .order_by(Member.id)
            .limit(BATCH)
        ).all()
    for member_id, name, until, owner, language in expired:
        erase_member(app, member_id, now, actor=ACTOR)
        if owner and until is not None:
            try:
                send_erasure_notice(app.settings, owner, name, until, language or "en")
            except SourceError as exc:  # the erasure stands; the audit log has it
                log.warning("consent.notice_failed", member_id=member_id, error=type(exc).__name__)
    return len(expired)


def renew_consent(
    app: App, member_id: int, now: datetime, *, actor: str, until: date | None = None
) -> date:
    """Record that the member agreed to stay: a new retention date, and their waiting or
    open renewal moments closed; return the new date."""
    policy = app.settings.pool_policy.retention
    today = now.date()
    new_until = until or policy.renewed_until(today)
    if new_until <= today:
        raise ValueError("the new retention date must be in the future")
    with transaction(app.sessions) as session:
        member = lock_member(session, member_id)
        if member is None:
            raise ValueError(f"there is no member {member_id}")
        member.consent_until, member.consent_given_on = new_until, today
        member.legal_basis, member.updated_at = "consent", now
        session.execute(
            update(Moment)
            .where(
                Moment.member_id == member_id,
                Moment.kind == MomentKind.RENEW_CONSENT.value,
                Moment.status.in_(("pending", "deferred", "routed", "delivered")),
            )
            .values(
                status="done",
                closed_at=now,
                reason=f"consent renewed until {new_until:%Y-%m-%d}",
            )
        )
        audit(session, now, actor, "consent", f"member:{member_id}", f"until {new_until}")
    return new_until
