"""The event stream: moment changes from the outbox, appended to a Redis Stream in order.

At least once: an event whose publication was cut short between the append and its
record is appended again; consumers drop repeats by the CloudEvent ``id``. One publisher
at a time (a lock on Redis), events in outbox order, so a member's changes arrive in the
order they happened (they are made under the member's row lock).
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta

import redis
import structlog
from sqlalchemy import delete, select, update

from models.schema import Moment, MomentEvent
from workers.app import App
from workers.db import transaction
from workers.events import cloud_event

log = structlog.get_logger(__name__)

BATCH = 500
LOCK_MS = 60_000
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def publish_events(app: App, now: datetime) -> int:
    """Append every unpublished moment change to the stream; return how many."""
    settings = app.settings
    if not settings.event_stream:
        return 0
    client = redis.Redis.from_url(settings.broker_url)
    lock, token = f"{settings.broker_namespace}:event-publisher", secrets.token_hex(8)
    try:
        if not client.set(lock, token, nx=True, px=LOCK_MS):
            return 0  # another scheduler is publishing
        try:
            return _publish(app, client, now)
        finally:
            client.register_script(_RELEASE)(keys=[lock], args=[token])
    finally:
        client.close()


def _publish(app: App, client: redis.Redis[bytes], now: datetime) -> int:
    settings = app.settings
    total = 0
    while True:
        with app.sessions() as session:
            batch = list(
                session.scalars(
                    select(MomentEvent)
                    .where(MomentEvent.published_at.is_(None))
                    .order_by(MomentEvent.id)
                    .limit(BATCH)
                )
            )
        if not batch:
            return total
        pipe = client.pipeline(transaction=False)
        for event in batch:
            body = cloud_event(event, source=settings.base_url)
            pipe.xadd(
                settings.event_stream,
                {"type": event.type, "member": str(event.member_id), "event": json.dumps(body)},
                maxlen=settings.event_stream_maxlen,
                approximate=True,
            )
        pipe.execute()
        with transaction(app.sessions) as session:
            session.execute(
                update(MomentEvent)
                .where(MomentEvent.id.in_([e.id for e in batch]))
                .values(published_at=now)
            )
        total += len(batch)
        log.info("events.published", count=len(batch), last_event_id=batch[-1].id)


KEEP_EVENTS = timedelta(days=45)
"""Long enough for a webhook's retries and for consumers that fell behind; events carry
personal data, so they are not kept for ever."""


def prune_events(app: App, now: datetime) -> int:
    """Forget events older than ``KEEP_EVENTS`` of moments that are closed (an open one's
    routed event is what its webhook sends); with a stream, only once published."""
    still_open = select(Moment.id).where(
        Moment.status.in_(("pending", "deferred", "routed", "delivered"))
    )
    where = [MomentEvent.created_at < now - KEEP_EVENTS, MomentEvent.moment_id.not_in(still_open)]
    if app.settings.event_stream:
        where.append(MomentEvent.published_at.is_not(None))
    with transaction(app.sessions) as session:
        result = session.execute(delete(MomentEvent).where(*where))
    return int(result.rowcount)  # type: ignore[attr-defined]
