"""Poll: fetch a source politely, parse what changed, store new items once.

Polite: robots.txt is obeyed and one request per host per interval is shared by every
worker; Retry-After is honoured. Cheap: a 304 or an unchanged body costs no parse.
Self-healing: failures back off with jitter and recover on their own; a source that
fails permanently for days is disabled with its reason.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schedule import adaptive_interval, backoff, jittered, quieter, server_hint
from models.schema import Item, Source
from sources import PermanentError, SourceError, TransientError
from sources.feeds import Entry, parse_feed
from sources.fetch import FetchResult
from sources.watch import PAGE_KINDS, observe_page
from workers.app import App
from workers.db import transaction
from workers.metrics import count
from workers.services.directory import source_selectors

log = structlog.get_logger(__name__)
_rng = random.Random()


@dataclass
class PollResult:
    """New items to detect, or how long to wait for the host before polling."""

    new_items: list[int] = field(default_factory=list)
    retry_in: float | None = None


@dataclass
class _Fetched:
    entries: list[Entry]
    outcome: str
    snapshot: str | None = None
    hint: timedelta | None = None


@dataclass(frozen=True)
class _State:
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    interval_seconds: int | None


def poll_source(app: App, source_id: int, now: datetime) -> PollResult:
    """Poll one source unless its host is busy; record the outcome and the next poll."""
    state = _load(app, source_id)
    if state is None:
        return PollResult()
    url, etag, last_modified = state.url, state.etag, state.last_modified
    try:
        crawl_delay = app.robots.check(url)
        spacing = max(app.settings.host_interval, crawl_delay or 0)
        wait = app.hosts.acquire(urlsplit(url).netloc.lower(), spacing) if spacing > 0 else 0.0
        if wait > 0:
            count("polls", "host busy")
            return PollResult(retry_in=wait)
        result = app.fetcher.get(url, etag=etag, last_modified=last_modified)
        digest = None if result.not_modified else _digest(result.body)
        if digest is None or digest == state.content_hash:
            _record_unchanged(app, source_id, state, result, now)
            return PollResult()
        fetched = _changed_entries(app, source_id, result, now)
    except SourceError as exc:
        _record_failure(app, source_id, exc, now)
        return PollResult()
    with transaction(app.sessions) as session:
        source = session.get_one(Source, source_id)
        new_ids = _store_entries(
            session, source, fetched.entries, now, app.settings.max_item_age_days
        )
        source.etag = result.etag or source.etag
        source.last_modified = result.last_modified or source.last_modified
        source.content_hash = digest
        if fetched.snapshot is not None:
            source.snapshot = fetched.snapshot
        interval = _next_interval(app, session, source, fetched)
        source.interval_seconds = int(interval.total_seconds())
        source.last_status, source.last_polled_at = fetched.outcome, now
        source.error_count, source.last_error, source.failing_since, source.alerted_at = (
            0,
            None,
            None,
            None,
        )
        source.next_poll_at = now + jittered(interval, _rng)
    log.info(
        "source.polled", source_id=source_id, outcome=fetched.outcome[:40], new_items=len(new_ids)
    )
    count("polls", "changed")
    return PollResult(new_items=new_ids)


def _load(app: App, source_id: int) -> _State | None:
    """What a poll needs to know of an enabled source (one plain query: most polls stop at
    a 304, so the common path stays cheap)."""
    with app.engine.connect() as connection:
        row = connection.execute(
            select(
                Source.url,
                Source.etag,
                Source.last_modified,
                Source.content_hash,
                Source.interval_seconds,
            ).where(Source.id == source_id, Source.enabled)
        ).first()
    return _State(*row) if row is not None else None


def _record_unchanged(
    app: App, source_id: int, state: _State, result: FetchResult, now: datetime
) -> None:
    """A 304 or an identical body: no parse, one update, and a slightly longer interval."""
    settings = app.settings
    current = timedelta(seconds=state.interval_seconds or settings.poll_interval)
    hint = server_hint(dict(result.headers), None, now)
    interval = max(
        quieter(current, timedelta(seconds=settings.max_poll_interval)),
        hint or timedelta(seconds=settings.min_poll_interval),
    )
    with app.engine.begin() as connection:
        connection.execute(
            update(Source)
            .where(Source.id == source_id)
            .values(
                etag=result.etag or state.etag,
                last_modified=result.last_modified or state.last_modified,
                last_status="not modified" if result.not_modified else "unchanged",
                last_polled_at=now,
                error_count=0,
                last_error=None,
                failing_since=None,
                alerted_at=None,
                interval_seconds=int(interval.total_seconds()),
                next_poll_at=now + jittered(interval, _rng),
            )
        )
    outcome = "not modified" if result.not_modified else "unchanged"
    log.info("source.polled", source_id=source_id, outcome=outcome)
    count("polls", outcome)


def _next_interval(app: App, session: Session, source: Source, fetched: _Fetched) -> timedelta:
    settings = app.settings
    bounds = (
        timedelta(seconds=settings.min_poll_interval),
        timedelta(seconds=settings.max_poll_interval),
    )
    recent = session.scalars(
        select(Item.published_at)
        .where(Item.source_id == source.id, Item.published_at.is_not(None))
        .order_by(Item.published_at.desc())
        .limit(11)
    ).all()
    return adaptive_interval(
        entry_times=[t for t in recent if t is not None],
        hint=fetched.hint,
        default=timedelta(seconds=settings.poll_interval),
        minimum=bounds[0],
        maximum=bounds[1],
    )


def _changed_entries(app: App, source_id: int, result: FetchResult, now: datetime) -> _Fetched:
    """The entries of a changed body (a feed's, or a page's changes since its snapshot)."""
    hint = server_hint(dict(result.headers), None, now)
    with app.sessions() as session:
        source = session.get_one(Source, source_id)
        if source.kind in PAGE_KINDS:
            employer = (source.employer.id, source.employer.name) if source.employer else None
            entries, snapshot, outcome = observe_page(
                source.kind,
                result.body,
                url=result.url,
                previous=source.snapshot,
                selectors=source_selectors(source.options),
                employer=employer,
                now=now,
            )
            return _Fetched(entries, outcome, snapshot, hint=hint)
    parsed = parse_feed(result.body, url=result.url, headers=result.headers)
    outcome = f"{len(parsed.entries)} entries" + (
        f" (salvaged: {parsed.problem})" if parsed.problem else ""
    )
    return _Fetched(
        parsed.entries,
        outcome[:200],
        hint=server_hint(dict(result.headers), parsed.ttl, now),
    )


def _store_entries(
    session: Session, source: Source, entries: list[Entry], now: datetime, max_age_days: int
) -> list[int]:
    if not entries:
        return []
    keys = {e.key for e in entries}
    known = set(
        session.scalars(select(Item.key).where(Item.source_id == source.id, Item.key.in_(keys)))
    )
    oldest_news = now - timedelta(days=max_age_days)
    new_items: list[Item] = []
    for entry in entries:
        if entry.key in known:
            continue
        known.add(entry.key)
        # Old entries are kept so they are never news later, but are not detected.
        stale = entry.published_at is not None and entry.published_at < oldest_news
        item = Item(
            source_id=source.id,
            key=entry.key,
            title=entry.title[:2000],
            link=entry.link,
            summary=entry.summary[:20000],
            payload=entry.payload,
            published_at=entry.published_at,
            fetched_at=now,
            detected_at=now if stale else None,
        )
        session.add(item)
        new_items.append(item)
    session.flush()
    return [i.id for i in new_items if i.detected_at is None]


def _record_failure(app: App, source_id: int, exc: SourceError, now: datetime) -> None:
    """Back off (longer after each failure, at least Retry-After); disable after days of
    permanent failure."""
    settings = app.settings
    with transaction(app.sessions) as session:
        source = session.get_one(Source, source_id)
        source.error_count += 1
        source.failing_since = source.failing_since or now
        source.last_error = str(exc)[:2000]
        permanent = isinstance(exc, PermanentError)
        source.last_status = "permanent error" if permanent else "transient error"
        count("polls", source.last_status)
        source.last_polled_at = now
        base = timedelta(seconds=min(settings.poll_interval, 900))
        next_poll = backoff(now, base, source.error_count, _rng)
        if isinstance(exc, TransientError) and exc.retry_after:
            next_poll = max(next_poll, now + timedelta(seconds=exc.retry_after))
        source.next_poll_at = next_poll
        if permanent and now - source.failing_since >= timedelta(days=settings.disable_after_days):
            source.enabled = False
            source.disabled_reason = (
                f"failing since {source.failing_since:%Y-%m-%d}: {source.last_error}"[:2000]
            )
        disabled = not source.enabled
    log.warning(
        "source.failed",
        source_id=source_id,
        error=type(exc).__name__,
        failures=source.error_count,
        disabled=disabled,
    )


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
