"""The employers and owners (recruiters) a pool import names, resolved to ids.

They repeat across a file (a thousand members at one employer, one owner for a team), so
their ids are cached for the whole import; a batch looks up only the names the cache lacks,
and creates those it cannot find, once. The batch writes into its own layer of the cache
(a ``ChainMap`` child), which the import keeps only when the batch's transaction commits.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Iterable
from datetime import datetime
from typing import cast
from urllib.parse import quote_plus

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from models.names import company_key
from models.schema import Employer, EmployerAlias, Recruiter, Source
from workers.db import insert_or_ignore
from workers.services.directory import recruiter_for_email
from workers.services.pool_members import source_values
from workers.services.pool_rows import PoolRow


class BatchNames:
    """The employers and owners one batch names, found or created in its transaction."""

    def __init__(
        self,
        session: Session,
        now: datetime,
        *,
        employers: ChainMap[str, tuple[int, bool]],
        recruiters: ChainMap[str, int],
        news_search_url: str,
    ) -> None:
        self.session, self.now, self.news_search_url = session, now, news_search_url
        self.employers = employers
        """Employer key -> (id, has a website)."""
        self.recruiters = recruiters
        """Owner email -> recruiter id."""
        self.websites: dict[int, str] = {}
        """Employer id -> the website a row gave it, stored by ``store_websites``."""

    def resolve(self, rows: Iterable[PoolRow]) -> None:
        """Every employer and owner the rows name into the cache."""
        rows = list(rows)
        self._resolve_employers(rows)
        self._resolve_recruiters(rows)

    def employer_id(self, name: str, website: str | None) -> int:
        """A resolved employer's id, its website stored if it had none; ValueError for a
        name that cannot be an employer's."""
        key = company_key(name)
        if not key:
            raise ValueError(f"the employer name {name!r} has no letters or digits")
        employer_id, has_website = self.employers[key]
        if website and not has_website:
            self.websites[employer_id] = website
            self.employers[key] = (employer_id, True)
        return employer_id

    def store_websites(self) -> None:
        """The websites the batch gave employers that had none, in one UPDATE."""
        if not self.websites:
            return
        table = cast(Table, Employer.__table__)
        statement = (
            update(table)
            .where(table.c.id == bindparam("employer"), table.c.website.is_(None))
            .values(website=bindparam("site"))
        )
        rows = [{"employer": e, "site": site} for e, site in self.websites.items()]
        self.session.connection().execute(statement, rows)
        self.websites.clear()

    def owner_id(self, email: str | None) -> int | None:
        """A resolved owner's recruiter id; None for a row without an owner."""
        return self.recruiters[email] if email else None

    def _resolve_employers(self, rows: list[PoolRow]) -> None:
        """Found, else created (once)."""
        named: dict[str, PoolRow] = {}
        for row in rows:
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
            if self.news_search_url:
                url = self.news_search_url.replace("{query}", quote_plus(f'"{name}"'))
                pages.append(source_values(url, "news_search", self.now, employer_id=employer_id))
        if pages:
            self.session.execute(insert_or_ignore(self.session, Source, "url"), pages)

    def _resolve_recruiters(self, rows: list[PoolRow]) -> None:
        """Found, else created (once)."""
        wanted = {row.owner for row in rows if row.owner and row.owner not in self.recruiters}
        if not wanted:
            return
        query = select(Recruiter.email, Recruiter.id).where(Recruiter.email.in_(list(wanted)))
        for email, recruiter_id in self.session.execute(query):
            self.recruiters[email] = recruiter_id
        for email in sorted(wanted - set(self.recruiters)):
            self.recruiters[email] = recruiter_for_email(self.session, email, self.now).id
