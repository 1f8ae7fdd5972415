"""Importing vacancies from a spreadsheet (CSV or XLSX, English or Dutch), in batches.

Rows are read as a stream and checked in Python; a batch is one transaction: one query
finds its vacancies by key, new ones go in as one multi-row INSERT, changed ones are
updated, and a row with a closed status closes its vacancy and expires its moments in the
same transaction. A batch the database refuses is written again row by row, so the bad
row is reported with its line and nothing of it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models.names import fold
from models.schema import Moment, Vacancy
from workers.app import App
from workers.db import transaction
from workers.services.tables import (
    ImportReport,
    Progress,
    Rejection,
    batched,
    cell_text,
    parse_date,
    read_table,
)
from workers.services.vacancies import LIVE

BATCH_ROWS = 1000
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
CLOSED = {"closed", "gesloten", "filled", "vervuld", "ingevuld", "dicht"}


@dataclass(frozen=True)
class VacancyRow:
    """One checked row: the vacancy's key, its columns, and whether the row closes it."""

    line: int
    key: str
    fields: dict[str, Any]
    closed: bool


def import_vacancies(
    app: App, path: Path, now: datetime, progress: Progress | None = None
) -> ImportReport:
    """Upsert vacancies by id (else URL); a row with a closed status closes the vacancy."""
    total, records = read_table(path, COLUMNS, required=("title",))
    report = ImportReport()
    for chunk in batched(records, BATCH_ROWS):
        rows: list[VacancyRow] = []
        for line, values in chunk:
            try:
                rows.append(parse_vacancy(line, values))
            except ValueError as exc:
                report.rejected.append(Rejection(line, str(exc)))
        _write(app, rows, now, report)
        if progress:
            progress(min(chunk[-1][0] - 1, total), total)
    if progress:
        progress(total, total)
    return report.in_line_order()


def parse_vacancy(line: int, values: dict[str, Any]) -> VacancyRow:
    """Check one row; ValueError with a reason a recruiter understands."""
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
    return VacancyRow(line, key, fields, closed)


def _write(app: App, rows: list[VacancyRow], now: datetime, report: ImportReport) -> None:
    while rows:
        try:
            with transaction(app.sessions) as session:
                outcomes, rest = _write_batch(session, rows, now)
        except DBAPIError:
            if len(rows) == 1:
                report.rejected.append(Rejection(rows[0].line, "the database refused a value"))
                return
            for row in rows:
                _write(app, [row], now, report)
            return
        for outcome in outcomes:
            report.count(outcome)
        rows = rest


def _write_batch(
    session: Session, rows: list[VacancyRow], now: datetime
) -> tuple[list[str], list[VacancyRow]]:
    """Each row's outcome, and the rows after one naming a vacancy seen earlier in the
    batch (they go in the next batch, as if the earlier row were written first)."""
    keys = list({row.key for row in rows})
    known = {v.key: v for v in session.scalars(select(Vacancy).where(Vacancy.key.in_(keys)))}
    outcomes: list[str] = []
    new: list[dict[str, Any]] = []
    closing: list[int] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        if row.key in seen:
            return _finish(session, outcomes, new, closing, now), rows[index:]
        seen.add(row.key)
        vacancy = known.get(row.key)
        if vacancy is None:
            status = "closed" if row.closed else "open"
            new.append({"key": row.key, "status": status, **row.fields})
            outcomes.append("created")
            continue
        changed = {k: v for k, v in row.fields.items() if getattr(vacancy, k) != v}
        for name, value in changed.items():
            setattr(vacancy, name, value)
        if changed:
            vacancy.matched_at = None  # what it is about changed: match it again
        if row.closed and vacancy.status != "closed":
            changed["status"] = vacancy.status = "closed"
        if row.closed:
            closing.append(vacancy.id)
        vacancy.updated_at = now
        outcomes.append("updated" if changed else "unchanged")
    return _finish(session, outcomes, new, closing, now), []


def _finish(
    session: Session,
    outcomes: list[str],
    new: list[dict[str, Any]],
    closing: list[int],
    now: datetime,
) -> list[str]:
    if new:
        stamps = {"created_at": now, "updated_at": now}
        session.execute(insert(Vacancy), [{**values, **stamps} for values in new])
    if closing:
        session.execute(
            update(Moment)
            .where(Moment.vacancy_id.in_(closing), Moment.status.in_(LIVE))
            .values(status="expired", closed_at=now, reason="the vacancy was closed")
        )
    return outcomes
