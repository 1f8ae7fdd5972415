"""What the inbox shows: a recruiter's open moments best first, one moment, the team's week."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.capacity import week_start
from models.schema import Moment, Recruiter
from workers.app import App
from workers.events import context_of, evidence_of
from workers.services.routing import OPEN_STATUSES, routed_since, working_week

SNOOZE_DAYS = 7


@dataclass(frozen=True, kw_only=True)
class MomentCard:
    """One moment as the recruiter sees it."""

    id: int
    kind: str
    status: str
    member_id: int
    member_name: str
    member_language: str
    employer: str | None
    headline: str
    url: str | None
    reason: str
    draft: str
    confidence: float
    expires_at: datetime
    routings: int
    recruiter_id: int | None
    recruiter_name: str | None
    also: tuple[str, ...]

    def days_left(self, now: datetime) -> int:
        """Whole days until the window closes."""
        return max(0, (self.expires_at - now).days)

    def last_snooze_day(self) -> date:
        """The last day it can be snoozed to: the day before its window closes."""
        return (self.expires_at - timedelta(days=1)).date()

    def snooze_day(self, now: datetime) -> date:
        """The date a snooze suggests: a week on, or the last day it can wait."""
        return min((now + timedelta(days=SNOOZE_DAYS)).date(), self.last_snooze_day())


def _card(session: Session, moment: Moment) -> MomentCard:
    member = moment.member
    headline, url = evidence_of(moment)
    return MomentCard(
        id=moment.id,
        kind=moment.kind,
        status=moment.status,
        member_id=member.id,
        member_name=member.name,
        member_language=member.language,
        employer=member.employer.name if member.employer else None,
        headline=headline,
        url=url,
        reason=moment.reason or "",
        draft=moment.draft,
        confidence=moment.confidence,
        expires_at=moment.expires_at,
        routings=moment.routings,
        recruiter_id=moment.recruiter_id,
        recruiter_name=moment.recruiter.name if moment.recruiter else None,
        also=tuple(context_of(session, moment.id)),
    )


def open_moments(app: App, recruiter_id: int | None) -> list[MomentCard]:
    """Moments routed and not yet acted on, best first: one recruiter's, or everyone's."""
    query = select(Moment).where(Moment.status.in_(OPEN_STATUSES))
    if recruiter_id is not None:
        query = query.where(Moment.recruiter_id == recruiter_id)
    query = query.order_by(
        Moment.priority.desc(), Moment.confidence.desc(), Moment.expires_at, Moment.id
    )
    with app.sessions() as session:
        return [_card(session, moment) for moment in session.scalars(query)]


def moment_card(app: App, moment_id: int) -> MomentCard | None:
    """One moment, whatever its status."""
    with app.sessions() as session:
        moment = session.get(Moment, moment_id)
        return _card(session, moment) if moment else None


@dataclass(frozen=True)
class RecruiterWeek:
    """How much of a recruiter's weekly capacity is used."""

    id: int
    name: str
    email: str
    alerts: str
    used: int
    capacity: int
    active: bool


def team_week(app: App, now: datetime) -> list[RecruiterWeek]:
    """Every recruiter with the moments routed to them this week (their week, their zone)."""
    with app.sessions() as session:
        rows = []
        for recruiter in session.scalars(select(Recruiter).order_by(Recruiter.name)):
            week = working_week(recruiter)
            rows.append(
                RecruiterWeek(
                    recruiter.id,
                    recruiter.name,
                    recruiter.email,
                    recruiter.alerts,
                    routed_since(session, recruiter.id, week_start(week, now)),
                    recruiter.weekly_capacity,
                    recruiter.active,
                )
            )
    return rows


def moment_page(app: App, *, status: str | None, after: int, limit: int) -> list[dict[str, Any]]:
    """Moments with an id above ``after``, in id order, as the API returns them."""
    query = select(Moment).where(Moment.id > after).order_by(Moment.id).limit(limit)
    if status is not None:
        query = query.where(Moment.status == status)
    with app.sessions() as session:
        rows = []
        for moment in session.scalars(query):
            headline, url = evidence_of(moment)
            rows.append(
                {
                    "id": moment.id,
                    "kind": moment.kind,
                    "status": moment.status,
                    "reason": moment.reason or "",
                    "member_id": moment.member_id,
                    "member_external_id": moment.member.external_id,
                    "recruiter_id": moment.recruiter_id,
                    "not_before": moment.not_before,
                    "expires_at": moment.expires_at,
                    "routed_at": moment.routed_at,
                    "closed_at": moment.closed_at,
                    "headline": headline,
                    "url": url,
                    "draft": moment.draft,
                }
            )
    return rows
