"""Vacancies: imported from CSV or read from vacancy feeds, matched to members while open."""

from __future__ import annotations

import heapq
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models.moments import MomentKind
from models.schema import Item, Member, Moment, Vacancy
from models.vacancies import concepts
from workers.app import App
from workers.db import transaction
from workers.drafts import member_draft, member_facts
from workers.services.vacancy_matching import fitting_members, refresh_concepts

MIN_RELEVANCE = 0.5
MAX_MATCHES = 100
"""Moments one vacancy creates at most: its best fits."""
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
    """Create relevant_vacancy moments for the members an open vacancy fits best; return
    their ids.

    The candidates are selected in the database by the concepts they share with the
    vacancy (``vacancy_matching``: each member's concepts are kept indexed in
    ``member_concept``) and ranked here; only the best ``MAX_MATCHES`` fits are loaded
    whole and given a moment (best fit first, then the members the agency spoke to most
    recently): a recruiter follows up a vacancy with tens of people, not with
    every member whose title says "manager". The moments and the vacancy's ``matched_at``
    are written in one transaction, so a crash in between leaves the vacancy unmatched and
    the next tick matches it again.
    """
    policy = app.settings.pool_policy
    refresh_concepts(app)
    with transaction(app.sessions) as session:
        vacancy = session.get_one(Vacancy, vacancy_id)
        vacancy.matched_at = now
        if vacancy.status != "open" or (vacancy.closes_at and vacancy.closes_at <= now):
            return []
        wanted = concepts(f"{vacancy.title} {vacancy.areas or ''}")
        if not wanted:
            return []
        best = _best_fits(session, vacancy_id, wanted)
        expires = vacancy.closes_at or now + policy.windows[MomentKind.RELEVANT_VACANCY]
        title = vacancy.title + (f" at {vacancy.employer}" if vacancy.employer else "")
        rank = {member_id: place for place, member_id in enumerate(best)}
        members = session.scalars(select(Member).where(Member.id.in_(rank)))
        earlier = _moment_counts(session, list(rank))
        created = []
        for member in sorted(members, key=lambda m: rank[m.id]):
            moment = Moment(
                member_id=member.id,
                vacancy_id=vacancy_id,
                kind=MomentKind.RELEVANT_VACANCY.value,
                key=f"vacancy:{vacancy_id}:{member.id}",
                status="pending",
                priority=policy.priorities[MomentKind.RELEVANT_VACANCY],
                confidence=best[member.id],
                not_before=now,
                expires_at=expires,
                created_at=now,
                draft=member_draft(
                    member,
                    member_facts(
                        member, MomentKind.RELEVANT_VACANCY, headline=title, vacancy=title
                    ),
                    now,
                    app.settings.templates_path,
                    sequence=earlier.get(member.id, 0),
                ),
            )
            session.add(moment)
            created.append(moment)
        session.flush()
        return [m.id for m in created]


def _best_fits(session: Session, vacancy_id: int, wanted: frozenset[str]) -> dict[int, float]:
    """The best-fitting members not yet matched to this vacancy, id → fit, best first: as
    many as the vacancy has moments left (a re-match after an edit tops it up, no more).
    The candidates come from the database, by the concepts they share with the vacancy."""
    known = session.scalar(select(func.count(Moment.id)).where(Moment.vacancy_id == vacancy_id))
    room = MAX_MATCHES - (known or 0)
    if room <= 0:
        return {}
    candidates = fitting_members(
        session, wanted, vacancy_id=vacancy_id, min_relevance=MIN_RELEVANCE
    )
    top = heapq.nlargest(
        room,
        (
            (fit, spoke.toordinal() if spoke else 0, member_id)
            for member_id, fit, spoke in candidates
        ),
    )
    return {member_id: fit for fit, _, member_id in top}


def _moment_counts(session: Session, member_ids: list[int]) -> dict[int, int]:
    """How many moments each member has had (the drafts vary their wording by it)."""
    counts = session.execute(
        select(Moment.member_id, func.count(Moment.id))
        .where(Moment.member_id.in_(member_ids))
        .group_by(Moment.member_id)
    )
    return {member_id: count for member_id, count in counts}


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
