"""Employers, recruiters and sources: finding or creating them by their natural keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote_plus

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.names import company_key
from models.schema import Employer, Recruiter, Source
from sources.discover import discover_feed
from workers.app import App
from workers.db import transaction
from workers.settings import Settings

SOURCE_KINDS = ("feed", "news_search")


def employer_named(
    session: Session, name: str, now: datetime, settings: Settings, *, website: str | None = None
) -> Employer:
    """The one employer for this name however it is spelled; created on first sight."""
    key = company_key(name)
    if not key:
        raise ValueError(f"the employer name {name!r} has no letters or digits")
    employer = session.scalars(select(Employer).where(Employer.key == key)).first()
    if employer is None:
        employer = Employer(name=name.strip(), key=key, website=website, created_at=now)
        session.add(employer)
        session.flush()
        if settings.news_search_url:
            url = settings.news_search_url.replace("{query}", quote_plus(f'"{employer.name}"'))
            add_source(session, url, now, kind="news_search", employer=employer)
    elif website and not employer.website:
        employer.website = website
    return employer


def recruiter_for_email(
    session: Session, email: str, now: datetime, *, name: str | None = None
) -> Recruiter:
    """The recruiter with this email address; created (by email) on first sight."""
    email = email.strip().lower()
    recruiter = session.scalars(select(Recruiter).where(Recruiter.email == email)).first()
    if recruiter is None:
        recruiter = Recruiter(
            name=name or email.split("@")[0], email=email, channel="email", created_at=now
        )
        session.add(recruiter)
        session.flush()
    return recruiter


def add_source(
    session: Session,
    url: str,
    now: datetime,
    *,
    kind: str = "feed",
    employer: Employer | None = None,
) -> tuple[Source, bool]:
    """Add a source (validated now, not at its first poll); return it and whether it is new."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"a source must be an http(s) URL, not {url[:80]!r}")
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source kind {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")
    source = session.scalars(select(Source).where(Source.url == url)).first()
    if source is not None:
        if employer is not None and source.employer_id is None:
            source.employer_id = employer.id
        return source, False
    source = Source(
        url=url,
        kind=kind,
        employer_id=employer.id if employer else None,
        next_poll_at=now,
        created_at=now,
    )
    session.add(source)
    session.flush()
    return source, True


@dataclass(frozen=True)
class Discovery:
    """The outcome of looking for one employer's feed."""

    employer_id: int
    website: str
    feed: str | None
    added: bool


def discover_sources(app: App, now: datetime) -> list[Discovery]:
    """Look for the feed of every employer with a website; add each feed found."""
    with app.sessions() as session:
        employers = session.execute(
            select(Employer.id, Employer.website)
            .where(Employer.website.is_not(None))
            .order_by(Employer.id)
        ).all()
    found: list[Discovery] = []
    for employer_id, website in employers:
        if not website:
            continue
        feed = discover_feed(app.fetcher, website)
        added = False
        if feed is not None:
            with transaction(app.sessions) as session:
                employer = session.get(Employer, employer_id)
                _, added = add_source(session, feed, now, employer=employer)
        found.append(Discovery(employer_id, website, feed, added))
    return found
