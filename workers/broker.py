"""The dramatiq broker: the one global, set here before any actor is declared.

Without ``KEEPWARM_BROKER_URL`` it is an in-memory StubBroker whose workers run as
threads in this process (embedded mode); with it, a Redis broker shared by any
number of worker processes.
"""

from __future__ import annotations

import os

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from workers.logs import ConfigureLogging, LogContext
from workers.settings import Settings


def make_broker(broker_url: str, metrics_port: str = "") -> dramatiq.Broker:
    """A Redis broker for a redis:// URL, else the in-memory broker; with a metrics port,
    dramatiq's and keepwarm's Prometheus counters are served by the workers."""
    broker: dramatiq.Broker
    if broker_url:
        broker = RedisBroker(
            url=broker_url, namespace=os.environ.get("KEEPWARM_BROKER_NAMESPACE", "keepwarm")
        )
        if metrics_port:
            _add_metrics(broker, metrics_port)
        broker.add_middleware(ConfigureLogging(Settings.from_env()))
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(LogContext())
    return broker


def _add_metrics(broker: dramatiq.Broker, port: str) -> None:
    """dramatiq's Prometheus middleware plus keepwarm's counters. The exposition server is
    forked by the dramatiq master, which reads ``dramatiq_prom_port``/``_host``: ``keepwarm
    worker`` sets them from the settings (set them yourself for the stock command)."""
    from dramatiq.middleware.prometheus import Prometheus

    from workers.metrics import KeepwarmMetrics

    broker.add_middleware(Prometheus())
    broker.add_middleware(KeepwarmMetrics())


# Only the broker URL is read here: the broker must exist before actors are declared.
broker = make_broker(
    os.environ.get("KEEPWARM_BROKER_URL", ""), os.environ.get("KEEPWARM_METRICS_PORT", "")
)
dramatiq.set_broker(broker)
