"""Telling the operator about sources that keep failing, once per failure spell."""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy import select

from models.schema import Source
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
