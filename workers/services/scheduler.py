"""The scheduler's tick: claim due sources and re-derive every piece of owed work.

The database is the record; a tick enqueues what it says is owed, so work lost
by the broker is found again, and leases what it enqueued (``queued_at``), so a
backlog is not enqueued again on every tick. Safe to run in two schedulers at once:
due sources and owed rows are claimed with row locks that skip rows another holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, func, select, update

from models.schema import Delivery, Item, Moment, Signal, Source, Vacancy
from workers import events
from workers.app import App
from workers.db import transaction
from workers.services.checkins import create_check_ins
from workers.services.consent import run_consent_clock
from workers.services.detection import batches
from workers.services.operators import alert_dead_deliveries, alert_failing_sources
from workers.services.polling import HOST_BUSY, POLL_BATCH
from workers.services.stream import prune_events, publish_events

CLAIM_BATCH = 500
MAX_POLLS_PER_TICK = 50_000


@dataclass(frozen=True)
class Enqueue:
    """How a tick hands work on: one callable per stage, each taking an id (polls and
    detection take a batch of ids)."""

    poll: Callable[[list[int]], object]
    detect: Callable[[list[int]], object]
    plan: Callable[[int], object]
    route: Callable[[int], object]
    deliver: Callable[[int], object]
    match: Callable[[int], object]


def tick(
    app: App,
    now: datetime,
    enqueue: Enqueue,
    *,
    grace: timedelta = timedelta(minutes=5),
    broker_lost: bool = False,
) -> int:
    """Enqueue due polls and owed work older than ``grace``; return how many messages.

    ``broker_lost``: the broker came back without its messages (a Redis restarted empty):
    sources claimed by polls that never ran are due again at once, and every owed row is
    sent again now rather than after its lease."""
    if broker_lost:
        release_claimed_sources(app, now)
        grace = timedelta(0)
    sent = claimed = 0
    while claimed < MAX_POLLS_PER_TICK:
        batch = claim_due_sources(app, now, limit=POLL_BATCH)
        if batch:
            try:
                enqueue.poll(batch)
            except Exception:  # the broker is down: the batch is not claimed after all
                _unclaim(app, batch, now)
                raise
            sent += 1
            claimed += len(batch)
        if len(batch) < POLL_BATCH:
            break
    expire_moments(app, now)
    alert_failing_sources(app, now)
    alert_dead_deliveries(app, now)
    publish_events(app, now)
    prune_events(app, now)
    for moment_id in run_consent_clock(app, now):
        enqueue.route(moment_id)
        sent += 1
    for moment_id in create_check_ins(app, now):
        enqueue.route(moment_id)
        sent += 1
    stale = now - grace
    for stage in _owed(enqueue, now, stale):
        sent += stage.send(_lease(app, stage, now, stale))
    return sent


@dataclass(frozen=True)
class _Owed:
    """One stage's owed work: what is owed, since when, and in which order to send it."""

    send: Callable[[list[int]], int]
    model: Any
    owed: ColumnElement[bool]
    due_since: Any
    order: tuple[Any, ...]


def _owed(enqueue: Enqueue, now: datetime, stale: datetime) -> list[_Owed]:
    pending = (Moment.status == "pending") & (Moment.created_at <= stale)
    return [
        _Owed(
            partial(_in_batches, enqueue.detect),
            Item,
            Item.detected_at.is_(None) & (Item.fetched_at <= stale),
            Item.fetched_at,
            (Item.id,),
        ),
        _Owed(
            partial(_one_by_one, enqueue.plan),
            Signal,
            Signal.planned_at.is_(None) & (Signal.created_at <= stale),
            Signal.created_at,
            (Signal.id,),
        ),
        _Owed(
            partial(_one_by_one, enqueue.route),
            Moment,
            (pending | (Moment.status == "deferred")) & (Moment.not_before <= now),
            Moment.not_before,
            (Moment.priority.desc(), Moment.id),
        ),
        _Owed(
            partial(_one_by_one, enqueue.match),
            Vacancy,
            (Vacancy.status == "open")
            & Vacancy.matched_at.is_(None)
            & (Vacancy.updated_at <= stale),
            Vacancy.updated_at,
            (Vacancy.id,),
        ),
        _Owed(
            partial(_one_by_one, enqueue.deliver),
            Delivery,
            Delivery.status.in_(("pending", "failed", "sending"))
            & (Delivery.next_attempt_at <= now)
            & ((Delivery.status != "pending") | (Delivery.created_at <= stale)),
            Delivery.next_attempt_at,
            (Delivery.id,),
        ),
    ]


def _in_batches(send: Callable[[list[int]], object], ids: list[int]) -> int:
    for batch in batches(ids):
        send(batch)
    return len(batches(ids))


def _one_by_one(send: Callable[[int], object], ids: list[int]) -> int:
    for owed_id in ids:
        send(owed_id)
    return len(ids)


def _lease(app: App, stage: _Owed, now: datetime, stale: datetime) -> list[int]:
    """Lease up to CLAIM_BATCH of a stage's owed rows, fewer by those a recent tick sent
    and no worker has done yet: a backlog is sent once per lease, never once per tick.

    The lease is the grace period: a row the scheduler sent is sent again only when it is
    still owed ``grace`` later (its message was lost, say with a Redis that restarted
    empty), or when it fell due again after it was sent (a deferred moment, a delivery's
    next attempt, a vacancy edited). The database holds the lease, so it survives Redis.
    """
    model = stage.model
    leased = (model.queued_at > stale) & (model.queued_at >= stage.due_since)
    with transaction(app.sessions) as session:
        in_flight = session.scalar(
            select(func.count()).select_from(
                select(model.id).where(stage.owed, leased).limit(CLAIM_BATCH).subquery()
            )
        )
        room = CLAIM_BATCH - (in_flight or 0)
        if room <= 0:
            return []
        ids = list(
            session.scalars(
                select(model.id)
                .where(stage.owed, model.queued_at.is_(None) | ~leased)
                .order_by(*stage.order)
                .limit(room)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            session.execute(update(model).where(model.id.in_(ids)).values(queued_at=now))
    return ids


def _poll_lease(app: App) -> timedelta:
    """How far a claim moves a source's next poll: past any poll that is still running."""
    return timedelta(seconds=max(60, app.settings.poll_interval))


def _unclaim(app: App, source_ids: list[int], now: datetime) -> None:
    with transaction(app.sessions) as session:
        session.execute(update(Source).where(Source.id.in_(source_ids)).values(next_poll_at=now))


def release_claimed_sources(app: App, now: datetime) -> int:
    """Make due now the sources whose claim may have been lost with the broker's messages:
    those whose next poll is a claim's lease away from a time after their last poll. A
    source polled with an interval longer than the lease looks the same and is polled
    early once, which costs one conditional request."""
    lease = _poll_lease(app)
    with transaction(app.sessions) as session:
        rows = session.execute(
            select(Source.id, Source.last_polled_at, Source.next_poll_at).where(
                Source.enabled, Source.next_poll_at > now, Source.next_poll_at <= now + lease
            )
        ).all()
        ids = [
            source_id for source_id, polled, due in rows if polled is None or polled < due - lease
        ]
        for start in range(0, len(ids), CLAIM_BATCH):
            chunk = ids[start : start + CLAIM_BATCH]
            session.execute(update(Source).where(Source.id.in_(chunk)).values(next_poll_at=now))
    return len(ids)


def claim_due_sources(app: App, now: datetime, *, limit: int = CLAIM_BATCH) -> list[int]:
    """Take due sources and move their next poll forward, so no other tick takes them."""
    lease = now + _poll_lease(app)
    with transaction(app.sessions) as session:
        ids = list(
            session.scalars(
                select(Source.id)
                .where(Source.enabled, Source.next_poll_at <= now)
                .order_by(Source.next_poll_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if ids:
            session.execute(update(Source).where(Source.id.in_(ids)).values(next_poll_at=lease))
    return ids


def expire_moments(app: App, now: datetime) -> int:
    """Close moments whose window has passed (a routed one frees the member's slot), each
    with its closed event; in batches, so a backlog never makes one huge transaction."""
    total = 0
    while True:
        with transaction(app.sessions) as session:
            expired = list(
                session.scalars(
                    select(Moment)
                    .where(
                        Moment.status.in_(("pending", "deferred", "routed", "delivered")),
                        Moment.expires_at <= now,
                    )
                    .order_by(Moment.id)
                    .limit(CLAIM_BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for moment in expired:
                moment.status, moment.closed_at = "expired", now
                moment.reason = "the moment's window passed before anyone acted"
                events.record(session, moment, events.CLOSED, now, feedback=None)
        total += len(expired)
        if len(expired) < CLAIM_BATCH:
            return total


def next_put_off(app: App, now: datetime, horizon: timedelta) -> datetime | None:
    """When the next source put off by its busy host is due, if within ``horizon``."""
    with app.sessions() as session:
        return session.scalar(
            select(func.min(Source.next_poll_at)).where(
                Source.enabled,
                Source.last_status == HOST_BUSY,
                Source.next_poll_at <= now + horizon,
            )
        )
