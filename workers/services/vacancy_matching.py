"""Which members a vacancy fits, selected in the database and ranked in Python.

Each member's concepts (the synonym groups their interests and title name) are kept in
``member_concept``, indexed by concept, and brought up to date from ``updated_at`` before
a vacancy is matched: a member whose row changed since is read again. A vacancy then
costs one indexed query for the members sharing enough of its concepts, not a pass over
the whole pool in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import structlog
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.schema import Member, MemberConcept, Moment
from models.vacancies import MIN_SHARED, ConceptFinder, default_synonyms
from workers.app import App
from workers.db import transaction

log = structlog.get_logger(__name__)

REFRESH_BATCH = 5_000
"""Members whose concepts are derived again per statement batch."""


def refresh_concepts(app: App) -> int:
    """Derive the concepts of every member changed since they were last derived, a batch a
    transaction (an interrupted refresh keeps what it did); how many members."""
    refreshed = 0
    while True:
        with transaction(app.sessions) as session:
            rows = session.execute(
                select(Member.id, Member.interests, Member.title, Member.updated_at)
                .where(or_(Member.concepts_at.is_(None), Member.concepts_at < Member.updated_at))
                .order_by(Member.id)
                .limit(REFRESH_BATCH)
            ).all()
            if rows:
                _store_concepts(session, rows)
        refreshed += len(rows)
        if len(rows) < REFRESH_BATCH:
            break
    if refreshed:
        log.info("member_concepts.refreshed", members=refreshed)
    return refreshed


def _store_concepts(session: Session, rows: Sequence[Any]) -> None:
    ids = [row.id for row in rows]
    session.execute(delete(MemberConcept).where(MemberConcept.member_id.in_(ids)))
    finder = ConceptFinder(frozenset(default_synonyms()))  # every concept, one pass a text
    found = [
        {"member_id": row.id, "concept": concept}
        for row in rows
        for concept in sorted(finder.concepts(f"{row.interests or ''} {row.title or ''}"))
    ]
    if found:
        # Another worker refreshing the same members at once wrote the same rows.
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(insert(MemberConcept).on_conflict_do_nothing(), found)
    # An ORM bulk UPDATE by primary key: one executemany.
    session.execute(update(Member), [{"id": row.id, "concepts_at": row.updated_at} for row in rows])


def fitting_members(
    session: Session, wanted: frozenset[str], *, vacancy_id: int, min_relevance: float
) -> list[tuple[int, float, date | None]]:
    """The members who share enough of a vacancy's concepts, may be contacted and have no
    moment for it yet: (id, fit, last contact), for the caller to rank."""
    if not wanted:
        return []
    needed = max(MIN_SHARED, _at_least(min_relevance, len(wanted)))
    shared = func.count(MemberConcept.concept)
    rows = session.execute(
        select(MemberConcept.member_id, shared, Member.last_contact_on)
        .join(Member, Member.id == MemberConcept.member_id)
        .where(
            MemberConcept.concept.in_(sorted(wanted)),
            Member.do_not_contact.is_(False),
            ~select(Moment.id)
            .where(Moment.vacancy_id == vacancy_id, Moment.member_id == MemberConcept.member_id)
            .exists(),
        )
        .group_by(MemberConcept.member_id, Member.last_contact_on)
        .having(shared >= needed)
    )
    # The fit as models.vacancies.relevance gives it: the share of the vacancy's concepts.
    return [(member_id, round(count / len(wanted), 2), spoke) for member_id, count, spoke in rows]


def _at_least(share: float, total: int) -> int:
    """The fewest shared concepts out of ``total`` whose (rounded) share reaches ``share``."""
    return next((n for n in range(1, total + 1) if round(n / total, 2) >= share), total + 1)
