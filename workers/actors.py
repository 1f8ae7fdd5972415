"""The pipeline's actors: thin edges that take ids and call one service each.

Run them with ``keepwarm worker`` or the stock ``dramatiq workers.actors``. Polls and
deliveries keep their retry state in the database (the scheduler re-derives them),
so their messages are not retried by dramatiq.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ParamSpec

import dramatiq

from sources import PermanentError
from workers import broker as _broker  # noqa: F401 - the broker must exist before actors
from workers.app import current_app
from workers.diskfull import (
    DISK_FULL,
    DiskFullError,
    database_folder,
    disk_full_error,
    is_disk_full,
)
from workers.services.delivery import deliver as deliver_service
from workers.services.detection import batches, detect_items
from workers.services.planning import plan_signal
from workers.services.polling import poll_sources
from workers.services.routing import route_moment
from workers.services.scheduler import Enqueue
from workers.services.vacancies import match_vacancy

P = ParamSpec("P")
QUEUE_POLL = "poll"
QUEUE_PIPELINE = "pipeline"
QUEUES = (QUEUE_POLL, QUEUE_PIPELINE)
_STAGE: dict[str, Any] = {
    "queue_name": QUEUE_PIPELINE,
    "max_retries": 3,
    "min_backoff": 1_000,
    "max_backoff": 10_000,
    "time_limit": 120_000,
    "throws": (PermanentError,),
}
_ONCE: dict[str, Any] = {"max_retries": 0, "time_limit": 120_000, "max_age": 3_600_000}


def _now() -> datetime:
    return datetime.now(UTC)


def _owed_on_a_full_disk(fn: Callable[P, None]) -> Callable[P, None]:
    """A full disk ends the message without a retry or a traceback: one log line, and
    the flag the embedded loop reads. The work stays owed in the database, where the
    scheduler finds it again (a poll batch has made its sources due again)."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:
            database_url = current_app().settings.effective_database_url
            if not is_disk_full(exc, database_folder(database_url)):
                raise
            DISK_FULL.set(exc if isinstance(exc, DiskFullError) else disk_full_error(database_url))

    return run


# A batch's fetches overlap, but a few slow hosts can hold it for minutes; its results
# are recorded when the whole batch is back, so it is not cut short by a time limit.
_POLL = {**_ONCE, "time_limit": 1_800_000}


@dramatiq.actor(queue_name=QUEUE_POLL, **_POLL)
@_owed_on_a_full_disk
def poll(source_ids: list[int]) -> None:
    """Fetch a batch of sources and hand each new item to detection."""
    result = poll_sources(current_app(), source_ids, _now())
    for item_ids in batches(result.new_items + result.undetected):
        detect.send(item_ids)


@dramatiq.actor(**_STAGE)
@_owed_on_a_full_disk
def detect(item_ids: list[int]) -> None:
    """Find signals in a batch of items and hand each new one to planning."""
    for signal_id in detect_items(current_app(), item_ids, _now()):
        plan.send(signal_id)


@dramatiq.actor(**_STAGE)
@_owed_on_a_full_disk
def plan(signal_id: int) -> None:
    """Turn one signal into moments and hand each to routing."""
    for moment_id in plan_signal(current_app(), signal_id, _now()):
        route.send(moment_id)


@dramatiq.actor(**_STAGE)
@_owed_on_a_full_disk
def route(moment_id: int) -> None:
    """Apply the contact policy to one moment and hand an owed delivery on."""
    delivery_id = route_moment(current_app(), moment_id, _now())
    if delivery_id is not None:
        deliver.send(delivery_id)


@dramatiq.actor(queue_name=QUEUE_PIPELINE, **_ONCE)
@_owed_on_a_full_disk
def deliver(delivery_id: int) -> None:
    """Send one owed delivery."""
    deliver_service(current_app(), delivery_id, _now())


@dramatiq.actor(**_STAGE)
@_owed_on_a_full_disk
def match(vacancy_id: int) -> None:
    """Match one vacancy to the pool and hand each new moment to routing."""
    for moment_id in match_vacancy(current_app(), vacancy_id, _now()):
        route.send(moment_id)


ENQUEUE = Enqueue(
    poll=poll.send,
    detect=detect.send,
    plan=plan.send,
    route=route.send,
    deliver=deliver.send,
    match=match.send,
)
