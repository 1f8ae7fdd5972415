"""Deliver: send an owed delivery once, by email, digest or webhook, retrying failures with
backoff."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schedule import backoff
from models.schema import Delivery, Moment, MomentEvent
from sources import PermanentError, SourceError, TransientError
from workers.app import App
from workers.db import transaction
from workers.events import ROUTED, cloud_event, context_of, evidence_of
from workers.links import ActionTicket, action_links
from workers.metrics import count
from workers.notifiers import Notice, send_digest, send_email, send_webhook
from workers.webhooks import chat_body, signed_headers

log = structlog.get_logger(__name__)
_rng = random.Random()

RETRY_FOR = timedelta(hours=24)
"""A delivery that keeps failing is retried this long after it was owed, then it is dead."""
RETRY_CAP = timedelta(hours=2)
RETRYABLE = ("pending", "failed", "sending")
SEND_LEASE_TIMEOUTS = 6
"""A ``sending`` row is owed again this many network timeouts after it was claimed: its
worker died mid-send. A webhook is cut off at three timeouts (the request's budget); an
SMTP conversation gives each of its steps one timeout, so only a server that stalls on
nearly every step could outlive the lease and be sent twice (with the same Message-ID).
With the default 10 s timeout a dead worker's delivery is owed again after a minute."""


def deliver(app: App, delivery_id: int, now: datetime) -> str:
    """Send one delivery if it is owed now (a digest: with every digest owed to the same
    recruiter); return its status afterwards."""
    claimed = _claim(app, delivery_id, now)
    if claimed is None:
        return "not owed"
    channel, target, notices, webhook = claimed
    try:
        if webhook is not None:
            body, headers = webhook.request(datetime.now(UTC))  # receivers check the clock
            send_webhook(app.fetcher, target, body, headers)
        elif channel == "digest":
            key = f"keepwarm-digest-{min(n.delivery_id for n in notices)}"
            send_digest(app.settings, target, notices, key)
        else:
            send_email(app.settings, target, notices[0])
    except SourceError as exc:
        return _record_failure(app, [n.delivery_id for n in notices], exc, now)
    except Exception as exc:  # a broken template, a library's surprise: still this row's error
        log.exception("delivery.crashed", delivery_id=delivery_id)
        failure = TransientError(f"{type(exc).__name__}: {exc}")
        return _record_failure(app, [n.delivery_id for n in notices], failure, now)
    with transaction(app.sessions) as session:
        ids = [n.delivery_id for n in notices]
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(ids))
            .values(status="sent", sent_at=now, last_error=None)
        )
        # Only a moment still routed becomes delivered: a recruiter's skip or snooze wins.
        session.execute(
            update(Moment)
            .where(Moment.id.in_([n.moment_id for n in notices]), Moment.status == "routed")
            .values(status="delivered")
        )
    for notice in notices:
        count("deliveries", "sent")
        log.info(
            "delivery.sent",
            delivery_id=notice.delivery_id,
            moment_id=notice.moment_id,
            channel=channel,
        )
    return "sent"


@dataclass(frozen=True)
class WebhookBody:
    """What a webhook delivery posts: a signed CloudEvent, or a Slack or Teams message."""

    body: bytes
    message_id: str
    secrets: tuple[str, ...] = ()

    def request(self, at: datetime) -> tuple[bytes, dict[str, str]]:
        """The body and its headers, signed at ``at`` when the endpoint has secrets."""
        if not self.secrets:
            return self.body, {"Content-Type": "application/json; charset=utf-8"}
        return self.body, signed_headers(self.message_id, self.body, self.secrets, at)


def _webhook_body(app: App, session: Session, notice: Notice, now: datetime) -> WebhookBody:
    moment = session.get_one(Moment, notice.moment_id)
    recruiter = moment.recruiter
    assert recruiter is not None
    if recruiter.webhook_format in ("slack", "teams"):
        body = chat_body(notice, recruiter.webhook_format)
        return WebhookBody(body, notice.idempotency_key)
    event = session.scalars(
        select(MomentEvent)
        .where(MomentEvent.moment_id == moment.id, MomentEvent.type == ROUTED)
        .order_by(MomentEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:  # routed before events were kept: nothing signed to send
        raise PermanentError("the moment's routed event is missing; route it again")
    cloud = cloud_event(event, source=app.settings.base_url)
    body = json.dumps(cloud, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    keys = [recruiter.webhook_secret or ""]
    if recruiter.webhook_secret_previous and (recruiter.webhook_previous_until or now) > now:
        keys.append(recruiter.webhook_secret_previous)
    return WebhookBody(body, cloud["id"], tuple(k for k in keys if k))


Claimed = tuple[str, str, list[Notice], WebhookBody | None]


def _claim(app: App, delivery_id: int, now: datetime) -> Claimed | None:
    """Move the delivery (for a digest: every digest owed to its recruiter by now) to
    ``sending`` if it is owed; only one worker can win each row.

    A ``sending`` row whose lease ran out (its worker died mid-send) is owed again. A
    delivery whose moment was closed, snoozed, routed anew or whose member may no longer
    be contacted is cancelled instead of sent.
    """
    lease = timedelta(seconds=SEND_LEASE_TIMEOUTS * app.settings.fetch_timeout)
    with transaction(app.sessions) as session:
        route = session.execute(
            select(Delivery.channel, Delivery.target).where(Delivery.id == delivery_id)
        ).one_or_none()
        if route is None:
            return None
        channel, target = route
        which = (
            (Delivery.channel == "digest", Delivery.target == target)
            if channel == "digest"
            else (Delivery.id == delivery_id,)
        )
        ids = session.scalars(
            update(Delivery)
            .where(*which, Delivery.status.in_(RETRYABLE), Delivery.next_attempt_at <= now)
            .values(status="sending", attempts=Delivery.attempts + 1, next_attempt_at=now + lease)
            .returning(Delivery.id)
        ).all()
        notices = [
            notice
            for notice in (_notice(app, session, claimed_id) for claimed_id in sorted(ids))
            if notice is not None
        ]
        if not notices:
            return None
        notices.sort(key=lambda n: (-n.priority, n.delivery_id))
        try:
            webhook = _webhook_body(app, session, notices[0], now) if channel == "webhook" else None
        except PermanentError as exc:
            dead = session.get_one(Delivery, notices[0].delivery_id)
            dead.status, dead.last_error = "dead", str(exc)
            return None
        return channel, target, notices, webhook


def _notice(app: App, session: Session, delivery_id: int) -> Notice | None:
    """What a claimed delivery sends, or None (and the delivery cancelled) if it is stale."""
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
    recruiter = moment.recruiter
    headline, url = evidence_of(moment)
    base = app.settings.base_url
    links = (
        action_links(app.secret, base, ActionTicket(moment.id, recruiter.id, delivery.routing))
        if recruiter is not None
        else {}
    )
    return Notice(
        delivery_id=delivery.id,
        moment_id=moment.id,
        member_id=member.id,
        kind=moment.kind,
        member_name=member.name,
        employer=member.employer.name if member.employer else None,
        headline=headline,
        url=url,
        draft=moment.draft,
        reason=moment.reason or "",
        expires_at=moment.expires_at.isoformat(),
        idempotency_key=f"keepwarm-delivery-{delivery.id}",
        also=tuple(context_of(session, moment.id)),
        links=links,
        inbox_url=f"{base}/inbox",
        language=recruiter.language if recruiter is not None else "en",
        priority=moment.priority,
    )


def _record_failure(app: App, delivery_ids: list[int], exc: SourceError, now: datetime) -> str:
    """Back the deliveries off together (a digest's rows stay one digest), or give up on
    those past their retry time or failed for good."""
    status = "failed"
    with transaction(app.sessions) as session:
        group = [session.get_one(Delivery, delivery_id) for delivery_id in delivery_ids]
        attempts = max(delivery.attempts for delivery in group)
        first = timedelta(seconds=app.settings.delivery_retry_seconds)
        retry_at = backoff(now, first, attempts, _rng, RETRY_CAP)
        for delivery in group:
            delivery.last_error = str(exc)[:2000]
            give_up = delivery.retry_until or delivery.created_at + RETRY_FOR
            if isinstance(exc, PermanentError) or retry_at > give_up:
                delivery.status = "dead"
            else:
                delivery.status, delivery.next_attempt_at = "failed", retry_at
                delivery.attempts = attempts
            status = delivery.status
            log.warning(
                "delivery.failed", delivery_id=delivery.id, error=type(exc).__name__, status=status
            )
            count("deliveries", status)
    return status


def retry_delivery(app: App, delivery_id: int, now: datetime) -> None:
    """Owe a failed or dead delivery again now, retried for another day."""
    with transaction(app.sessions) as session:
        done = session.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status.in_(("failed", "dead")))
            .values(
                status="pending",
                next_attempt_at=now,
                retry_until=now + RETRY_FOR,
                alerted_at=None,
                attempts=0,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ValueError(f"delivery {delivery_id} is not failed or dead")
