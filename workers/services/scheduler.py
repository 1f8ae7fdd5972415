"""The scheduler's tick: claim due sources and re-derive every piece of owed work.

The database is the record; a tick enqueues what it says is owed, so work lost
by the broker is found again. Safe to run in two schedulers at once: due sources
are claimed with row locks that skip rows another scheduler holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from models.schema import Delivery, Item, Moment, Signal, Source, Vacancy
from workers import events
from workers.app import App
from workers.db import transaction
from workers.services.checkins import create_check_ins
from workers.services.consent import run_consent_clock
from workers.services.operators import alert_dead_deliveries, alert_failing_sources
from workers.services.polling import HOST_BUSY, POLL_BATCH
from workers.services.stream import prune_events, publish_events

CLAIM_BATCH = 500
MAX_POLLS_PER_TICK = 50_000


@dataclass(frozen=True)
class Enqueue:
    """How a tick hands work on: one callable per stage, each taking an id (polls take a
    batch of source ids)."""

    poll: Callable[[list[int]], object]
    detect: Callable[[int], object]
    plan: Callable[[int], object]
    route: Callable[[int], object]
    deliver: Callable[[int], object]
    match: Callable[[int], object]


def tick(
    app: App, now: datetime, enqueue: Enqueue, *, grace: timedelta = timedelta(minutes=5)
) -> int:
    """Enqueue due polls and owed work older than ``grace``; return how many messages."""
    sent = claimed = 0
    while claimed < MAX_POLLS_PER_TICK:
        batch = claim_due_sources(app, now, limit=POLL_BATCH)
        if batch:
            enqueue.poll(batch)
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
    with app.sessions() as session:
        owed: list[tuple[Callable[[int], object], list[int]]] = [
            (
                enqueue.detect,
                list(
                    session.scalars(
                        select(Item.id)
                        .where(Item.detected_at.is_(None), Item.fetched_at <= stale)
                        .limit(CLAIM_BATCH)
                    )
                ),
            ),
            (
                enqueue.plan,
                list(
                    session.scalars(
                        select(Signal.id)
                        .where(Signal.planned_at.is_(None), Signal.created_at <= stale)
                        .limit(CLAIM_BATCH)
                    )
                ),
            ),
            (
                enqueue.route,
                list(
                    session.scalars(
                        select(Moment.id)
                        .where(
                            (
                                (Moment.status == "pending")
                                & (Moment.created_at <= stale)
                                & (Moment.not_before <= now)
                            )
                            | ((Moment.status == "deferred") & (Moment.not_before <= now))
                        )
                        .order_by(Moment.priority.desc(), Moment.id)
                        .limit(CLAIM_BATCH)
                    )
                ),
            ),
            (
                enqueue.match,
                list(
                    session.scalars(
                        select(Vacancy.id)
                        .where(
                            Vacancy.status == "open",
                            Vacancy.matched_at.is_(None),
                            Vacancy.updated_at <= stale,
                        )
                        .limit(CLAIM_BATCH)
                    )
                ),
            ),
            (
                enqueue.deliver,
                list(
                    session.scalars(
                        select(Delivery.id)
                        .where(
                            Delivery.status.in_(("pending", "failed", "sending")),
                            Delivery.next_attempt_at <= now,
                            (Delivery.status != "pending") | (Delivery.created_at <= stale),
                        )
                        .limit(CLAIM_BATCH)
                    )
                ),
            ),
        ]
    for send, ids in owed:
        for owed_id in ids:
            send(owed_id)
            sent += 1
    return sent


def claim_due_sources(app: App, now: datetime, *, limit: int = CLAIM_BATCH) -> list[int]:
    """Take due sources and move their next poll forward, so no other tick takes them."""
    lease = now + timedelta(seconds=max(60, app.settings.poll_interval))
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
