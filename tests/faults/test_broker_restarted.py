"""Redis restarted while a poll is under way and work is queued, with and without
persistence: the workers reconnect, the scheduler re-derives from the database what the
broker lost, and every moment is delivered, once (a private redis-server, never the
shared one)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.distributed import cluster, wait_until
from tests.faults.cluster import (
    EXPECTED_DELIVERED,
    CountingReceiver,
    Gate,
    database_counts,
    distributed_env,
    gated_site,
    prepare_pool,
)
from tests.faults.conftest import recovered
from tests.faults.services import OwnRedis

RECOVERY_SECONDS = 90


@pytest.fixture(params=["append-only file", "no persistence"])
def own_redis(request: pytest.FixtureRequest) -> Iterator[OwnRedis]:
    server = OwnRedis(persistent=request.param == "append-only file")
    server.start()
    yield server
    server.close()


def test_redis_restarted_mid_poll_loses_nothing(
    tmp_path: Path, pg_url: str, own_redis: OwnRedis
) -> None:
    feeds = Gate(lambda path: path in ("/acme/news.xml", "/bakker/feed"))
    site, hooks = gated_site(feeds), CountingReceiver()
    site.start()
    env = distributed_env(tmp_path, database_url=pg_url, broker_url=own_redis.url)
    try:
        feeds.open.set()  # discovery reads the feeds too
        prepare_pool(env, tmp_path, site, hooks.url)
        feeds.open.clear()
        with cluster(env, tmp_path) as running:
            running.start_workers(2)
            running.start_scheduler()
            wait_until(feeds.held.is_set, 60, "a poll under way", running.logs)
            own_redis.kill()
            own_redis.start()
            back = time.monotonic()
            feeds.open.set()
            wait_until(
                lambda: (
                    len(hooks.delivered()) == EXPECTED_DELIVERED
                    and database_counts(pg_url)["owed"] == 0
                ),
                RECOVERY_SECONDS,
                "every delivery sent",
                running.logs,
            )
            kind = "with" if own_redis.persistent else "without"
            recovered(f"Redis restarted {kind} persistence: all delivered", time.monotonic() - back)
            time.sleep(1)  # a repeat would arrive now
            assert all(running.alive()), running.logs()
    finally:
        site.stop()
        hooks.close()
    assert database_counts(pg_url)["undetected"] == 0
    assert all(len(keys) == 1 for keys in hooks.keys().values()), hooks.receipts
    assert set(hooks.delivered().values()) == {1}, hooks.receipts
