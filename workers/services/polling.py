"""Poll: fetch sources politely, parse what changed, store new items once.

Sources are polled in batches: one query loads a batch, its fetches run at once on the
process's fetch pool, and every source that answered is recorded by one statement.
Polite: robots.txt is obeyed, requests per host are spaced and limited in number across
every worker, and Retry-After is honoured. Cheap: a 304 or an unchanged body costs no
parse, and a changed feed stores only the entries its last body did not have.
Self-healing: failures back off with jitter and recover on their own; a source that fails
permanently for days is disabled with its reason.
One source, one failure: whatever a source does (an exception anywhere, a number its
server sends, a row the database refuses) is that source's error, and the other sources
of the batch are recorded. Every number a server sends is clamped to the configured
bounds before date arithmetic or the database, and a source gives at most
KEEPWARM_MAX_ENTRIES_PER_POLL entries a poll and KEEPWARM_MAX_ITEMS_PER_DAY items a day
(the rest is counted in ``skipped_entries``).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

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
from models.schema import Employer, Item, Source
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

POLL_BATCH = 50
"""Sources per poll message: enough to share the queries, few enough to spread the work."""


@dataclass
class PollResult:
    """New items to detect."""

    new_items: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _State:
    id: int
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    seen_keys: str | None
    interval_seconds: int | None
    snapshot: str | None
    options: str | None
    employer_id: int | None
    employer_name: str | None


@dataclass
class _Fetched:
    entries: list[Entry]
    outcome: str
    snapshot: str | None = None
    hint: timedelta | None = None
    skipped: int = 0


@dataclass(frozen=True)
class _Busy:
    wait: float


@dataclass(frozen=True)
class _Unchanged:
    result: FetchResult


@dataclass(frozen=True)
class _Body:
    """A changed body, not parsed yet."""

    result: FetchResult
    digest: str


@dataclass(frozen=True)
class _Changed:
    result: FetchResult
    digest: str
    fetched: _Fetched


@dataclass(frozen=True)
class _Failed:
    error: SourceError


def poll_sources(app: App, source_ids: Sequence[int], now: datetime) -> PollResult:
    """Poll a batch of sources at once; record every outcome and each next poll."""
    states = _load(app, source_ids)
    # Fetches wait on the network, so they overlap on the fetch pool; parsing wants the
    # CPU, so it stays on this thread, one body at a time, as the fetches come back.
    fetches = (
        app.fetch_pool.map(partial(_fetch, app), states)
        if len(states) > 1
        else (_fetch(app, state) for state in states)
    )
    result = PollResult()
    unchanged: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    busy: list[dict[str, Any]] = []
    for state, fetched in zip(states, fetches, strict=True):
        try:
            outcome = (
                _parse(state, fetched, now, app.settings.max_entries_per_poll)
                if isinstance(fetched, _Body)
                else fetched
            )
            if isinstance(outcome, _Busy):
                # The host is busy: the source is due again when its slot frees, and the
                # scheduler takes it then (no retry spent, no message held back meanwhile).
                count("polls", HOST_BUSY)
                wait = bounded_seconds(outcome.wait, 1.0, app.settings.max_poll_interval)
                busy.append({"b_id": state.id, "b_next": now + timedelta(seconds=wait)})
            elif isinstance(outcome, _Unchanged):
                unchanged.append(_unchanged(app, state, outcome.result, now))
            elif isinstance(outcome, _Changed):
                new_items, row = _changed(app, state, outcome, now)
                result.new_items += new_items
                changed.append(row)
            else:
                _record_failure(app, state.id, outcome.error, now)
        except Exception as exc:  # a bug or a refused row: this source's error, not the batch's
            _record_failure(app, state.id, _failure(state, exc).error, now)
    _record_polled(app, now, busy=busy, unchanged=unchanged, changed=changed)
    log.info(
        "sources.polled",
        sources=len(states),
        unchanged=len(unchanged),
        changed=len(changed),
        busy=len(busy),
        new_items=len(result.new_items),
    )
    return result


def _record_polled(
    app: App,
    now: datetime,
    *,
    busy: list[dict[str, Any]],
    unchanged: list[dict[str, Any]],
    changed: list[dict[str, Any]],
) -> None:
    """Record the batch's answers by one statement each; should the database refuse the
    batch, row by row, so that only the row it refuses fails (as its source's error)."""
    statements = [
        (_BUSY, busy),
        (_POLLED.values(last_polled_at=now), unchanged),
        (_POLLED.values(last_polled_at=now, **_BODY), changed),
    ]
    statements = [(statement, rows) for statement, rows in statements if rows]
    if not statements:
        return
    try:
        with app.engine.begin() as connection:
            for statement, rows in statements:
                connection.execute(statement, rows)
        return
    except Exception:
        log.warning("sources.batch_refused", sources=sum(len(r) for _, r in statements))
    for statement, rows in statements:
        for row in rows:
            try:
                with app.engine.begin() as connection:
                    connection.execute(statement, [row])
            except Exception as exc:
                log.warning("source.record_refused", source_id=row["b_id"], exc_info=True)
                error = TransientError(f"internal error: {type(exc).__name__}")
                _record_failure(app, row["b_id"], error, now)


def poll_source(app: App, source_id: int, now: datetime) -> PollResult:
    """Poll one source (a batch of one)."""
    return poll_sources(app, [source_id], now)


def _load(app: App, source_ids: Sequence[int]) -> list[_State]:
    """What a poll needs to know of each enabled source, in one plain query."""
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(
                Source.id,
                Source.url,
                Source.kind,
                Source.etag,
                Source.last_modified,
                Source.content_hash,
                Source.seen_keys,
                Source.interval_seconds,
                Source.snapshot,
                Source.options,
                Source.employer_id,
                Employer.name,
            )
            .outerjoin(Employer, Employer.id == Source.employer_id)
            .where(Source.id.in_(source_ids), Source.enabled)
            .order_by(Source.id)
        ).all()
    return [_State(*tuple(row)) for row in rows]


def _fetch(app: App, state: _State) -> _Busy | _Unchanged | _Body | _Failed:
    """Fetch one source politely and tell a changed body from an unchanged one."""
    try:
        crawl_delay = bounded_seconds(
            app.robots.check(state.url) or 0.0, 0.0, app.settings.max_poll_interval
        )
        spacing = max(app.settings.host_interval, crawl_delay)
        result = _fetch_politely(app, state, spacing)
        if isinstance(result, float):
            return _Busy(result)
        if result.not_modified:
            return _Unchanged(result)
        digest = _digest(result.body)
        return _Unchanged(result) if digest == state.content_hash else _Body(result, digest)
    except Exception as exc:
        return _failure(state, exc)


def _parse(state: _State, body: _Body, now: datetime, max_entries: int) -> _Changed | _Failed:
    """The entries of a changed body."""
    started = time.thread_time()
    try:
        fetched = _changed_entries(state, body.result, now, max_entries)
        return _Changed(body.result, body.digest, fetched)
    except Exception as exc:
        return _failure(state, exc)
    finally:
        count("parse_cpu", state.kind, time.thread_time() - started)


def _failure(state: _State, exc: Exception) -> _Failed:
    """A source's error, to record; a bug on one source must not lose the batch."""
    if isinstance(exc, SourceError):
        return _Failed(exc)
    log.exception("source.poll_crashed", source_id=state.id)
    return _Failed(TransientError(f"internal error: {type(exc).__name__}"))


def _fetch_politely(app: App, state: _State, spacing: float) -> FetchResult | float:
    """GET within the host's limits: the result, or the seconds to wait for a free slot."""
    if spacing <= 0 and not app.settings.host_concurrency:
        return app.fetcher.get(state.url, etag=state.etag, last_modified=state.last_modified)
    host = urlsplit(state.url).netloc.lower()
    grant = app.hosts.acquire(host, spacing)
    if grant.wait > 0:
        return grant.wait
    try:
        return app.fetcher.get(state.url, etag=state.etag, last_modified=state.last_modified)
    finally:
        try:
            app.hosts.release(host, grant)
        except Exception:  # the slot's lease frees it; the fetch's own outcome stands
            log.warning("host.release_failed", source_id=state.id, exc_info=True)


def _unchanged(app: App, state: _State, result: FetchResult, now: datetime) -> dict[str, Any]:
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


def _changed(
    app: App, state: _State, changed: _Changed, now: datetime
) -> tuple[list[int], dict[str, Any]]:
    """Store a changed body's new entries; its row for the batch's update."""
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
    new_ids, over_cap = _store_entries(app, state.id, fresh, now) if fresh else ([], 0)
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
    return new_ids, row


def _polled_row(
    state: _State, result: FetchResult, now: datetime, interval: timedelta, status: str
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
HOST_BUSY = "host busy"
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


def _next_interval(app: App, state: _State, fetched: _Fetched) -> timedelta:
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


def _changed_entries(
    state: _State, result: FetchResult, now: datetime, max_entries: int
) -> _Fetched:
    """The entries of a changed body (a feed's, or a page's changes since its snapshot)."""
    if state.kind in PAGE_KINDS:
        employer = (
            (state.employer_id, state.employer_name or "")
            if state.employer_id is not None
            else None
        )
        entries, snapshot, outcome = observe_page(
            state.kind,
            result.body,
            url=result.url,
            previous=state.snapshot,
            selectors=source_selectors(state.options),
            employer=employer,
            now=now,
        )
        return _Fetched(entries, outcome, snapshot, hint=server_hint(result.headers, None, now))
    parsed = parse_feed(
        result.body, url=result.url, headers=result.headers, max_entries=max_entries
    )
    outcome = f"{len(parsed.entries)} entries" + (
        f" (salvaged: {parsed.problem})" if parsed.problem else ""
    )
    return _Fetched(
        parsed.entries,
        outcome[:200],
        hint=server_hint(result.headers, parsed.ttl, now),
        skipped=parsed.skipped,
    )


def _store_entries(
    app: App, source_id: int, entries: list[Entry], now: datetime
) -> tuple[list[int], int]:
    """Insert the entries this source never had (an entry can leave a feed and come
    back), no more than the day's cap; return the new items' ids, for detection, and how
    many the cap left out."""
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with app.engine.begin() as connection:
        stored_today = connection.scalar(
            select(func.count(Item.id)).where(Item.source_id == source_id, Item.fetched_at >= day)
        )
        room = max(0, app.settings.max_items_per_day - (stored_today or 0))
        known = set(
            connection.scalars(
                select(Item.key).where(
                    Item.source_id == source_id, Item.key.in_({e.key for e in entries})
                )
            )
        )
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
            return [], over_cap
        # One executemany: a statement psycopg prepares once, however many rows.
        connection.execute(insert(Item), rows)
        return list(
            connection.scalars(
                select(Item.id)
                .where(Item.source_id == source_id, Item.key.in_([r["key"] for r in rows]))
                .order_by(Item.id)
            )
        ), over_cap


def _record_failure(app: App, source_id: int, exc: SourceError, now: datetime) -> None:
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


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _fits(value: str | None, length: int) -> str | None:
    """A validator or link that fits its column; one too long is not kept (a cut ETag
    would never match, a cut link would lead nowhere)."""
    return value if value is None or len(value) <= length else None


def _short(key: str) -> str:
    """An entry's key cut to 64 bits: enough to tell one feed's entries apart."""
    return key[:16]
