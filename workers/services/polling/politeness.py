"""Fetch politely: robots.txt, per-host spacing and limits, changed or not.

Polling, ``keepwarm check-source`` and ``keepwarm sources discover`` all fetch through
here: a URL robots.txt disallows is not fetched, and a host's requests are spaced by
KEEPWARM_HOST_INTERVAL (or its Crawl-delay) and limited to KEEPWARM_HOST_CONCURRENCY at
once, shared with the workers through Redis in the distributed mode.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import structlog

from models.schedule import bounded_seconds
from sources import TransientError
from sources.fetch import FetchResult
from workers.app import App
from workers.services.polling.state import Body, Busy, Failed, SourceState, Unchanged, failure

log = structlog.get_logger("workers.services.polling")

COMMAND_PATIENCE = 60.0
"""Seconds a command waits for its host's next free slot before giving up."""


def fetch(app: App, state: SourceState) -> Busy | Unchanged | Body | Failed:
    """Fetch one source politely and tell a changed body from an unchanged one."""
    try:
        spacing = host_spacing(app, state.url)
        result = fetch_within_limits(
            app, state.url, spacing, etag=state.etag, last_modified=state.last_modified
        )
        if isinstance(result, float):
            return Busy(result)
        if result.not_modified:
            return Unchanged(result)
        digest = _digest(result.body)
        return Unchanged(result) if digest == state.content_hash else Body(result, digest)
    except Exception as exc:
        return failure(state, exc)


def host_spacing(app: App, url: str) -> float:
    """Seconds to keep between two requests to the URL's host, once robots.txt allows it.

    Raises DisallowedError when robots.txt forbids the URL, TransientError when the
    host's robots.txt cannot be fetched (the site is treated as closed until it can).
    """
    crawl_delay = bounded_seconds(app.robots.check(url) or 0.0, 0.0, app.settings.max_poll_interval)
    return max(app.settings.host_interval, crawl_delay)


def fetch_within_limits(
    app: App,
    url: str,
    spacing: float,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult | float:
    """GET within the host's limits: the result, or the seconds to wait for a free slot."""
    if spacing <= 0 and not app.settings.host_concurrency:
        return app.fetcher.get(url, etag=etag, last_modified=last_modified)
    host = urlsplit(url).netloc.lower()
    grant = app.hosts.acquire(host, spacing)
    if grant.wait > 0:
        return grant.wait
    try:
        return app.fetcher.get(url, etag=etag, last_modified=last_modified)
    finally:
        try:
            app.hosts.release(host, grant)
        except Exception:  # the slot's lease frees it; the fetch's own outcome stands
            log.warning("host.release_failed", url_host=host, exc_info=True)


def polite_get(
    app: App,
    url: str,
    *,
    patience: float = COMMAND_PATIENCE,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """GET ``url`` for a command: robots.txt asked first, then the host's next free slot
    waited for (at most ``patience`` seconds, else TransientError saying so)."""
    spacing = host_spacing(app, url)
    waited = 0.0
    while True:
        result = fetch_within_limits(app, url, spacing)
        if not isinstance(result, float):
            return result
        if waited + result > patience:
            raise TransientError(
                f"the host's request limits (one request per {spacing:g} s,"
                f" KEEPWARM_HOST_INTERVAL or its Crawl-delay) leave no slot within"
                f" {patience:g} s; try again later"
            )
        sleep(result)
        waited += result


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
