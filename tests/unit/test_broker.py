"""The broker is built from the one Settings object, and building it connects to nothing."""

from __future__ import annotations

from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from workers.broker import make_broker
from workers.logs import ConfigureLogging, LogContext
from workers.settings import Settings


def test_a_broker_url_gives_a_redis_broker_in_the_settings_namespace() -> None:
    # Nothing listens on port 1: building the broker must not connect.
    settings = Settings.from_values(
        {"broker_url": "redis://127.0.0.1:1/5", "broker_namespace": "kw-unit"}
    )

    broker = make_broker(settings)

    assert isinstance(broker, RedisBroker) and broker.namespace == "kw-unit"
    assert broker.client.connection_pool.connection_kwargs["db"] == 5
    kinds = {type(middleware) for middleware in broker.middleware}
    assert {ConfigureLogging, LogContext} <= kinds


def test_no_broker_url_gives_the_in_memory_broker() -> None:
    broker = make_broker(Settings())

    assert isinstance(broker, StubBroker)
    assert LogContext in {type(middleware) for middleware in broker.middleware}
