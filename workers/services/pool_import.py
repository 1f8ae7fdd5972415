"""Importing the pool from the spreadsheet recruiters keep, in batches.

The file is read as a stream and each row validated in Python (``pool_rows``). A batch of
up to ``BATCH_ROWS`` rows is one transaction: two queries find the members it names (by
external id, by email), employers and recruiters come from a cache filled once per import
(created, once, on first sight: ``pool_employers``), new members go in as one multi-row
INSERT, changed ones as one UPDATE by primary key per set of changed columns, profile pages
as one ``INSERT ... ON CONFLICT DO NOTHING`` (``pool_members``). Members are matched by
external id, else email: two unique keys, which one ON CONFLICT target cannot express, so
the batch looks them up first.

A batch the database refuses (a value too long for PostgreSQL, another import racing this
one) is written again row by row, each row its own transaction: the bad row is reported
with its line and nothing of it is written. A full disk is no row's fault: it stops the
import (DiskFullError). A batch is atomic, so an interrupted import run again finds the
committed batches' rows unchanged, which costs a lookup and no write.
"""

from __future__ import annotations

from collections import ChainMap
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models.names import company_key
from models.schema import Suppression
from workers.app import App
from workers.db import refresh_statistics, transaction
from workers.diskfull import database_full, disk_full_error
from workers.services.pool_employers import BatchNames
from workers.services.pool_members import (
    Line,
    add_profile_pages,
    existing,
    find_members,
    insert_members,
    stop_moments,
    update_members,
)
from workers.services.pool_rows import TOPIC_WARNING, PoolRow, parse_row, read_rows
from workers.services.privacy import Suppressed, is_suppressed
from workers.services.tables import ImportReport, Progress, Rejection, batched

log = structlog.get_logger(__name__)

BATCH_ROWS = 2000
TAKEN = "the email or external id belongs to another member"
REFUSED = "the database refused a value of this row"  # never the values: personal data


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
        self.created_since = self.analyzed_at = 0
        """New members since the planner's statistics were last refreshed, and how many
        the import had created then."""

    def write(self, rows: list[Line]) -> None:
        """Write the rows, a batch at a time; a refused batch again row by row."""
        while rows:
            try:
                rows = self._commit(rows)
            except DBAPIError as exc:
                # No row is at fault: row by row would reject them all
                if database_full(exc, self.app.settings.effective_database_url):
                    raise disk_full_error(self.app.settings.effective_database_url) from exc
                for row in rows:
                    self._write_alone(row)
                rows = []

    def _refresh_statistics(self, created: int) -> None:
        """ANALYZE the tables an import grows each time its new members doubled them.

        PostgreSQL plans a batch's lookups (2,000 external ids or emails) from its
        statistics; a table that grew from nothing without them (autovacuum off, or not yet
        run) is planned as tiny, and after five executions the prepared lookup keeps a
        generic plan that scans the whole table for each batch: seconds a batch at
        400,000 members, the import quadratic.
        """
        self.created_since += created
        if self.created_since < max(20_000, self.analyzed_at):
            return
        self.analyzed_at += self.created_since
        self.created_since = 0
        try:
            refresh_statistics(self.app.engine, "member", "employer", "source")
        except DBAPIError as exc:  # the batch is committed: statistics only speed up the next
            if database_full(exc, self.app.settings.effective_database_url):
                raise disk_full_error(self.app.settings.effective_database_url) from exc
            log.warning("pool_import.analyze_failed", error=type(exc).__name__)

    def _write_alone(self, row: Line) -> None:
        try:
            self._commit([row])
        except IntegrityError:
            self.report.rejected.append(Rejection(row[0], TAKEN))
        except DBAPIError as exc:
            if database_full(exc, self.app.settings.effective_database_url):
                raise disk_full_error(self.app.settings.effective_database_url) from exc
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
        self._refresh_statistics(sum(o == "created" for _, o in written.outcomes))
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
        self.names = BatchNames(
            session,
            importer.now,
            employers=employers,
            recruiters=recruiters,
            news_search_url=importer.app.settings.news_search_url,
        )
        self.written = _Written()

    def write(self, rows: list[Line]) -> _Written:
        """Insert, update or leave each row's member; collect what each row came to. Rows
        are checked before anything is written, so a rejected row (or one left for the
        next batch) creates no employer or recruiter."""
        current = find_members(self.session, [row for _, row in rows])
        suppressions = self.session.scalar(select(Suppression.id).limit(1)) is not None
        claimed: set[int] = set()
        seen: set[tuple[str, str]] = set()
        ready: list[tuple[Line, dict[str, Any] | None]] = []
        for index, (line, row) in enumerate(rows):
            try:
                member = existing(current, row)
                if member is None and suppressions and self._suppressed(row):
                    raise Suppressed
                if row.employer and not company_key(row.employer):
                    raise ValueError(f"the employer name {row.employer!r} has no letters or digits")
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
            if member is not None:
                claimed.add(member["id"])
            ready.append(((line, row), member))
        self.names.resolve([row for (_, row), _ in ready])
        inserts: list[tuple[Line, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        objections: list[int] = []
        sources: list[tuple[int | None, Line]] = []
        for (line, row), member in ready:
            fields = self._fields(row)
            if member is None:
                inserts.append(((line, row), fields))
                outcome = "created"
            else:
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
        self.names.store_websites()
        sources.extend(insert_members(self.session, inserts, self.now))
        update_members(self.session, updates)
        stop_moments(self.session, objections, self.now)
        add_profile_pages(self.session, sources, self.now)
        return self.written

    def _suppressed(self, row: PoolRow) -> bool:
        return is_suppressed(self.session, row.email, row.external_id)

    def _fields(self, row: PoolRow) -> dict[str, Any]:
        """The member's columns as the row gives them (``write`` checked its employer)."""
        employer_id = self.names.employer_id(row.employer, row.website) if row.employer else None
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
            "owner_id": self.names.owner_id(row.owner),
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
