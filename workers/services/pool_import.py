"""Importing the pool from the spreadsheet recruiters keep, in batches.

The file is read as a stream and each row validated in Python (``pool_rows``). A batch of
up to ``BATCH_ROWS`` rows is one transaction: two queries find the members it names (by
external id, by email), employers and recruiters come from a cache filled once per import
(created, once, on first sight), new members go in as one multi-row INSERT, changed ones as
one UPDATE by primary key per set of changed columns, profile pages as one
``INSERT ... ON CONFLICT DO NOTHING``. Members are matched by external id, else email: two
unique keys, which one ON CONFLICT target cannot express, so the batch looks them up first.

A batch the database refuses (a value too long for PostgreSQL, another import racing this
one) is written again row by row, each row its own transaction: the bad row is reported
with its line and nothing of it is written. A batch is atomic, so an interrupted import run
again finds the committed batches' rows unchanged, which costs a lookup and no write.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote_plus

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models.names import company_key
from models.schema import Employer, EmployerAlias, Member, Moment, Recruiter, Source, Suppression
from sources.watch import PROFILE_PAGE
from workers.app import App
from workers.db import insert_or_ignore, transaction
from workers.services.directory import recruiter_for_email
from workers.services.pool_rows import TOPIC_WARNING, PoolRow, parse_row, read_rows
from workers.services.privacy import Suppressed, is_suppressed
from workers.services.tables import ImportReport, Progress, Rejection, batched

BATCH_ROWS = 2000
MEMBERS = cast(Table, Member.__table__)
FIELDS = (
    "name",
    "title",
    "city",
    "last_contact_on",
    "last_topic",
    "interests",
    "next_action",
    "language",
    "profile_urls",
    "reason",
    "employer_id",
    "owner_id",
    "email",
    "external_id",
    "do_not_contact",
    "consent_until",
    "legal_basis",
    "consent_given_on",
    "formal",
)
COLUMNS = (Member.id, *(getattr(Member, name) for name in FIELDS))
COLUMN_NAMES = ("id", *FIELDS)
NEW_MEMBER = {  # what a new member gets for a column the file leaves out
    "email": None,
    "external_id": None,
    "do_not_contact": False,
    "consent_until": None,
    "legal_basis": None,
    "consent_given_on": None,
    "formal": False,
}
TAKEN = "the email or external id belongs to another member"
OBJECTION = "the member asked not to be contacted"
REFUSED = "the database refused a value of this row"  # never the values: personal data

Line = tuple[int, PoolRow]


def import_pool(
    app: App, path: Path, now: datetime, progress: Progress | None = None
) -> ImportReport:
    """Upsert every good row (by external id, else email); report and skip bad ones."""
    total, records = read_rows(path)
    importer = _Importer(app, now)
    for chunk in batched(records, BATCH_ROWS):
        rows: list[Line] = []
        for line, values in chunk:
            try:
                rows.append((line, parse_row(values, now.date())))
            except ValueError as exc:
                importer.report.rejected.append(Rejection(line, str(exc)))
        importer.write(rows)
        if progress:
            progress(min(chunk[-1][0] - 1, total), total)
    if progress:
        progress(total, total)
    return importer.report.in_line_order()


@dataclass
class _Written:
    """What one batch's transaction did; counted in the report once it committed."""

    outcomes: list[tuple[int, str]] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    rest: list[Line] = field(default_factory=list)
    """Rows that name a member an earlier row of the batch wrote: the next batch's."""


class _Importer:
    """Writes batches of validated rows; remembers the employers and recruiters it saw."""

    def __init__(self, app: App, now: datetime) -> None:
        self.app, self.now = app, now
        self.report = ImportReport()
        self.employers: dict[str, tuple[int, bool]] = {}
        """Employer key -> (id, has a website)."""
        self.recruiters: dict[str, int] = {}

    def write(self, rows: list[Line]) -> None:
        """Write the rows, a batch at a time; a refused batch again row by row."""
        while rows:
            try:
                rows = self._commit(rows)
            except DBAPIError:
                for row in rows:
                    self._write_alone(row)
                rows = []

    def _write_alone(self, row: Line) -> None:
        try:
            self._commit([row])
        except IntegrityError:
            self.report.rejected.append(Rejection(row[0], TAKEN))
        except DBAPIError:
            self.report.rejected.append(Rejection(row[0], REFUSED))

    def _commit(self, rows: list[Line]) -> list[Line]:
        employers: ChainMap[str, tuple[int, bool]] = ChainMap({}, self.employers)
        recruiters: ChainMap[str, int] = ChainMap({}, self.recruiters)
        with transaction(self.app.sessions) as session:
            written = _Batch(session, self, employers, recruiters).write(rows)
        self.employers.update(employers.maps[0])
        self.recruiters.update(recruiters.maps[0])
        for _, outcome in written.outcomes:
            self.report.count(outcome)
        self.report.rejected.extend(written.rejected)
        self.report.warnings.extend(written.warnings)
        return written.rest


class _Batch:
    """One transaction's worth of rows."""

    def __init__(
        self,
        session: Session,
        importer: _Importer,
        employers: ChainMap[str, tuple[int, bool]],
        recruiters: ChainMap[str, int],
    ) -> None:
        self.session, self.now, self.app = session, importer.now, importer.app
        self.employers, self.recruiters = employers, recruiters
        self.written = _Written()

    def write(self, rows: list[Line]) -> _Written:
        """Insert, update or leave each row's member; collect what each row came to."""
        current = self._members(rows)
        self._resolve_employers(rows)
        self._resolve_recruiters(rows)
        suppressions = self.session.scalar(select(Suppression.id).limit(1)) is not None
        claimed: set[int] = set()
        seen: set[tuple[str, str]] = set()
        inserts: list[tuple[Line, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        objections: list[int] = []
        sources: list[tuple[int | None, Line]] = []
        for index, (line, row) in enumerate(rows):
            try:
                member = _existing(current, row)
                if member is None and suppressions and self._suppressed(row):
                    raise Suppressed
                fields = self._fields(row)
            except ValueError as exc:
                self.written.rejected.append(Rejection(line, str(exc)))
                continue
            keys = {("external_id", row.external_id or ""), ("email", row.email or "")}
            keys.discard(("external_id", ""))
            keys.discard(("email", ""))
            if keys & seen or (member is not None and member["id"] in claimed):
                self.written.rest = rows[index:]  # as if the earlier row were written first
                break
            seen |= keys
            if member is None:
                inserts.append(((line, row), fields))
                outcome = "created"
            else:
                claimed.add(member["id"])
                changed = {k: v for k, v in fields.items() if member[k] != v}
                outcome = "updated" if changed else "unchanged"
                if changed:
                    updates.append({"id": member["id"], "updated_at": self.now, **changed})
                if changed.get("do_not_contact"):
                    objections.append(member["id"])
                sources.append((member["id"], (line, row)))
            self.written.outcomes.append((line, outcome))
            if row.topic_warning:
                self.written.warnings.append(Rejection(line, TOPIC_WARNING))
        sources.extend(self._insert(inserts))
        self._update(updates)
        self._stop_moments(objections)
        self._add_profile_pages(sources)
        return self.written

    def _suppressed(self, row: PoolRow) -> bool:
        return is_suppressed(self.session, row.email, row.external_id)

    def _members(self, rows: list[Line]) -> dict[str, dict[str, dict[str, Any]]]:
        """The members the rows name, by external id and by email, as column dicts. An
        email is looked up only where the member found by external id has another one."""
        found: dict[str, dict[str, dict[str, Any]]] = {"external_id": {}, "email": {}}
        by_id = found["external_id"]
        self._find(by_id, "external_id", {row.external_id for _, row in rows if row.external_id})
        emails = {
            row.email
            for _, row in rows
            if row.email and by_id.get(row.external_id or "", {}).get("email") != row.email
        }
        self._find(found["email"], "email", emails)
        for member in by_id.values():
            found["email"].setdefault(member["email"], member)
        return found

    def _find(self, into: dict[str, dict[str, Any]], key: str, wanted: set[str]) -> None:
        if not wanted:
            return
        query = select(*COLUMNS).where(getattr(Member, key).in_(list(wanted)))
        for values in self.session.execute(query):
            member = dict(zip(COLUMN_NAMES, values, strict=True))
            into[member[key]] = member

    def _resolve_employers(self, rows: list[Line]) -> None:
        """Every employer the rows name into the cache: found, else created (once)."""
        named: dict[str, PoolRow] = {}
        for _, row in rows:
            key = company_key(row.employer) if row.employer else ""
            if key and key not in self.employers:
                named.setdefault(key, row)
        if named:
            query = select(Employer.key, Employer.id, Employer.website)
            for key, employer_id, website in self.session.execute(
                query.where(Employer.key.in_(list(named)))
            ):
                self.employers[key] = (employer_id, website is not None)
        missing = {key: row for key, row in named.items() if key not in self.employers}
        if missing:
            self._create_employers(missing)

    def _create_employers(self, named: dict[str, PoolRow]) -> None:
        """Employers known by an alias are found; the others created in one statement
        (ON CONFLICT DO NOTHING: another import may create one at the same moment), each
        with its news search source when one is configured."""
        aliases = (
            select(EmployerAlias.key, Employer.id, Employer.website)
            .join(Employer, Employer.id == EmployerAlias.employer_id)
            .where(EmployerAlias.key.in_(list(named)))
        )
        for key, employer_id, website in self.session.execute(aliases):
            self.employers[key] = (employer_id, website is not None)
        new = [
            {"name": (row.employer or "").strip(), "key": key, "website": row.website}
            for key, row in named.items()
            if key not in self.employers
        ]
        if not new:
            return
        statement = insert_or_ignore(self.session, Employer, "key")
        self.session.execute(statement, [{**values, "created_at": self.now} for values in new])
        query = select(Employer.key, Employer.id, Employer.name, Employer.website)
        created = self.session.execute(query.where(Employer.key.in_([v["key"] for v in new])))
        pages = []
        for key, employer_id, name, website in created:
            self.employers[key] = (employer_id, website is not None)
            if self.app.settings.news_search_url:
                url = self.app.settings.news_search_url.replace("{query}", quote_plus(f'"{name}"'))
                pages.append(_source(url, "news_search", self.now, employer_id=employer_id))
        if pages:
            self.session.execute(insert_or_ignore(self.session, Source, "url"), pages)

    def _resolve_recruiters(self, rows: list[Line]) -> None:
        """Every owner the rows name into the cache: found, else created (once)."""
        wanted = {row.owner for _, row in rows if row.owner and row.owner not in self.recruiters}
        if not wanted:
            return
        query = select(Recruiter.email, Recruiter.id).where(Recruiter.email.in_(list(wanted)))
        for email, recruiter_id in self.session.execute(query):
            self.recruiters[email] = recruiter_id
        for email in sorted(wanted - set(self.recruiters)):
            self.recruiters[email] = recruiter_for_email(self.session, email, self.now).id

    def _fields(self, row: PoolRow) -> dict[str, Any]:
        """The member's columns as the row gives them; ValueError for an unusable employer."""
        employer_id = None
        if row.employer:
            key = company_key(row.employer)
            if not key:
                raise ValueError(f"the employer name {row.employer!r} has no letters or digits")
            employer_id = self._employer_id(key, row.website)
        fields: dict[str, Any] = {
            "name": row.name,
            "title": row.title,
            "city": row.city,
            "last_contact_on": row.last_contact,
            "last_topic": row.last_topic,
            "interests": row.interests,
            "next_action": row.next_action,
            "language": row.language,
            "profile_urls": row.profile_urls,
            "reason": row.reason,
            "employer_id": employer_id,
            "owner_id": self.recruiters[row.owner] if row.owner else None,
        }
        consent_until = row.consent_until
        if consent_until is None and row.consent_given_on is not None:
            consent_until = self.app.settings.pool_policy.retention.renewed_until(
                row.consent_given_on
            )
        optional = {
            "email": row.email,
            "external_id": row.external_id,
            "do_not_contact": row.do_not_contact,
            "consent_until": consent_until,
            "legal_basis": row.legal_basis,
            "consent_given_on": row.consent_given_on,
            "formal": row.formal,
        }
        fields.update((k, v) for k, v in optional.items() if v is not None)
        return fields

    def _employer_id(self, key: str, website: str | None) -> int:
        employer_id, has_website = self.employers[key]
        if website and not has_website:
            self.session.execute(
                update(Employer)
                .where(Employer.id == employer_id, Employer.website.is_(None))
                .values(website=website)
            )
            self.employers[key] = (employer_id, True)
        return employer_id

    def _insert(self, inserts: list[tuple[Line, dict[str, Any]]]) -> list[tuple[int | None, Line]]:
        """New members in one executemany INSERT (multi-row VALUES on PostgreSQL); the ids
        of those with profile pages, looked up after, with their rows."""
        if not inserts:
            return []
        stamps = {"created_at": self.now, "updated_at": self.now}
        values = [{**NEW_MEMBER, **fields, **stamps} for _, fields in inserts]
        self.session.execute(insert(MEMBERS), values)
        with_pages = [line for line, _ in inserts if line[1].profile_urls]
        found = self._members(with_pages) if with_pages else {}
        return [(_member_id(found, row), (line, row)) for line, row in with_pages]

    def _update(self, updates: list[dict[str, Any]]) -> None:
        """Changed members, one UPDATE by primary key per set of changed columns."""
        groups: dict[frozenset[str], list[dict[str, Any]]] = {}
        for values in updates:
            groups.setdefault(frozenset(values), []).append(values)
        for group in groups.values():
            self.session.execute(update(Member), group)

    def _stop_moments(self, member_ids: list[int]) -> None:
        """An objection stops the member's moments at once, those with a recruiter too
        (their deliveries not yet sent are then cancelled when claimed)."""
        if not member_ids:
            return
        self.session.execute(
            update(Moment)
            .where(
                Moment.member_id.in_(member_ids),
                Moment.status.in_(("pending", "deferred", "routed", "delivered")),
            )
            .values(
                status="suppressed",
                closed_at=self.now,
                reason="the member asked not to be contacted",
            )
        )

    def _add_profile_pages(self, members: Iterable[tuple[int | None, Line]]) -> None:
        """The rows' profile pages as sources (LinkedIn never: kept on the member only)."""
        pages = {
            url: member_id
            for member_id, (_, row) in members
            for url in (row.profile_urls or "").split()
            if "linkedin.com" not in url.lower()
        }
        if not pages:
            return
        values = [
            _source(url, PROFILE_PAGE, self.now, member_id=member_id)
            for url, member_id in pages.items()
        ]
        self.session.execute(insert_or_ignore(self.session, Source, "url"), values)


def _source(url: str, kind: str, now: datetime, **owner: int | None) -> dict[str, Any]:
    return {"url": url, "kind": kind, "next_poll_at": now, "created_at": now, **owner}


def _member_id(found: dict[str, dict[str, dict[str, Any]]], row: PoolRow) -> int | None:
    member = _existing(found, row)
    return int(member["id"]) if member else None


def _existing(current: dict[str, dict[str, dict[str, Any]]], row: PoolRow) -> dict[str, Any] | None:
    by_id = current["external_id"].get(row.external_id or "")
    by_email = current["email"].get(row.email or "")
    if by_id and by_email and by_id["id"] != by_email["id"]:
        raise ValueError(
            f"external id {row.external_id!r} and email belong to two different members"
        )
    return by_id or by_email
