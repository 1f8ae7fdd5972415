"""The dramatiq broker: the one global, set here before any actor is declared.

It is built from the process's Settings (the ``KEEPWARM_CONFIG`` file, the environment and
the defaults, resolved by ``Settings.from_env`` as the CLI resolves them) when this module
is first imported: dramatiq binds each actor to the broker as the actor is declared, so
``workers.actors`` imports this module first. That is how ``keepwarm worker``,
``scheduler``, ``run`` and the stock ``dramatiq workers.actors`` get the same broker.
Building one connects to nothing: Redis is reached when a message is sent or consumed.

Without a broker URL it is an in-memory StubBroker whose workers run as threads in this
process (embedded mode); with one, a Redis broker shared by any number of worker processes,
which set up keepwarm's logging as they boot.
"""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from workers.logs import ConfigureLogging, LogContext
from workers.settings import Settings


def make_broker(settings: Settings) -> dramatiq.Broker:
    """A Redis broker for the settings' broker URL, else the in-memory broker; with a
    metrics port, dramatiq's and keepwarm's Prometheus counters are served by the workers."""
    broker: dramatiq.Broker
    if settings.broker_url:
        broker = RedisBroker(url=settings.broker_url, namespace=settings.broker_namespace)
        if settings.metrics_port:
            _add_metrics(broker)
        broker.add_middleware(ConfigureLogging(settings))
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(LogContext())
    return broker


def _add_metrics(broker: dramatiq.Broker) -> None:
    """dramatiq's Prometheus middleware plus keepwarm's counters. The exposition server is
    forked by the dramatiq master, which reads ``dramatiq_prom_port``/``_host``: ``keepwarm
    worker`` sets them from the settings (set them yourself for the stock command)."""
    from dramatiq.middleware.prometheus import Prometheus

    from workers.metrics import KeepwarmMetrics

    broker.add_middleware(Prometheus())
    broker.add_middleware(KeepwarmMetrics())


broker = make_broker(Settings.from_env())
dramatiq.set_broker(broker)
