"""Deliver: send an owed delivery once, by email or webhook, retrying failures with backoff."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schedule import backoff
from models.schema import Delivery, Moment
from sources import PermanentError, SourceError
from workers.app import App
from workers.db import transaction
from workers.metrics import count
from workers.notifiers import Notice, send_email, send_webhook

log = structlog.get_logger(__name__)
_rng = random.Random()

MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(minutes=1)
RETRYABLE = ("pending", "failed", "sending")
SEND_LEASE = timedelta(minutes=10)
"""A send takes seconds (timeouts are 10 s); a ``sending`` row older than this was abandoned."""


def deliver(app: App, delivery_id: int, now: datetime) -> str:
    """Send one delivery if it is owed now; return its status afterwards."""
    notice = _claim(app, delivery_id, now)
    if notice is None:
        return "not owed"
    channel, target, payload = notice
    try:
        if channel == "webhook":
            send_webhook(app.fetcher, target, payload)
        else:
            send_email(app.settings, target, payload)
    except SourceError as exc:
        return _record_failure(app, delivery_id, exc, now)
    with transaction(app.sessions) as session:
        delivery = session.get_one(Delivery, delivery_id)
        delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
        # Only a moment still routed becomes delivered: a recruiter's skip or snooze wins.
        session.execute(
            update(Moment)
            .where(Moment.id == delivery.moment_id, Moment.status == "routed")
            .values(status="delivered")
        )
    count("deliveries", "sent")
    log.info("delivery.sent", delivery_id=delivery_id, moment_id=payload.moment_id, channel=channel)
    return "sent"


def _claim(app: App, delivery_id: int, now: datetime) -> tuple[str, str, Notice] | None:
    """Move the delivery to ``sending`` if it is owed; only one worker can win this.

    A ``sending`` row whose lease ran out (its worker died mid-send) is owed again. A
    delivery whose moment was closed, snoozed, routed anew or whose member may no longer
    be contacted is cancelled instead of sent.
    """
    with transaction(app.sessions) as session:
        claimed = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery_id,
                Delivery.status.in_(RETRYABLE),
                Delivery.next_attempt_at <= now,
            )
            .values(
                status="sending", attempts=Delivery.attempts + 1, next_attempt_at=now + SEND_LEASE
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return None
        delivery = session.get_one(Delivery, delivery_id)
        session.refresh(delivery)
        moment = delivery.moment
        member = moment.member
        stale = moment.status not in ("routed", "delivered") or moment.routings != delivery.routing
        if stale or member.do_not_contact:
            delivery.status = "cancelled"
            count("deliveries", "cancelled")
            delivery.last_error = (
                "not sent: the moment was closed or re-routed, or contact is no longer allowed"
            )
            return None
        signal = moment.signal
        notice = Notice(
            delivery_id=delivery.id,
            moment_id=moment.id,
            member_id=member.id,
            kind=moment.kind,
            member_name=member.name,
            employer=member.employer.name if member.employer else None,
            headline=signal.headline if signal else moment.kind,
            url=signal.url if signal else None,
            draft=moment.draft,
            reason=moment.reason or "",
            expires_at=moment.expires_at.isoformat(),
            idempotency_key=f"keepwarm-delivery-{delivery.id}",
            also=tuple(_context_of(session, moment.id)),
        )
        return delivery.channel, delivery.target, notice


def _context_of(session: Session, moment_id: int) -> list[str]:
    """What the moments merged into this one were about."""
    merged = session.scalars(
        select(Moment).where(Moment.merged_into_id == moment_id).order_by(Moment.id)
    )
    lines = []
    for moment in merged:
        about = (
            moment.signal.headline
            if moment.signal
            else moment.vacancy.title
            if moment.vacancy
            else ""
        )
        lines.append(moment.kind.replace("_", " ") + (f": {about}" if about else ""))
    return lines


def _record_failure(app: App, delivery_id: int, exc: SourceError, now: datetime) -> str:
    with transaction(app.sessions) as session:
        delivery = session.get_one(Delivery, delivery_id)
        delivery.last_error = str(exc)[:2000]
        if isinstance(exc, PermanentError) or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "dead"
        else:
            delivery.status = "failed"
            delivery.next_attempt_at = backoff(now, RETRY_BASE, delivery.attempts, _rng)
    log.warning(
        "delivery.failed", delivery_id=delivery_id, error=type(exc).__name__, status=delivery.status
    )
    count("deliveries", delivery.status)
    return delivery.status
