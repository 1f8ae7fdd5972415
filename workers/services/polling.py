"""Poll: fetch a source with its validators, parse what changed, store new items once."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schedule import backoff, next_poll
from models.schema import Item, Source
from sources import PermanentError, SourceError
from sources.feeds import Entry, parse_feed
from sources.fetch import FetchResult
from sources.watch import PAGE_KINDS, observe_page
from workers.app import App
from workers.db import transaction
from workers.services.directory import source_selectors

log = structlog.get_logger(__name__)
_rng = random.Random()


def poll_source(app: App, source_id: int, now: datetime) -> list[int]:
    """Poll one source; return the ids of items stored for the first time."""
    with transaction(app.sessions) as session:
        source = session.get(Source, source_id)
        if source is None or not source.enabled:
            return []
        url, etag, last_modified = source.url, source.etag, source.last_modified
    try:
        result = app.fetcher.get(url, etag=etag, last_modified=last_modified)
        entries, outcome, snapshot = _changed_entries(app, source_id, result, now)
    except SourceError as exc:
        _record_failure(app, source_id, exc, now)
        return []
    with transaction(app.sessions) as session:
        source = session.get_one(Source, source_id)
        new_ids = _store_entries(session, source, entries, now, app.settings.max_item_age_days)
        source.etag = result.etag or source.etag
        source.last_modified = result.last_modified or source.last_modified
        if not result.not_modified:
            source.content_hash = _digest(result.body)
        if snapshot is not None:
            source.snapshot = snapshot
        source.last_status = outcome
        source.last_polled_at = now
        source.error_count = 0
        source.last_error = None
        source.next_poll_at = next_poll(now, timedelta(seconds=app.settings.poll_interval), _rng)
    log.info("source.polled", source_id=source_id, outcome=outcome, new_items=len(new_ids))
    return new_ids


def _changed_entries(
    app: App, source_id: int, result: FetchResult, now: datetime
) -> tuple[list[Entry], str, str | None]:
    """New entries, a status line, and the page's new snapshot (pages only)."""
    if result.not_modified:
        return [], "not modified", None
    with app.sessions() as session:
        source = session.get_one(Source, source_id)
        if source.content_hash == _digest(result.body):
            return [], "unchanged", None
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
            return entries, outcome, snapshot
    parsed = parse_feed(result.body, url=result.url, headers=result.headers)
    outcome = f"{len(parsed.entries)} entries" + (
        f" (salvaged: {parsed.problem})" if parsed.problem else ""
    )
    return parsed.entries, outcome[:200], None


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
    with transaction(app.sessions) as session:
        source = session.get_one(Source, source_id)
        source.error_count += 1
        source.last_error = str(exc)[:2000]
        source.last_status = (
            "permanent error" if isinstance(exc, PermanentError) else "transient error"
        )
        source.last_polled_at = now
        base = timedelta(seconds=min(app.settings.poll_interval, 900))
        source.next_poll_at = backoff(now, base, source.error_count, _rng)
    log.warning(
        "source.failed", source_id=source_id, error=type(exc).__name__, failures=source.error_count
    )


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
