"""Vacancies: imported from CSV or read from vacancy feeds, matched to members while open."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.moments import DraftFacts, MomentKind
from models.names import first_name, fold
from models.schema import Item, Member, Moment, Vacancy
from models.vacancies import concepts, relevance
from workers.app import App
from workers.db import transaction
from workers.drafts import member_draft, messages_before
from workers.services.pool_import import (
    ImportReport,
    Rejection,
    cell_text,
    parse_date,
    read_table,
)

MIN_RELEVANCE = 0.5
COLUMNS = {
    "id": "key",
    "external id": "key",
    "vacature id": "key",
    "vacaturenummer": "key",
    "title": "title",
    "functie": "title",
    "functietitel": "title",
    "job title": "title",
    "employer": "employer",
    "werkgever": "employer",
    "company": "employer",
    "bedrijf": "employer",
    "areas": "areas",
    "interessegebied": "areas",
    "vakgebied": "areas",
    "area": "areas",
    "location": "location",
    "locatie": "location",
    "plaats": "location",
    "url": "url",
    "link": "url",
    "closes": "closes",
    "closing date": "closes",
    "sluitingsdatum": "closes",
    "deadline": "closes",
    "status": "status",
    "description": "description",
    "omschrijving": "description",
}
VACANCY_FEED = "vacancy_feed"
CLOSED = {"closed", "gesloten", "filled", "vervuld", "ingevuld", "dicht"}
LIVE = ("pending", "deferred", "routed", "delivered")


def import_vacancies(app: App, path: Path, now: datetime) -> ImportReport:
    """Upsert vacancies by id (else URL); a row with a closed status closes the vacancy."""
    _, records = read_table(path, COLUMNS, required=("title",))
    report = ImportReport()
    for line, values in records:
        try:
            outcome = _upsert(app, values, now)
        except ValueError as exc:
            report.rejected.append(Rejection(line, str(exc)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _upsert(app: App, values: dict[str, Any], now: datetime) -> str:
    title = str(values.get("title") or "").strip()
    key = str(values.get("key") or values.get("url") or "").strip()
    if not title:
        raise ValueError("the title is empty")
    if not key:
        raise ValueError("the row has neither an id nor a URL")
    closes_on = parse_date(values.get("closes"))
    fields = {
        "title": title,
        "employer": cell_text(values.get("employer")),
        "areas": cell_text(values.get("areas")),
        "location": cell_text(values.get("location")),
        "url": cell_text(values.get("url")),
        "description": cell_text(values.get("description")) or "",
        "closes_at": datetime.combine(closes_on, time(23, 59), tzinfo=UTC) if closes_on else None,
    }
    closed = fold(str(values.get("status") or "")) in CLOSED
    with transaction(app.sessions) as session:
        vacancy = session.scalars(select(Vacancy).where(Vacancy.key == key)).first()
        if vacancy is None:
            session.add(
                Vacancy(
                    key=key,
                    status="closed" if closed else "open",
                    created_at=now,
                    updated_at=now,
                    **fields,
                )
            )
            return "created"
        changed = {k: v for k, v in fields.items() if getattr(vacancy, k) != v}
        for name, value in changed.items():
            setattr(vacancy, name, value)
        if changed:
            vacancy.matched_at = None  # what it is about changed: match it again
        if closed and vacancy.status != "closed":
            changed["status"] = "closed"
            vacancy.status = "closed"
        vacancy.updated_at = now
    if closed:
        close_vacancy(app, vacancy.id, now)
    return "updated" if changed else "unchanged"


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
