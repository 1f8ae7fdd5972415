"""Poll a batch of sources: load, fetch on the pool, parse one body at a time, record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial

import structlog

from models.schedule import bounded_seconds
from workers.app import App
from workers.diskfull import DiskFullError, database_full, disk_full_error
from workers.services.polling.parsing import parse
from workers.services.polling.politeness import fetch
from workers.services.polling.state import Body, Busy, Changed, Unchanged, failure, load_states
from workers.services.polling.storage import (
    Answers,
    busy_row,
    record_failure,
    record_polled,
    release,
    store_changed,
    unchanged_row,
)

log = structlog.get_logger("workers.services.polling")

POLL_BATCH = 50
"""Sources per poll message: enough to share the queries, few enough to spread the work."""


@dataclass
class PollResult:
    """Items to detect: the new ones, and those an earlier poll stored but never handed on
    (its worker died before the batch ended)."""

    new_items: list[int] = field(default_factory=list)
    undetected: list[int] = field(default_factory=list)


def poll_sources(app: App, source_ids: Sequence[int], now: datetime) -> PollResult:
    """Poll a batch of sources at once; record every outcome and each next poll. On a
    full disk (DiskFullError) the batch stops: its sources whose failure was not already
    recorded are due again, and the items already stored are known by their keys when
    they are polled again."""
    states = load_states(app, source_ids)
    # Fetches wait on the network, so they overlap on the fetch pool; parsing wants the
    # CPU, so it stays on this thread, one body at a time, as the fetches come back.
    fetches = (
        app.fetch_pool.map(partial(fetch, app), states)
        if len(states) > 1
        else (fetch(app, state) for state in states)
    )
    result = PollResult()
    answers = Answers(busy=[], unchanged=[], changed=[])
    failed: set[int] = set()  # recorded with their backoff as the loop goes
    for state, fetched in zip(states, fetches, strict=True):
        try:
            outcome = (
                parse(state, fetched, now, app.settings.max_entries_per_poll)
                if isinstance(fetched, Body)
                else fetched
            )
            if isinstance(outcome, Busy):
                # The host is busy: the source is due again when its slot frees, and the
                # scheduler takes it then (no retry spent, no message held back meanwhile).
                wait = bounded_seconds(outcome.wait, 1.0, app.settings.max_poll_interval)
                answers.busy.append(busy_row(state, wait, now))
            elif isinstance(outcome, Unchanged):
                answers.unchanged.append(unchanged_row(app, state, outcome.result, now))
            elif isinstance(outcome, Changed):
                new_items, undetected, row = store_changed(app, state, outcome, now)
                result.new_items += new_items
                result.undetected += undetected
                answers.changed.append(row)
            else:
                record_failure(app, state.id, outcome.error, now)
                failed.add(state.id)
        except Exception as exc:  # a bug or a refused row: this source's error, not the batch's
            # Nobody's error: the batch stops and is owed again
            if database_full(exc, app.settings.effective_database_url):
                release(app, [i for i in source_ids if i not in failed], now)
                raise disk_full_error(app.settings.effective_database_url) from exc
            record_failure(app, state.id, failure(state, exc).error, now)
            failed.add(state.id)
    try:
        record_polled(app, now, answers)
    except DiskFullError:
        release(app, [i for i in source_ids if i not in failed], now)
        raise
    log.info(
        "sources.polled",
        sources=len(states),
        unchanged=len(answers.unchanged),
        changed=len(answers.changed),
        busy=len(answers.busy),
        new_items=len(result.new_items),
    )
    return result


def poll_source(app: App, source_id: int, now: datetime) -> PollResult:
    """Poll one source (a batch of one)."""
    return poll_sources(app, [source_id], now)
