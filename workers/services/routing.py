"""Route: apply the contact policy and the recruiter's week to a member's waiting moments.

Atomic per member: the member's row is locked (PostgreSQL ``FOR UPDATE``; SQLite takes
its write lock at BEGIN), so two workers can never both route a moment for one member.
The recruiter's row is locked next, so their weekly capacity holds too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.capacity import (
    WorkingWeek,
    allowance,
    next_allowance_time,
    next_digest_time,
    next_working_time,
    week_start,
)
from models.moments import MomentKind
from models.names import fold
from models.policy import Action, Decision, MemberHistory, decide, unsure
from models.ranking import RankFacts, score
from models.schema import Contact, Delivery, Member, Moment, Recruiter
from workers import events
from workers.app import App
from workers.db import lock_member, transaction
from workers.events import context_of, evidence_of
from workers.links import ActionTicket, action_links
from workers.metrics import count

log = structlog.get_logger(__name__)

OPEN_STATUSES = ("routed", "delivered")
DIGEST_MARGIN = timedelta(days=1)
"""A moment that would have less than this left when its digest goes out is sent alone."""
WAITING_STATUSES = ("pending", "deferred")


def route_moment(app: App, moment_id: int, now: datetime) -> int | None:
    """Route the member a moment belongs to; return the id of a delivery now owed, if any."""
    with app.sessions() as session:
        member_id = session.scalar(select(Moment.member_id).where(Moment.id == moment_id))
    return None if member_id is None else route_member(app, member_id, now)


def route_member(app: App, member_id: int, now: datetime) -> int | None:
    """Decide every due moment of one member: the best is routed, the rest ride along or wait."""
    with transaction(app.sessions) as session:
        member = lock_member(session, member_id)
        if member is None:
            return None
        due = list(
            session.scalars(
                select(Moment)
                .where(
                    Moment.member_id == member_id,
                    Moment.status.in_(WAITING_STATUSES),
                    Moment.not_before <= now,
                )
                .order_by(Moment.id)
            )
        )
        policy = app.settings.policy
        unsure_ones = {m.id: why for m in due if (why := unsure(m.confidence, policy))}
        for moment in due:
            if moment.id in unsure_ones:
                hold(moment, unsure_ones[moment.id], now)
        due = [m for m in due if m.id not in unsure_ones]
        if not due:
            return None
        ranked = rank(session, member, due, now)
        history = history_of(session, member)
        best = ranked[0]
        decision = decide(
            history, policy, not_before=best.not_before, expires_at=best.expires_at, now=now
        )
        delivery_id = None
        if decision.action is Action.ROUTE:
            delivery_id = _route_best(app, session, member, best, ranked[1:], now)
        else:
            for moment in ranked:
                hold(
                    moment,
                    decide(
                        history,
                        policy,
                        not_before=moment.not_before,
                        expires_at=moment.expires_at,
                        now=now,
                    ),
                    now,
                )
        outcome = {m.id: m.status for m in ranked}
    log.info("member.routed", member_id=member_id, moments=outcome)
    for decided in outcome.values():
        count("decisions", decided)
    return delivery_id


def rank(
    session: Session, member: Member, moments: Sequence[Moment], now: datetime
) -> list[Moment]:
    """The member's moments, best first."""
    rates = response_rates(session)
    last = _start_of(member.last_contact_on) if member.last_contact_on else None

    def key(moment: Moment) -> tuple[float, int]:
        positive, answered = rates.get(moment.kind, (0, 0))
        facts = RankFacts(
            priority=moment.priority,
            confidence=moment.confidence,
            last_contact=last,
            reason=member.reason,
            positive=positive,
            answered=answered,
        )
        return (-score(facts, now), moment.id)

    return sorted(moments, key=key)


def response_rates(session: Session) -> dict[str, tuple[int, int]]:
    """Per moment kind: positive answers and all answers recorded so far."""
    rows = session.execute(
        select(Moment.kind, Contact.outcome, func.count(Contact.id))
        .join(Moment, Contact.moment_id == Moment.id)
        .group_by(Moment.kind, Contact.outcome)
    ).all()
    rates: dict[str, tuple[int, int]] = {}
    for kind, outcome, answers in rows:
        positive, answered = rates.get(kind, (0, 0))
        rates[kind] = (positive + (answers if outcome == "positive" else 0), answered + answers)
    return rates


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


def hold(moment: Moment, decision: Decision, now: datetime) -> None:
    """Defer or suppress a moment that may not be routed now, with the reason."""
    moment.reason = decision.reason
    if decision.action is Action.DEFER and decision.at is not None:
        moment.status, moment.not_before = "deferred", decision.at
    else:
        moment.status, moment.closed_at = "suppressed", now


def working_week(recruiter: Recruiter) -> WorkingWeek:
    """The recruiter's hours, days, timezone and weekly capacity."""
    return WorkingWeek(
        timezone=recruiter.timezone,
        start=time.fromisoformat(recruiter.work_start),
        end=time.fromisoformat(recruiter.work_end),
        days=frozenset(int(d) for d in recruiter.work_days.split(",") if d.strip()),
        capacity=recruiter.weekly_capacity,
    )


def _route_best(
    app: App, session: Session, member: Member, best: Moment, rest: list[Moment], now: datetime
) -> int | None:
    recruiter = recruiter_for(session, member, now)
    if recruiter is None:
        for moment in (best, *rest):
            hold(
                moment,
                Decision(
                    Action.SUPPRESS, "no active recruiter; add one with `keepwarm recruiters add`"
                ),
                now,
            )
        return None
    week = working_week(recruiter)
    used = routed_since(session, recruiter.id, week_start(week, now))
    if used >= allowance(week, now):
        _wait_for_capacity(recruiter, week, used, (best, *rest), now)
        return None
    best.status, best.routed_at, best.recruiter_id = "routed", now, recruiter.id
    best.routings += 1
    load = f"{used + 1} of {week.capacity} this week"
    best.reason = (
        f"routed to recruiter {recruiter.id} ({load}): {best.reason or 'within the policy'}"
    )
    for moment in rest:
        moment.status, moment.closed_at, moment.merged_into_id = "merged", now, best.id
        moment.reason = (
            f"rides along as context with moment {best.id} ({best.kind}), which ranked higher"
        )
    _supersede_check_ins(session, member, best, now)
    channel, target, cadence = delivery_route(recruiter)
    due = next_digest_time(week, now, cadence)
    if channel == "digest" and due > best.expires_at - DIGEST_MARGIN:
        # The moment would expire before (or just after) the digest: it goes on its own.
        channel, due = "email", next_working_time(week, now)
    delivery = Delivery(
        moment_id=best.id,
        routing=best.routings,
        channel=channel,
        target=target,
        status="pending",
        next_attempt_at=due,
        created_at=now,
    )
    session.add(delivery)
    session.flush()
    _record_routed(app, session, best, recruiter, now)
    return delivery.id


def _record_routed(
    app: App, session: Session, moment: Moment, recruiter: Recruiter, now: datetime
) -> None:
    """The routed event: what the recruiter needs to act, with the signed action links."""
    base = app.settings.base_url
    ticket = ActionTicket(moment.id, recruiter.id, moment.routings)
    headline, url = evidence_of(moment)
    events.record(
        session,
        moment,
        events.ROUTED,
        now,
        evidence={"headline": headline, "url": url},
        draft=moment.draft,
        also=context_of(session, moment.id),
        links=action_links(app.secret, base, ticket),
        inbox_url=f"{base}/inbox",
    )


def delivery_route(recruiter: Recruiter) -> tuple[str, str, str]:
    """Channel, target and cadence of a recruiter's alerts: a webhook gets each moment at
    once (in working hours); email goes one by one, or as a daily or weekly digest."""
    if recruiter.channel == "webhook" and recruiter.webhook_url:
        return "webhook", recruiter.webhook_url, "immediate"
    if recruiter.alerts in ("daily", "weekly"):
        return "digest", recruiter.email, recruiter.alerts
    return "email", recruiter.email, "immediate"


def _supersede_check_ins(session: Session, member: Member, best: Moment, now: datetime) -> None:
    """A routed moment is the contact a waiting check-in asked for: close the check-in."""
    waiting = session.scalars(
        select(Moment).where(
            Moment.member_id == member.id,
            Moment.id != best.id,
            Moment.status.in_(WAITING_STATUSES),
            Moment.kind.in_((MomentKind.CHECK_IN.value, MomentKind.REENGAGE.value)),
            Moment.signal_id.is_(None),
        )
    )
    for moment in waiting:
        moment.status, moment.closed_at, moment.merged_into_id = "merged", now, best.id
        moment.reason = (
            f"superseded by moment {best.id} ({best.kind}), a better reason to get in touch"
        )


def _wait_for_capacity(
    recruiter: Recruiter, week: WorkingWeek, used: int, moments: Sequence[Moment], now: datetime
) -> None:
    if week.capacity == 0:
        why = f"recruiter {recruiter.id} takes no moments (weekly capacity 0)"
        for moment in moments:
            hold(moment, Decision(Action.SUPPRESS, why), now)
        return
    at = next_allowance_time(week, now, used)
    why = f"recruiter {recruiter.id} has had {used} of {week.capacity} moments allowed so far"
    why += " this week"
    for moment in moments:
        if at < moment.expires_at:
            hold(
                moment,
                Decision(Action.DEFER, f"{why}; deferred until {at:%Y-%m-%d %H:%M} UTC", at),
                now,
            )
        else:
            hold(
                moment,
                Decision(Action.SUPPRESS, f"{why}; the moment expires before there is room"),
                now,
            )


def recruiter_for(session: Session, member: Member, now: datetime) -> Recruiter | None:
    """The owner when active; else the team recruiter for the member's interests with the
    least load this week; else the least loaded active recruiter. Locked for the decision."""
    recruiter: Recruiter | None = (
        member.owner if member.owner is not None and member.owner.active else None
    )
    if recruiter is None:
        candidates = list(
            session.scalars(select(Recruiter).where(Recruiter.active).order_by(Recruiter.id))
        )
        interests = _areas(member.interests)
        team = [r for r in candidates if interests & _areas(r.areas)] or candidates
        if not team:
            return None
        recruiter = min(
            team,
            key=lambda r: (routed_since(session, r.id, week_start(working_week(r), now)), r.id),
        )
    return session.scalars(
        select(Recruiter).where(Recruiter.id == recruiter.id).with_for_update()
    ).one()


def routed_since(session: Session, recruiter_id: int, since: datetime) -> int:
    """How many moments were routed to a recruiter since ``since``."""
    return (
        session.scalar(
            select(func.count(Moment.id)).where(
                Moment.recruiter_id == recruiter_id, Moment.routed_at >= since
            )
        )
        or 0
    )


def _areas(raw: str | None) -> set[str]:
    return {fold(part) for part in (raw or "").replace(";", ",").split(",") if fold(part)}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)
