"""``kill -9`` of a worker in the middle of a poll batch, then of another in the middle of
a delivery (PostgreSQL, Redis, ``keepwarm worker`` processes, the scheduler): the workers
left finish everything owed within 90 s of each kill, nothing is lost, and the webhook
receiver sees one idempotency key per moment and each moment answered once."""

from __future__ import annotations

from pathlib import Path

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

RECOVERY_SECONDS = 90


def test_a_worker_killed_mid_poll_and_another_mid_delivery_lose_nothing(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    feeds = Gate(lambda path: path in ("/acme/news.xml", "/bakker/feed"))
    site, hooks = gated_site(feeds), CountingReceiver(hold_first=True)
    site.start()
    env = distributed_env(tmp_path, database_url=pg_url, broker_url=redis_url)
    try:
        feeds.open.set()  # discovery reads the feeds too
        prepare_pool(env, tmp_path, site, hooks.url)
        feeds.open.clear()
        with cluster(env, tmp_path) as running:
            running.start_workers(2)
            running.start_scheduler()
            # The batch has fetched and stored the wire feed; two feeds are still held.
            wait_until(
                lambda: feeds.held.is_set() and database_counts(pg_url)["items"] > 0,
                60,
                "a poll batch half done",
                running.logs,
            )
            polling = running.worker_talking_to(site.httpd.server_address[1])
            killed_at = running.kill(polling)
            feeds.open.set()
            running.start_workers(1)  # a supervisor's restart; the survivor must not wait for it
            wait_until(hooks.gate.held.is_set, RECOVERY_SECONDS, "the first delivery", running.logs)
            recovered("worker killed mid-poll: first delivery", time_since(killed_at))
            sending = running.worker_talking_to(hooks.port)
            killed_at = running.kill(sending)
            hooks.gate.open.set()
            took = wait_until(
                lambda: (
                    len(hooks.delivered()) == EXPECTED_DELIVERED
                    and all(hooks.delivered().values())
                    and database_counts(pg_url)["owed"] == 0
                ),
                RECOVERY_SECONDS,
                "every delivery sent",
                running.logs,
            )
            recovered("worker killed mid-delivery: all delivered", took)
            assert sum(running.alive()) == 1
    finally:
        site.stop()
        hooks.close()
    counts = database_counts(pg_url)
    assert counts["undetected"] == 0 and counts["polled"] == 3, counts
    assert all(len(keys) == 1 for keys in hooks.keys().values()), hooks.receipts
    assert hooks.delivered() == dict.fromkeys(hooks.delivered(), 1), hooks.receipts


def time_since(moment: float) -> float:
    import time

    return time.monotonic() - moment
