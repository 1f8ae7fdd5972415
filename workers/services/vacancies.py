"""Vacancies: imported from CSV or read from vacancy feeds, matched to members while open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.moments import DraftFacts, MomentKind
from models.names import first_name
from models.schema import Item, Member, Moment, Vacancy
from models.vacancies import concepts, relevance
from workers.app import App
from workers.db import transaction
from workers.drafts import member_draft, messages_before

MIN_RELEVANCE = 0.5
VACANCY_FEED = "vacancy_feed"
LIVE = ("pending", "deferred", "routed", "delivered")


def store_vacancy(session: Session, item: Item, now: datetime) -> None:
    """Turn an entry of a vacancy feed into an open vacancy (matched by the next tick)."""
    key = item.link or f"item:{item.id}"
    if session.scalars(select(Vacancy.id).where(Vacancy.key == key)).first() is None:
        session.add(
            Vacancy(
                key=key,
                title=item.title[:500] or "(untitled vacancy)",
                url=item.link,
                description=item.summary[:5000],
                source_id=item.source_id,
                status="open",
                created_at=now,
                updated_at=now,
            )
        )


def match_vacancy(app: App, vacancy_id: int, now: datetime) -> list[int]:
    """Create relevant_vacancy moments for the members an open vacancy fits; return their ids.

    The moments and the vacancy's ``matched_at`` are written in one transaction, so a crash
    in between leaves the vacancy unmatched and the next tick matches it again.
    """
    policy = app.settings.pool_policy
    with transaction(app.sessions) as session:
        vacancy = session.get_one(Vacancy, vacancy_id)
        vacancy.matched_at = now
        if vacancy.status != "open" or (vacancy.closes_at and vacancy.closes_at <= now):
            return []
        wanted = concepts(f"{vacancy.title} {vacancy.areas or ''}")
        expires = vacancy.closes_at or now + policy.windows[MomentKind.RELEVANT_VACANCY]
        title = vacancy.title + (f" at {vacancy.employer}" if vacancy.employer else "")
        known = set(
            session.scalars(select(Moment.member_id).where(Moment.vacancy_id == vacancy_id))
        )
        query = select(Member).where(Member.do_not_contact.is_(False))
        members: list[Member] = list(session.scalars(query)) if wanted else []
        created = []
        for member in members:
            fit = relevance(wanted, concepts(f"{member.interests or ''} {member.title or ''}"))
            if fit < MIN_RELEVANCE or member.id in known:
                continue
            moment = Moment(
                member_id=member.id,
                vacancy_id=vacancy_id,
                kind=MomentKind.RELEVANT_VACANCY.value,
                key=f"vacancy:{vacancy_id}:{member.id}",
                status="pending",
                priority=policy.priorities[MomentKind.RELEVANT_VACANCY],
                confidence=fit,
                not_before=now,
                expires_at=expires,
                created_at=now,
                draft=member_draft(
                    member,
                    _facts(member, title),
                    now,
                    app.settings.templates_path,
                    sequence=messages_before(session, member.id),
                ),
            )
            session.add(moment)
            created.append(moment)
        session.flush()
        return [m.id for m in created]


def close_vacancy(app: App, vacancy_id: int, now: datetime) -> int:
    """Close a vacancy: its moments that are waiting or open expire."""
    with transaction(app.sessions) as session:
        if session.get(Vacancy, vacancy_id) is None:
            raise ValueError(f"there is no vacancy {vacancy_id}")
        session.execute(
            update(Vacancy).where(Vacancy.id == vacancy_id).values(status="closed", updated_at=now)
        )
        result = session.execute(
            update(Moment)
            .where(Moment.vacancy_id == vacancy_id, Moment.status.in_(LIVE))
            .values(status="expired", closed_at=now, reason="the vacancy was closed")
        )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _facts(member: Member, vacancy: str) -> DraftFacts:
    return DraftFacts(
        kind=MomentKind.RELEVANT_VACANCY,
        language=member.language,
        first_name=first_name(member.name),
        headline=vacancy,
        link=None,
        employer=None,
        last_topic=member.last_topic,
        last_contact=member.last_contact_on,
        vacancy=vacancy,
    )
