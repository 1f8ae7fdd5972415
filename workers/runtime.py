"""Running keepwarm: the scheduler loop, embedded workers, and run-once for cron."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType

import structlog

from workers.app import App
from workers.services.scheduler import tick

log = structlog.get_logger(__name__)


class StopFlag:
    """Set by SIGINT/SIGTERM; loops check it between ticks."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def install(self) -> None:
        """Stop on Ctrl-C and on SIGTERM."""

        def _stop(signum: int, _frame: FrameType | None) -> None:
            log.info("shutdown.requested", signal=signum)
            self.event.set()

        signal.signal(signal.SIGINT, _stop)
        signal.signal(signal.SIGTERM, _stop)


def scheduler_loop(app: App, stop: StopFlag, clock: Callable[[], datetime] | None = None) -> None:
    """Tick every ``tick_seconds`` until stopped."""
    from workers.actors import ENQUEUE

    now = clock or (lambda: datetime.now(UTC))
    log.info("scheduler.started", tick_seconds=app.settings.tick_seconds)
    while not stop.event.is_set():
        try:
            sent = tick(app, now(), ENQUEUE)
            if sent:
                log.info("scheduler.tick", enqueued=sent)
        except Exception:  # a database hiccup must not end the scheduler
            log.exception("scheduler.tick_failed")
        stop.event.wait(app.settings.tick_seconds)
    log.info("scheduler.stopped")


def run_embedded(app: App, *, once: bool, stop: StopFlag | None = None) -> int:
    """Scheduler and worker threads in this process; ``once`` drains and returns."""
    import dramatiq

    from workers.broker import broker

    worker = dramatiq.Worker(broker, worker_threads=app.settings.worker_threads, worker_timeout=100)
    worker.start()
    try:
        if once:
            return drain(app)
        flag = stop or StopFlag()
        scheduler_loop(app, flag)
        return 0
    finally:
        worker.stop()


def drain(app: App, *, max_rounds: int = 1000) -> int:
    """Tick and wait for every queue to empty, until a tick finds nothing owed and no
    source this run has not polled yet is due within moments (one its host's limits put
    off for a second or two)."""
    from dramatiq.brokers.stub import StubBroker

    from workers.actors import ENQUEUE, QUEUES
    from workers.broker import broker

    stub = broker
    assert isinstance(stub, StubBroker), "draining needs the embedded in-memory broker"

    started = datetime.now(UTC)
    total = 0
    for _ in range(max_rounds):
        sent = tick(app, datetime.now(UTC), ENQUEUE, grace=timedelta(0))
        total += sent
        for queue in QUEUES:
            stub.join(queue, fail_fast=False)
        if sent == 0:
            wait = _put_off(app, started)
            if wait is None:
                return total
            time.sleep(wait)
    log.warning("drain.incomplete", rounds=max_rounds)
    return total


PUT_OFF_HORIZON = timedelta(seconds=30)


def _put_off(app: App, started: datetime) -> float | None:
    """Seconds until the next source not polled since ``started`` is due, if that is
    within the horizon; None when there is none (every one polled, or scheduled later)."""
    from sqlalchemy import func, or_, select

    from models.schema import Source

    now = datetime.now(UTC)
    with app.sessions() as session:
        due = session.scalar(
            select(func.min(Source.next_poll_at)).where(
                Source.enabled,
                or_(Source.last_polled_at.is_(None), Source.last_polled_at < started),
                Source.next_poll_at <= now + PUT_OFF_HORIZON,
            )
        )
    if due is None:
        return None
    if due.tzinfo is None:  # SQLite gives naive datetimes back
        due = due.replace(tzinfo=UTC)
    return max(0.0, (due - now).total_seconds())
