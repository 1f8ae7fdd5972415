"""Parse a changed body into entries: a feed's, or a page's changes since its snapshot.

``parse`` is the one place a fetched body is parsed; it runs on the batch's thread,
one body at a time, and its CPU is counted per source kind.
"""

from __future__ import annotations

import time
from datetime import datetime

from models.schedule import server_hint
from sources.feeds import parse_feed
from sources.fetch import FetchResult
from sources.watch import PAGE_KINDS, observe_page
from workers.metrics import count
from workers.services.directory import source_selectors
from workers.services.polling.state import Body, Changed, Failed, Fetched, SourceState, failure


def parse(state: SourceState, body: Body, now: datetime, max_entries: int) -> Changed | Failed:
    """The entries of a changed body, or the source's error."""
    started = time.thread_time()
    try:
        fetched = changed_entries(state, body.result, now, max_entries)
        return Changed(body.result, body.digest, fetched)
    except Exception as exc:
        return failure(state, exc)
    finally:
        count("parse_cpu", state.kind, time.thread_time() - started)


def changed_entries(
    state: SourceState, result: FetchResult, now: datetime, max_entries: int
) -> Fetched:
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
            content_type=result.headers.get("content-type"),
        )
        return Fetched(entries, outcome, snapshot, hint=server_hint(result.headers, None, now))
    parsed = parse_feed(
        result.body, url=result.url, headers=result.headers, max_entries=max_entries
    )
    outcome = f"{len(parsed.entries)} entries" + (
        f" (salvaged: {parsed.problem})" if parsed.problem else ""
    )
    return Fetched(
        parsed.entries,
        outcome[:200],
        hint=server_hint(result.headers, parsed.ttl, now),
        skipped=parsed.skipped,
    )
