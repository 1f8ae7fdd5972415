"""Telling the operator what needs a person: sources that keep failing (once per failure
spell) and endpoints whose deliveries died (once a day per endpoint)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import structlog
from sqlalchemy import func, select, update

from models.schema import Delivery, Source
from sources import SourceError
from workers.app import App
from workers.db import transaction
from workers.notifiers import send_operator_alert

log = structlog.get_logger(__name__)


def alert_failing_sources(app: App, now: datetime) -> int:
    """Alert about sources failing for longer than the configured time; return how many."""
    settings = app.settings
    if not (settings.operator_email or settings.operator_webhook):
        return 0
    cutoff = now - timedelta(hours=settings.alert_after_hours)
    with app.sessions() as session:
        failing = session.execute(
            select(Source.id, Source.url, Source.failing_since, Source.last_error, Source.enabled)
            .where(Source.failing_since <= cutoff, Source.alerted_at.is_(None))
            .order_by(Source.id)
            .limit(200)
        ).all()
    if not failing:
        return 0
    lines = [
        f"source {sid} {url}: failing since {since:%Y-%m-%d %H:%M} UTC, "
        f"{'still polled with backoff' if enabled else 'disabled'}; last error: {error}"
        for sid, url, since, error, enabled in failing
    ]
    try:
        send_operator_alert(settings, app.fetcher, f"keepwarm: {len(lines)} sources failing", lines)
    except SourceError as exc:
        log.warning("operator.alert_failed", error=type(exc).__name__)
        return 0
    with transaction(app.sessions) as session:
        for source in session.scalars(
            select(Source).where(Source.id.in_([row[0] for row in failing]))
        ):
            source.alerted_at = now
    log.info("operator.alerted", sources=len(lines))
    return len(lines)


ALERT_AGAIN_AFTER = timedelta(hours=24)


def endpoint_label(target: str) -> str:
    """A delivery target fit for an alert or a list: a webhook URL without its path (Slack
    and Teams keep their secret in it); an email address as it is (a recruiter's)."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https") and parts.hostname:
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…"
    return target


def alert_dead_deliveries(app: App, now: datetime) -> int:
    """One alert per endpoint whose deliveries died (at most one a day per endpoint);
    return how many endpoints were reported."""
    settings = app.settings
    if not (settings.operator_email or settings.operator_webhook):
        return 0
    with app.sessions() as session:
        dead = session.execute(
            select(Delivery.target, func.count(Delivery.id), func.max(Delivery.last_error))
            .where(Delivery.status == "dead", Delivery.alerted_at.is_(None))
            .group_by(Delivery.target)
            .order_by(Delivery.target)
            .limit(100)
        ).all()
        recently = set(
            session.scalars(
                select(Delivery.target).where(Delivery.alerted_at > now - ALERT_AGAIN_AFTER)
            )
        )
    reported = 0
    for target, count, error in dead:
        if target not in recently:
            lines = [
                f"{count} deliveries to {endpoint_label(target)} failed for a day and were "
                f"given up; last error: {error}",
            ]
            try:
                send_operator_alert(
                    settings,
                    app.fetcher,
                    f"keepwarm: deliveries to {endpoint_label(target)} are failing",
                    lines,
                    event="deliveries.dead",
                    hint="List them with: keepwarm deliveries --failed; "
                    "send one again with: keepwarm deliveries retry ID",
                )
            except SourceError as exc:
                log.warning("operator.alert_failed", error=type(exc).__name__)
                continue
            reported += 1
        with transaction(app.sessions) as session:
            session.execute(
                update(Delivery)
                .where(
                    Delivery.target == target,
                    Delivery.status == "dead",
                    Delivery.alerted_at.is_(None),
                )
                .values(alerted_at=now)
            )
    if reported:
        log.info("operator.alerted", endpoints=reported)
    return reported
