"""Employers, recruiters and sources: finding or creating them by their natural keys."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from urllib.parse import quote_plus

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.names import EMAIL, company_key
from models.schema import Employer, EmployerAlias, Member, Recruiter, Source
from sources.discover import discover_feed
from sources.pages import Selectors
from sources.watch import PROFILE_PAGE, TEAM_PAGE
from workers.app import App
from workers.db import transaction
from workers.settings import Settings
from workers.webhooks import FORMATS, Network, check_endpoint, format_for, new_secret

SOURCE_KINDS = ("feed", "news_search", "vacancy_feed", TEAM_PAGE, PROFILE_PAGE)


def employer_named(
    session: Session, name: str, now: datetime, settings: Settings, *, website: str | None = None
) -> Employer:
    """The one employer for this name however it is spelled; created on first sight."""
    key = company_key(name)
    if not key:
        raise ValueError(f"the employer name {name!r} has no letters or digits")
    employer = session.scalars(select(Employer).where(Employer.key == key)).first()
    if employer is None:
        alias = session.scalars(select(EmployerAlias).where(EmployerAlias.key == key)).first()
        employer = session.get(Employer, alias.employer_id) if alias else None
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


DAY_NAMES = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "ma", "maandag", "monday"),
            ("tue", "di", "dinsdag", "tuesday"),
            ("wed", "wo", "woensdag", "wednesday"),
            ("thu", "do", "donderdag", "thursday"),
            ("fri", "vr", "vrijdag", "friday"),
            ("sat", "za", "zaterdag", "saturday"),
            ("sun", "zo", "zondag", "sunday"),
        ]
    )
    for name in names
}


@dataclass(frozen=True, kw_only=True)
class RecruiterSettings:
    """What ``keepwarm recruiters add`` may set; None keeps the current value."""

    name: str | None = None
    webhook_url: str | None = None
    capacity: int | None = None
    hours: str | None = None
    days: str | None = None
    timezone: str | None = None
    areas: str | None = None
    language: str | None = None
    alerts: str | None = None
    admin: bool | None = None
    webhook_format: str | None = None
    """standard, slack or teams; None: from the webhook URL's host."""


def configure_recruiter(
    session: Session,
    email: str,
    now: datetime,
    wanted: RecruiterSettings,
    *,
    allowed_networks: Sequence[Network] = (),
) -> Recruiter:
    """Create or update a recruiter; every value is validated before anything is written.
    A webhook URL must be https (http only inside ``allowed_networks``); a signed
    (standard) endpoint gets a secret the first time."""
    if not EMAIL.match(email):
        raise ValueError(f"{email!r} is not an email address")
    if wanted.webhook_url is not None:
        check_endpoint(wanted.webhook_url, allowed_networks)
    if wanted.webhook_format not in (None, *FORMATS):
        raise ValueError(f"the webhook format must be one of {', '.join(FORMATS)}")
    if wanted.language not in (None, "nl", "en"):
        raise ValueError("the language must be nl or en")
    if wanted.alerts not in (None, "immediate", "daily", "weekly"):
        raise ValueError("alerts must be immediate, daily or weekly")
    start, end = _hours(wanted.hours) if wanted.hours else (None, None)
    days = _days(wanted.days) if wanted.days else None
    recruiter = recruiter_for_email(session, email, now, name=wanted.name)
    values = {
        "name": wanted.name,
        "weekly_capacity": wanted.capacity,
        "work_start": start,
        "work_end": end,
        "work_days": days,
        "timezone": wanted.timezone,
        "areas": wanted.areas,
        "language": wanted.language,
        "alerts": wanted.alerts,
        "admin": wanted.admin,
    }
    for field_name, value in values.items():
        if value is not None:
            setattr(recruiter, field_name, value)
    if wanted.webhook_url is not None:
        recruiter.channel, recruiter.webhook_url = "webhook", wanted.webhook_url
        recruiter.webhook_format = wanted.webhook_format or format_for(wanted.webhook_url)
    elif wanted.webhook_format is not None:
        recruiter.webhook_format = wanted.webhook_format
    if recruiter.channel == "webhook" and recruiter.webhook_secret is None:
        recruiter.webhook_secret = new_secret()
    from workers.services.routing import working_week

    working_week(recruiter)  # raises ValueError for an impossible week or timezone
    return recruiter


def _hours(raw: str) -> tuple[str, str]:
    start, sep, end = raw.partition("-")
    try:
        opens, closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
    except ValueError:
        raise ValueError(f"working hours {raw!r} are not HH:MM-HH:MM") from None
    if not sep or opens >= closes:
        raise ValueError(f"working hours {raw!r} must start before they end")
    return f"{opens:%H:%M}", f"{closes:%H:%M}"


def _days(raw: str) -> str:
    numbers: set[int] = set()
    for part in raw.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        try:
            lo = int(first) if first.isdigit() else DAY_NAMES[first]
            hi = (int(last) if last.isdigit() else DAY_NAMES[last]) if last else lo
        except KeyError:
            raise ValueError(f"working days {raw!r}: use mon..sun (or ma..zo) or 0..6") from None
        numbers.update(range(lo, hi + 1))
    return ",".join(str(n) for n in sorted(numbers))


def add_source(
    session: Session,
    url: str,
    now: datetime,
    *,
    kind: str = "feed",
    employer: Employer | None = None,
    member: Member | None = None,
    selectors: Mapping[str, str] | None = None,
) -> tuple[Source, bool]:
    """Add a source (validated now, not at its first poll); return it and whether it is new."""
    url = url.strip()
    options = validate_source(url, kind, employer=employer, member=member, selectors=selectors)
    source = session.scalars(select(Source).where(Source.url == url)).first()
    if source is not None:
        if employer is not None and source.employer_id is None:
            source.employer_id = employer.id
        return source, False
    source = Source(
        url=url,
        kind=kind,
        employer_id=employer.id if employer else None,
        member_id=member.id if member else None,
        options=options,
        next_poll_at=now,
        created_at=now,
    )
    session.add(source)
    session.flush()
    return source, True


def validate_source(
    url: str,
    kind: str,
    *,
    employer: Employer | None,
    member: Member | None,
    selectors: Mapping[str, str] | None,
) -> str | None:
    """Check a source's URL, kind and options; return its options as JSON."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"a source must be an http(s) URL, not {url[:80]!r}")
    if kind not in SOURCE_KINDS:
        raise ValueError(f"unknown source kind {kind!r}; expected one of {', '.join(SOURCE_KINDS)}")
    if "linkedin.com" in url.lower():
        raise ValueError("LinkedIn pages are not watched: their terms forbid scraping")
    if kind == TEAM_PAGE and employer is None:
        raise ValueError("a team page needs --employer: whose team it lists")
    if kind == PROFILE_PAGE and member is None:
        raise ValueError("a profile page needs --member: whose profile it is")
    if not selectors:
        return None
    if kind not in (TEAM_PAGE, PROFILE_PAGE):
        raise ValueError("CSS selectors apply to team and profile pages only")
    Selectors.from_mapping(selectors)
    return json.dumps({"selectors": dict(selectors)}, sort_keys=True)


def source_selectors(options: str | None) -> Selectors | None:
    """The CSS selectors stored with a page source, if any."""
    if not options:
        return None
    raw = json.loads(options).get("selectors")
    return Selectors.from_mapping(raw) if raw else None


def find_member(session: Session, reference: str) -> Member:
    """A member by email or external id; ValueError when there is none."""
    member = session.scalars(
        select(Member).where(
            (Member.email == reference.lower()) | (Member.external_id == reference)
        )
    ).first()
    if member is None:
        raise ValueError(f"no member has the email or external id {reference!r}")
    return member


def member_by_reference(session: Session, reference: str) -> Member:
    """A member by email or external id first (numeric ids from an ATS are common), then
    by keepwarm's own id; ValueError when none matches."""
    try:
        return find_member(session, reference)
    except ValueError:
        member = session.get(Member, int(reference)) if reference.isdigit() else None
    if member is None:
        raise ValueError(f"no member has the email, external id or id {reference!r}")
    return member


def add_alias(session: Session, employer: Employer, alias: str) -> EmployerAlias:
    """Record another name of an employer, so that news using it is matched."""
    key = company_key(alias)
    if not key:
        raise ValueError(f"the alias {alias!r} has no letters or digits")
    taken = session.scalars(select(Employer).where(Employer.key == key)).first()
    if taken is not None and taken.id != employer.id:
        raise ValueError(f"{alias!r} is already the name of employer {taken.id}")
    existing = session.scalars(select(EmployerAlias).where(EmployerAlias.key == key)).first()
    if existing is not None:
        if existing.employer_id != employer.id:
            raise ValueError(f"{alias!r} is already an alias of employer {existing.employer_id}")
        return existing
    alias_row = EmployerAlias(employer_id=employer.id, name=alias.strip(), key=key)
    session.add(alias_row)
    session.flush()
    return alias_row


@dataclass(frozen=True)
class Discovery:
    """The outcome of looking for one employer's feed."""

    employer_id: int
    website: str
    feed: str | None
    added: bool
    refused: tuple[str, ...] = ()
    """Pages that could not be read and why (the website itself, robots.txt, host
    limits): ``url: reason``."""


def discover_sources(app: App, now: datetime) -> list[Discovery]:
    """Look for the feed of every employer with a website; add each feed found.

    Pages are fetched as polling fetches them: robots.txt first, within the host's limits.
    """
    from workers.services.polling.politeness import polite_get  # polling imports this module

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
        search = discover_feed(partial(polite_get, app), website)
        added = False
        if search.feed is not None:
            with transaction(app.sessions) as session:
                employer = session.get(Employer, employer_id)
                _, added = add_source(session, search.feed, now, employer=employer)
        found.append(Discovery(employer_id, website, search.feed, added, search.refused))
    return found


def rotate_webhook_secret(
    session: Session, email: str, now: datetime, *, overlap: timedelta
) -> str:
    """A new secret for the recruiter's webhook; the old one still signs until ``overlap``
    has passed, so receivers can switch without missing a delivery."""
    recruiter = session.scalar(select(Recruiter).where(Recruiter.email == email.strip().lower()))
    if recruiter is None or recruiter.channel != "webhook":
        raise ValueError(f"no recruiter {email!r} receives webhooks")
    if overlap < timedelta(0) or overlap > timedelta(days=30):
        raise ValueError("the overlap is between 0 and 30 days")
    recruiter.webhook_secret_previous = recruiter.webhook_secret
    recruiter.webhook_previous_until = now + overlap
    recruiter.webhook_secret = new_secret()
    return recruiter.webhook_secret


def recruiter_language(app: App, recruiter_id: int) -> str:
    """The language a recruiter reads keepwarm in ("en" if unknown)."""
    with app.sessions() as session:
        language = session.scalar(select(Recruiter.language).where(Recruiter.id == recruiter_id))
    return language or "en"


def webhook_secret_of(session: Session, email: str) -> str | None:
    """The recruiter's current webhook secret, if they have one."""
    return session.scalar(
        select(Recruiter.webhook_secret).where(Recruiter.email == email.strip().lower())
    )
