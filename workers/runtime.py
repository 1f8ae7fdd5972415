"""Running keepwarm: the scheduler loop, embedded workers, and run-once for cron."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

import structlog

from workers.app import App
from workers.diskfull import DISK_FULL, database_folder, disk_full_error, is_disk_full
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
    from workers.broker import BrokerEpoch, broker

    now = clock or (lambda: datetime.now(UTC))
    epoch = BrokerEpoch(broker)
    log.info("scheduler.started", tick_seconds=app.settings.tick_seconds)
    while not stop.event.is_set():
        try:
            lost = epoch.lost()
            if lost:
                log.info("scheduler.rederiving", reason="the broker's messages are new or lost")
            sent = tick(app, now(), ENQUEUE, broker_lost=lost)
            epoch.mark()
            if sent:
                log.info("scheduler.tick", enqueued=sent)
        except Exception as exc:  # a database hiccup must not end the scheduler
            if not is_disk_full(exc, _folder(app)):
                log.exception("scheduler.tick_failed")
            else:  # one clear line each tick until there is space again
                error = disk_full_error(app.settings.effective_database_url)
                log.error("database.disk_full", error=str(error))
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


def drain(app: App, *, max_seconds: float = 900.0) -> int:
    """Tick and wait for every queue to empty, until a tick finds nothing owed and no
    source a busy host put off for a moment is due again within ``PUT_OFF_HORIZON``
    (waiting for those for ``max_seconds`` at most). DiskFullError when the tick or a
    worker met a full disk: what it left is owed, for the next run."""
    from dramatiq.brokers.stub import StubBroker

    from workers.actors import ENQUEUE, QUEUES
    from workers.broker import broker

    stub = broker
    assert isinstance(stub, StubBroker), "draining needs the embedded in-memory broker"

    give_up = time.monotonic() + max_seconds
    total = 0
    DISK_FULL.take()  # what an earlier run in this process met is not this one's
    while True:
        if time.monotonic() > give_up:  # e.g. an actor that fails on every round
            log.warning("drain.incomplete", seconds=max_seconds)
            return total
        try:
            sent = tick(app, datetime.now(UTC), ENQUEUE, grace=timedelta(0))
        except Exception as exc:
            if is_disk_full(exc, _folder(app)):
                raise disk_full_error(app.settings.effective_database_url) from exc
            raise
        total += sent
        for queue in QUEUES:
            stub.join(queue, fail_fast=False)
        full = DISK_FULL.take()
        if full is not None:  # a worker met it: the work it left is owed, not done
            raise full
        if sent:
            continue
        wait = _put_off(app)
        if wait is None:
            return total
        time.sleep(min(wait, max(0.0, give_up - time.monotonic())))


def _folder(app: App) -> Path | None:
    return database_folder(app.settings.effective_database_url)


PUT_OFF_HORIZON = timedelta(seconds=30)


def _put_off(app: App) -> float | None:
    """Seconds until the next source put off by its busy host is due, if within the
    horizon; None when there is none."""
    from workers.services.scheduler import next_put_off

    now = datetime.now(UTC)
    due = next_put_off(app, now, PUT_OFF_HORIZON)
    if due is None:
        return None
    return max(0.0, (due - now).total_seconds())
