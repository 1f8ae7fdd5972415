"""What there is: recruiters, sources, employers, vacancies and moments as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models.schema import Delivery, Employer, Moment, Recruiter, Source, Vacancy
from workers.app import App


@dataclass(frozen=True)
class RecruiterRow:
    """A recruiter and how moments reach them."""

    id: int
    name: str
    email: str
    channel: str
    webhook_url: str | None
    active: bool


@dataclass(frozen=True)
class SourceRow:
    """A source with its fetch state."""

    id: int
    kind: str
    url: str
    employer: str | None
    enabled: bool
    failing_since: datetime | None
    disabled_reason: str | None
    last_status: str | None
    error_count: int
    last_error: str | None
    next_poll_at: datetime
    skipped_entries: int = 0
    """Entries the per-poll and per-day caps left out, since the source was added."""

    @property
    def state(self) -> str:
        """disabled, failing or ok."""
        return "disabled" if not self.enabled else "failing" if self.failing_since else "ok"


@dataclass(frozen=True)
class EmployerRow:
    """An employer with the other names it goes by."""

    id: int
    name: str
    aliases: tuple[str, ...]
    website: str | None


@dataclass(frozen=True)
class VacancyRow:
    """A vacancy and how many moments it gave."""

    id: int
    title: str
    employer: str | None
    status: str
    closes_at: datetime | None
    moments: int


def list_recruiters(app: App) -> list[RecruiterRow]:
    """Every recruiter, by id."""
    with app.sessions() as session:
        return [
            RecruiterRow(r.id, r.name, r.email, r.channel, r.webhook_url, r.active)
            for r in session.scalars(select(Recruiter).order_by(Recruiter.id))
        ]


def list_sources(app: App, *, failing: bool = False) -> list[SourceRow]:
    """Every source by id with its employer's name; with ``failing``, only failing or
    disabled ones."""
    query = select(Source, Employer.name).outerjoin(Employer, Source.employer_id == Employer.id)
    if failing:
        query = query.where((Source.failing_since.is_not(None)) | (Source.enabled.is_(False)))
    with app.sessions() as session:
        return [
            SourceRow(
                id=source.id,
                kind=source.kind,
                url=source.url,
                employer=employer,
                enabled=source.enabled,
                failing_since=source.failing_since,
                disabled_reason=source.disabled_reason,
                last_status=source.last_status,
                error_count=source.error_count,
                last_error=source.last_error,
                next_poll_at=source.next_poll_at,
                skipped_entries=source.skipped_entries,
            )
            for source, employer in session.execute(query.order_by(Source.id))
        ]


def list_employers(app: App) -> list[EmployerRow]:
    """Every employer by id, with its aliases."""
    query = select(Employer).options(selectinload(Employer.aliases)).order_by(Employer.id)
    with app.sessions() as session:
        return [
            EmployerRow(e.id, e.name, tuple(a.name for a in e.aliases), e.website)
            for e in session.scalars(query)
        ]


def list_vacancies(app: App) -> list[VacancyRow]:
    """Every vacancy by id, with the number of moments it gave (one grouped query)."""
    query = (
        select(Vacancy, func.count(Moment.id))
        .outerjoin(Moment, Moment.vacancy_id == Vacancy.id)
        .group_by(Vacancy.id)
        .order_by(Vacancy.id)
    )
    with app.sessions() as session:
        return [
            VacancyRow(v.id, v.title, v.employer, v.status, v.closes_at, count)
            for v, count in session.execute(query)
        ]


def moment_rows(app: App) -> list[dict[str, Any]]:
    """Every moment as a plain dict, by id (for ``keepwarm moments`` and the demo)."""
    query = (
        select(Moment)
        .options(selectinload(Moment.member), selectinload(Moment.recruiter))
        .order_by(Moment.id)
    )
    with app.sessions() as session:
        return [
            {
                "id": m.id,
                "member_id": m.member_id,
                "member": m.member.name,
                "kind": m.kind,
                "status": m.status,
                "reason": m.reason,
                "due_at": m.not_before.isoformat(),
                "expires_at": m.expires_at.isoformat(),
                "recruiter": m.recruiter.email if m.recruiter else None,
                "confidence": round(m.confidence, 2),
                "draft": m.draft,
            }
            for m in session.scalars(query)
        ]


@dataclass(frozen=True)
class DeliveryRow:
    """A delivery and how its sending went."""

    id: int
    moment_id: int
    channel: str
    target: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


def list_deliveries(app: App, *, failed: bool, limit: int = 500) -> list[DeliveryRow]:
    """The latest deliveries; ``failed``: only those failing or given up."""
    query = select(Delivery).order_by(Delivery.id.desc()).limit(limit)
    if failed:
        query = query.where(Delivery.status.in_(("failed", "dead")))
    with app.sessions() as session:
        return [
            DeliveryRow(
                d.id,
                d.moment_id,
                d.channel,
                d.target,
                d.status,
                d.attempts,
                d.last_error,
                d.created_at,
                d.next_attempt_at,
            )
            for d in session.scalars(query)
        ]
