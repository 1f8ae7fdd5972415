"""The dramatiq broker: the one global, set here before any actor is declared.

Without ``KEEPWARM_BROKER_URL`` it is an in-memory StubBroker whose workers run as
threads in this process (embedded mode); with it, a Redis broker shared by any
number of worker processes.
"""

from __future__ import annotations

import os
from typing import Any

import dramatiq
import structlog
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import Middleware


class LogContext(Middleware):
    """Binds the actor and message id to every log line written while processing."""

    def before_process_message(self, broker: Any, message: Any) -> None:
        structlog.contextvars.bind_contextvars(
            actor=message.actor_name, message_id=message.message_id
        )

    def after_process_message(
        self, broker: Any, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        structlog.contextvars.clear_contextvars()

    after_skip_message = after_process_message


def make_broker(broker_url: str) -> dramatiq.Broker:
    """A Redis broker for a redis:// URL, else the in-memory broker."""
    broker: dramatiq.Broker
    if broker_url:
        broker = RedisBroker(
            url=broker_url, namespace=os.environ.get("KEEPWARM_BROKER_NAMESPACE", "keepwarm")
        )
    else:
        broker = StubBroker()
        broker.emit_after("process_boot")
    broker.add_middleware(LogContext())
    return broker


# Only the broker URL is read here: the broker must exist before actors are declared.
broker = make_broker(os.environ.get("KEEPWARM_BROKER_URL", ""))
dramatiq.set_broker(broker)
