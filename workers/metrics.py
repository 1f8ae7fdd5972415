"""keepwarm's own Prometheus counters, next to dramatiq's, on the workers' metrics port.

Off unless ``KEEPWARM_METRICS_PORT`` is set (distributed mode): services call ``count``,
which does nothing until the metrics middleware has booted in a worker process.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from dramatiq.middleware import Middleware

COUNTERS = {
    "polls": ("keepwarm_polls_total", "Source polls by outcome.", "outcome"),
    "deliveries": ("keepwarm_deliveries_total", "Delivery attempts by result.", "result"),
    "decisions": ("keepwarm_moment_decisions_total", "Routing decisions by status.", "status"),
    "parse_cpu": (
        "keepwarm_parse_cpu_seconds_total",
        "CPU seconds spent parsing changed bodies, by source kind.",
        "kind",
    ),
    "stage_cpu": (
        "keepwarm_stage_cpu_seconds_total",
        "CPU seconds a worker thread spent on each actor's messages (a poll's fetches run "
        "on the fetch pool's threads and are not in it).",
        "actor",
    ),
}
_started = threading.local()
_counters: dict[str, Any] = {}


def count(name: str, label: str, amount: float = 1.0) -> None:
    """Add to a counter (one, unless told); a no-op where metrics are off."""
    counter = _counters.get(name)
    if counter is not None:
        counter.labels(label).inc(amount)


class KeepwarmMetrics(Middleware):
    """Creates keepwarm's counters in each worker process, in dramatiq's multiprocess store."""

    def after_process_boot(self, broker: Any) -> None:
        # "after" hooks run in reverse order, so dramatiq's middleware may not have set the
        # multiprocess store's path yet; both must write to the same one.
        from dramatiq.middleware.prometheus import DB_PATH

        os.environ["PROMETHEUS_MULTIPROC_DIR"] = DB_PATH
        import prometheus_client as prom

        registry = prom.CollectorRegistry()
        for key, (metric, description, label) in COUNTERS.items():
            _counters[key] = prom.Counter(metric, description, [label], registry=registry)

    def before_process_message(self, broker: Any, message: Any) -> None:
        _started.cpu = time.thread_time()

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        started = getattr(_started, "cpu", None)
        if started is not None:
            count("stage_cpu", message.actor_name, time.thread_time() - started)
            _started.cpu = None

    after_skip_message = after_process_message
