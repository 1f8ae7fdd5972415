"""The dramatiq broker: the one global, set here before any actor is declared.

It is built from the process's Settings (the ``KEEPWARM_CONFIG`` file, the environment and
the defaults, resolved by ``Settings.from_env`` as the CLI resolves them) when this module
is first imported: dramatiq binds each actor to the broker as the actor is declared, so
``workers.actors`` imports this module first. That is how ``keepwarm worker``,
``scheduler``, ``run`` and the stock ``dramatiq workers.actors`` get the same broker.
Building one connects to nothing: Redis is reached when a message is sent or consumed.

A worker that dies (``kill -9``, a lost machine) leaves the messages it had taken in its
Redis acknowledgement set; any other worker gives them back to their queue during the
broker's maintenance, once the dead worker's heartbeat is older than HEARTBEAT_TIMEOUT_MS.
dramatiq's defaults (a 60 s heartbeat, maintenance on 0.1 % of broker calls) took about
ten minutes; these take well under a minute. Every stage is idempotent, so a worker
wrongly taken for dead (a 20 s stall) costs a repeated message, not a wrong result.

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

HEARTBEAT_TIMEOUT_MS = 20_000
"""A worker silent this long is dead. A live one calls Redis about once a second per
queue while idle and at least as often while it has room for more messages."""
MAINTENANCE_CHANCE = 100_000
"""Broker calls, per million, that look for dead workers (10 %). Each call gives back the
dead workers' messages of its own queue only, and an idle worker calls about once a second
per queue: so a dead worker's messages are back within seconds of its timeout. A call with
no dead worker to find costs two small sorted-set lookups."""


def make_broker(settings: Settings) -> dramatiq.Broker:
    """A Redis broker for the settings' broker URL, else the in-memory broker; with a
    metrics port, dramatiq's and keepwarm's Prometheus counters are served by the workers."""
    broker: dramatiq.Broker
    if settings.broker_url:
        broker = RedisBroker(
            url=settings.broker_url,
            namespace=settings.broker_namespace,
            heartbeat_timeout=HEARTBEAT_TIMEOUT_MS,
            maintenance_chance=MAINTENANCE_CHANCE,
        )
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


class BrokerEpoch:
    """Tells the scheduler when the broker has lost its messages: a Redis that restarted
    without persistence, or was flushed, no longer holds the marker the scheduler set
    after its last tick. A scheduler that starts finds the same (its first tick re-derives
    everything owed at once). The in-memory broker is new with each process."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        self.broker = broker
        self.key = f"{getattr(broker, 'namespace', 'keepwarm')}:keepwarm.epoch"
        self.marked = False

    def lost(self) -> bool:
        """True if the broker holds no marker (or this process set none yet)."""
        if isinstance(self.broker, RedisBroker):
            return not self.broker.client.exists(self.key)
        return not self.marked

    def mark(self) -> None:
        """Note that the broker holds every message owed so far."""
        if isinstance(self.broker, RedisBroker):
            self.broker.client.set(self.key, "1")
        self.marked = True


broker = make_broker(Settings.from_env())
dramatiq.set_broker(broker)
