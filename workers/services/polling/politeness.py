"""Fetch one source politely: robots.txt, per-host spacing and limits, changed or not."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

import structlog

from models.schedule import bounded_seconds
from sources.fetch import FetchResult
from workers.app import App
from workers.services.polling.state import Body, Busy, Failed, SourceState, Unchanged, failure

log = structlog.get_logger("workers.services.polling")


def fetch(app: App, state: SourceState) -> Busy | Unchanged | Body | Failed:
    """Fetch one source politely and tell a changed body from an unchanged one."""
    try:
        crawl_delay = bounded_seconds(
            app.robots.check(state.url) or 0.0, 0.0, app.settings.max_poll_interval
        )
        spacing = max(app.settings.host_interval, crawl_delay)
        result = _fetch_politely(app, state, spacing)
        if isinstance(result, float):
            return Busy(result)
        if result.not_modified:
            return Unchanged(result)
        digest = _digest(result.body)
        return Unchanged(result) if digest == state.content_hash else Body(result, digest)
    except Exception as exc:
        return failure(state, exc)


def _fetch_politely(app: App, state: SourceState, spacing: float) -> FetchResult | float:
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


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
