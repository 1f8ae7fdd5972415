"""Plan: turn a signal into a timed contact moment per member it concerns."""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.moments import DraftFacts, MomentKind, SignalKind, rule_for
from models.names import first_name
from models.schema import Member, Moment, Signal
from workers.app import App
from workers.db import transaction
from workers.drafts import member_draft, messages_before

log = structlog.get_logger(__name__)


def plan_signal(app: App, signal_id: int, now: datetime) -> list[int]:
    """Create the moments of one signal; return the ids of moments created now."""
    with transaction(app.sessions) as session:
        signal = session.get(Signal, signal_id)
        if signal is None or signal.planned_at is not None:
            return []
        policy = app.settings.pool_policy
        rule = rule_for(
            SignalKind(signal.kind),
            signal.event,
            windows=policy.windows,
            priorities=policy.priorities,
        )
        expires_at = signal.occurred_at + rule.window if rule else now
        moments: list[Moment] = []
        if rule is not None and expires_at > now:
            for member in _members_concerned(session, signal):
                moment = _moment(signal, member, rule.kind, rule.priority, expires_at, now)
                moment.draft = _draft(session, signal, member, rule.kind, app, now)
                moments.append(moment)
            session.add_all(moments)
        signal.planned_at = now
        session.flush()
        ids = [m.id for m in moments]
    log.info("signal.planned", signal_id=signal_id, moments=len(ids))
    return ids


def _members_concerned(session: Session, signal: Signal) -> list[Member]:
    """The member a person signal names, or the employer's members for company news.

    A member named in the same item already has a more personal moment from it.
    """
    if signal.member_id is not None:
        member = session.get(Member, signal.member_id)
        return [member] if member is not None else []
    named_in_item = select(Signal.member_id).where(
        Signal.item_id == signal.item_id, Signal.member_id.is_not(None)
    )
    already = select(Moment.member_id).where(Moment.signal_id == signal.id)
    query = (
        select(Member)
        .where(Member.employer_id == signal.employer_id)
        .where(Member.id.not_in(named_in_item))
        .where(Member.id.not_in(already))
        .order_by(Member.id)
    )
    return list(session.scalars(query))


def _moment(
    signal: Signal,
    member: Member,
    kind: MomentKind,
    priority: int,
    expires_at: datetime,
    now: datetime,
) -> Moment:
    return Moment(
        member_id=member.id,
        signal_id=signal.id,
        kind=kind.value,
        status="pending",
        priority=priority,
        confidence=signal.confidence,
        not_before=now,
        expires_at=expires_at,
        created_at=now,
    )


def _draft(
    session: Session, signal: Signal, member: Member, kind: MomentKind, app: App, now: datetime
) -> str:
    facts = DraftFacts(
        kind=kind,
        language=member.language,
        first_name=first_name(member.name),
        headline=signal.headline,
        link=signal.url,
        employer=member.employer.name if member.employer else None,
        last_topic=member.last_topic,
        last_contact=member.last_contact_on,
        event=signal.event,
        new_title=signal.new_title,
        new_employer=signal.new_employer,
        old_employer=signal.old_employer,
    )
    sequence = messages_before(session, member.id)
    return member_draft(member, facts, now, app.settings.templates_path, sequence=sequence)
