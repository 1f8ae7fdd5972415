"""Store a poll's answers: new items once, each source's next poll, failures backed off."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import bindparam, case, func, insert, select, update

from models.schedule import (
    adaptive_interval,
    backoff,
    bounded_seconds,
    jittered,
    quieter,
    server_hint,
)
from models.schema import Item, Source
from sources import PermanentError, SourceError, TransientError
from sources.feeds import Entry
from sources.fetch import FetchResult
from sources.watch import PAGE_KINDS
from workers.app import App
from workers.db import transaction
from workers.diskfull import database_full, disk_full_error
from workers.metrics import count
from workers.services.polling.state import Changed, Fetched, SourceState

VACANCY_FEED = "vacancy_feed"  # workers.services.vacancies.VACANCY_FEED, without its imports

log = structlog.get_logger("workers.services.polling")
_rng = random.Random()

HOST_BUSY = "host busy"


@dataclass
class Answers:
    """A batch's answers, one row each, recorded together."""

    busy: list[dict[str, Any]]
    unchanged: list[dict[str, Any]]
    changed: list[dict[str, Any]]


def busy_row(state: SourceState, wait: float, now: datetime) -> dict[str, Any]:
    """The host is busy: the source is due again when its slot frees."""
    count("polls", HOST_BUSY)
    return {"b_id": state.id, "b_next": now + timedelta(seconds=wait)}


def unchanged_row(
    app: App, state: SourceState, result: FetchResult, now: datetime
) -> dict[str, Any]:
    """A 304 or an identical body: no parse, and a slightly longer interval."""
    settings = app.settings
    current = timedelta(seconds=state.interval_seconds or settings.poll_interval)
    hint = server_hint(result.headers, None, now)
    longest = timedelta(seconds=settings.max_poll_interval)
    interval = min(
        max(quieter(current, longest), hint or timedelta(seconds=settings.min_poll_interval)),
        longest,
    )
    status = "not modified" if result.not_modified else "unchanged"
    count("polls", status)
    return _polled_row(state, result, now, interval, status)


def store_changed(
    app: App, state: SourceState, changed: Changed, now: datetime
) -> tuple[list[int], list[int], dict[str, Any]]:
    """Store a changed body's new entries; the new and the undetected items, and its row
    for the batch's update."""
    fetched = changed.fetched
    entries = fetched.entries[: app.settings.max_entries_per_poll]
    skipped = fetched.skipped + len(fetched.entries) - len(entries)
    keys = [_short(entry.key) for entry in entries]
    seen = set((state.seen_keys or "").split())
    oldest_news = now - timedelta(days=app.settings.max_item_age_days)
    # Entries older than the news horizon are never news, now or later: not stored.
    fresh = [
        entry
        for entry, key in zip(entries, keys, strict=True)
        if key not in seen and not (entry.published_at and entry.published_at < oldest_news)
    ]
    if _is_baseline(app, state):
        fresh = []  # a new source's back catalogue is news for no one: its keys are the baseline
    new_ids, undetected, over_cap = (
        _store_entries(app, state.id, fresh, now) if fresh else ([], [], 0)
    )
    skipped += over_cap
    interval = _next_interval(app, state, fetched)
    row = _polled_row(state, changed.result, now, interval, fetched.outcome)
    row.update(
        b_hash=changed.digest,
        b_seen=" ".join(dict.fromkeys(keys)),
        b_snapshot=fetched.snapshot if fetched.snapshot is not None else state.snapshot,
        b_skipped=skipped,
    )
    log.debug("source.polled", source_id=state.id, outcome=fetched.outcome[:40], new=len(new_ids))
    count("polls", "changed")
    return new_ids, undetected, row


def _is_baseline(app: App, state: SourceState) -> bool:
    """The first body of a new source (none recorded yet), when baselines are on; a
    vacancy feed's entries are open vacancies, never a baseline."""
    return (
        app.settings.first_poll_baseline
        and state.content_hash is None
        and state.kind != VACANCY_FEED
    )


def record_polled(app: App, now: datetime, answers: Answers) -> None:
    """Record the batch's answers by one statement each; should the database refuse the
    batch, row by row, so that only the row it refuses fails (as its source's error)."""
    statements = [
        (_BUSY, answers.busy),
        (_POLLED.values(last_polled_at=now), answers.unchanged),
        (_POLLED.values(last_polled_at=now, **_BODY), answers.changed),
    ]
    statements = [(statement, rows) for statement, rows in statements if rows]
    if not statements:
        return
    try:
        with app.engine.begin() as connection:
            for statement, rows in statements:
                connection.execute(statement, rows)
        return
    except Exception as exc:
        # No row is at fault: row by row would blame each source
        if database_full(exc, app.settings.effective_database_url):
            raise disk_full_error(app.settings.effective_database_url) from exc
        log.warning("sources.batch_refused", sources=sum(len(r) for _, r in statements))
    for statement, rows in statements:
        for row in rows:
            try:
                with app.engine.begin() as connection:
                    connection.execute(statement, [row])
            except Exception as exc:
                log.warning("source.record_refused", source_id=row["b_id"], exc_info=True)
                error = TransientError(f"internal error: {type(exc).__name__}")
                record_failure(app, row["b_id"], error, now)


def _polled_row(
    state: SourceState, result: FetchResult, now: datetime, interval: timedelta, status: str
) -> dict[str, Any]:
    return {
        "b_id": state.id,
        "b_etag": _fits(result.etag, 500) or state.etag,
        "b_last_modified": _fits(result.last_modified, 100) or state.last_modified,
        "b_status": status[:200],
        # Clamped again: the column is a 32-bit integer on PostgreSQL.
        "b_interval": int(bounded_seconds(interval.total_seconds(), 1, 2**31 - 1)),
        "b_next": now + jittered(interval, _rng),
    }


_POLLED = (
    update(Source)
    .where(Source.id == bindparam("b_id"))
    .values(
        etag=bindparam("b_etag"),
        last_modified=bindparam("b_last_modified"),
        last_status=bindparam("b_status"),
        error_count=0,
        last_error=None,
        failing_since=None,
        alerted_at=None,
        interval_seconds=bindparam("b_interval"),
        next_poll_at=bindparam("b_next"),
    )
)
"""Every source of a batch that answered, recorded by one statement (one more for those
whose body changed, with what the next poll compares against)."""
_BUSY = (
    update(Source)
    .where(Source.id == bindparam("b_id"))
    .values(
        next_poll_at=bindparam("b_next"),
        # A failing source keeps its error as its status; its backoff decides its next try.
        last_status=case((Source.failing_since.is_(None), HOST_BUSY), else_=Source.last_status),
    )
)
_BODY: dict[str, Any] = {
    "content_hash": bindparam("b_hash"),
    "seen_keys": bindparam("b_seen"),
    "snapshot": bindparam("b_snapshot"),
    "skipped_entries": Source.skipped_entries + bindparam("b_skipped"),
}


def _next_interval(app: App, state: SourceState, fetched: Fetched) -> timedelta:
    """From the feed's own entry dates (a page's from the changes seen so far), the
    server's hints and the configured bounds."""
    settings = app.settings
    if state.kind in PAGE_KINDS:
        with app.engine.connect() as connection:
            dates = connection.scalars(
                select(Item.published_at)
                .where(Item.source_id == state.id, Item.published_at.is_not(None))
                .order_by(Item.published_at.desc())
                .limit(11)
            ).all()
    else:
        dates = [e.published_at for e in fetched.entries]
    recent = sorted((t for t in dates if t is not None), reverse=True)
    return adaptive_interval(
        entry_times=recent[:11],
        hint=fetched.hint,
        default=timedelta(seconds=settings.poll_interval),
        minimum=timedelta(seconds=settings.min_poll_interval),
        maximum=timedelta(seconds=settings.max_poll_interval),
    )


def _store_entries(
    app: App, source_id: int, entries: list[Entry], now: datetime
) -> tuple[list[int], list[int], int]:
    """Insert the entries this source never had (an entry can leave a feed and come
    back), no more than the day's cap; return the new items' ids, the ids of these
    entries stored before but never detected (the poll that stored them died before it
    handed them on), and how many the cap left out."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with app.engine.begin() as connection:
        stored_today = connection.scalar(
            select(func.count(Item.id)).where(Item.source_id == source_id, Item.fetched_at >= day)
        )
        room = max(0, app.settings.max_items_per_day - (stored_today or 0))
        stored = connection.execute(
            select(Item.key, Item.id, Item.detected_at).where(
                Item.source_id == source_id, Item.key.in_({e.key for e in entries})
            )
        ).all()
        known = {key for key, _, _ in stored}
        # Detection is idempotent: handing these on again is harmless.
        undetected = [item_id for _, item_id, detected_at in stored if detected_at is None]
        rows = []
        for entry in entries:
            if entry.key in known:
                continue
            known.add(entry.key)
            rows.append(
                {
                    "source_id": source_id,
                    "key": entry.key,
                    "title": entry.title[:2000],
                    "link": _fits(entry.link, 2000),
                    "summary": entry.summary[:20000],
                    "payload": entry.payload,
                    "published_at": entry.published_at,
                    "fetched_at": now,
                }
            )
        over_cap = max(0, len(rows) - room)
        rows = rows[:room]
        if not rows:
            return [], undetected, over_cap
        # One executemany: a statement psycopg prepares once, however many rows.
        connection.execute(insert(Item), rows)
        return (
            list(
                connection.scalars(
                    select(Item.id)
                    .where(Item.source_id == source_id, Item.key.in_([r["key"] for r in rows]))
                    .order_by(Item.id)
                )
            ),
            undetected,
            over_cap,
        )


def release(app: App, source_ids: Sequence[int], now: datetime) -> None:
    """Make a batch's sources due again (their claim moved them a lease ahead), when the
    batch could not be recorded; should even that fail, they are due when the lease ends."""
    try:
        with app.engine.begin() as connection:
            connection.execute(
                update(Source).where(Source.id.in_(list(source_ids))).values(next_poll_at=now)
            )
    except Exception as exc:
        log.warning("sources.not_released", sources=len(source_ids), error=type(exc).__name__)


def record_failure(app: App, source_id: int, exc: SourceError, now: datetime) -> None:
    """Back off (longer after each failure, at least Retry-After); disable after days of
    permanent failure. Should even that fail, it is logged: the batch goes on."""
    try:
        _back_off(app, source_id, exc, now)
    except Exception:
        log.exception("source.failure_not_recorded", source_id=source_id)


def _back_off(app: App, source_id: int, exc: SourceError, now: datetime) -> None:
    settings = app.settings
    with transaction(app.sessions) as session:
        source = session.get(Source, source_id)
        if source is None:  # deleted while it was polled
            return
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
            wait = bounded_seconds(exc.retry_after, 0, settings.max_poll_interval)
            next_poll = max(next_poll, now + timedelta(seconds=wait))
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


def _fits(value: str | None, length: int) -> str | None:
    """A validator or link that fits its column; one too long is not kept (a cut ETag
    would never match, a cut link would lead nowhere)."""
    return value if value is None or len(value) <= length else None


def _short(key: str) -> str:
    """An entry's key cut to 64 bits: enough to tell one feed's entries apart."""
    return key[:16]
