"""PostgreSQL restarted (a crash: ``pg_ctl stop -m immediate``) in the middle of a poll,
with the SMTP server and the webhook receiver down from the start and back a while later:
the workers reconnect and finish the batch, and every delivery arrives, once (a private
PostgreSQL cluster, never the shared one)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.distributed import cluster, wait_until
from tests.faults.cluster import (
    CountingReceiver,
    Gate,
    database_counts,
    distributed_env,
    gated_site,
    prepare_pool,
)
from tests.faults.conftest import recovered
from tests.faults.services import OwnPostgres
from workers.demo.servers import MailCatcher

RECOVERY_SECONDS = 90


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres()
    server.start()
    yield server
    server.close()


def attempted(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = "SELECT count(*) FROM delivery WHERE attempts > 0 AND status = 'failed'"
            return int(connection.scalar(text(query)) or 0)
    finally:
        engine.dispose()


def errors(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = "SELECT last_error FROM source WHERE last_error IS NOT NULL"
            return [str(e) for e in connection.scalars(text(query))]
    finally:
        engine.dispose()


def test_postgres_restarted_mid_poll_and_receivers_down_for_a_while(
    tmp_path: Path, redis_url: str, own_postgres: OwnPostgres
) -> None:
    feeds = Gate(lambda path: path in ("/acme/news.xml", "/bakker/feed"))
    site, hooks, mail = gated_site(feeds), CountingReceiver(), MailCatcher()
    site.start()
    database = own_postgres.url
    env = distributed_env(
        tmp_path,
        database_url=database,
        broker_url=redis_url,
        KEEPWARM_SMTP_PORT=str(mail.port),
        KEEPWARM_FETCH_TIMEOUT="10",  # the held fetches outlast the database's restart
        KEEPWARM_DELIVERY_RETRY_SECONDS="5",
    )
    try:
        feeds.open.set()  # discovery reads the feeds too
        prepare_pool(env, tmp_path, site, hooks.url, anna_by_email=True)
        feeds.open.clear()
        hooks.close()  # both down from the start: connections refused
        with cluster(env, tmp_path) as running:
            running.start_workers(2)
            running.start_scheduler()
            wait_until(feeds.held.is_set, 60, "a poll under way", running.logs)
            own_postgres.stop("immediate")
            own_postgres.start()
            restarted = time.monotonic()
            feeds.open.set()
            wait_until(
                lambda: attempted(database) == 3,
                RECOVERY_SECONDS,
                "three failed sends",
                running.logs,
            )
            recovered(
                "PostgreSQL restarted mid-poll: every delivery tried", time.monotonic() - restarted
            )
            mail = MailCatcher(port=mail.port)
            mail.start()
            hooks.listen(hooks.port)
            back = time.monotonic()
            wait_until(
                lambda: database_counts(database)["owed"] == 0,
                RECOVERY_SECONDS,
                "every delivery sent",
                running.logs,
            )
            recovered("SMTP and webhook receiver back: all delivered", time.monotonic() - back)
            time.sleep(1)  # a repeat would arrive now
            assert all(running.alive()), running.logs()
    finally:
        site.stop()
        hooks.close()
        mail.stop()
    counts = database_counts(database)
    assert (counts["polled"], counts["undetected"], counts["sent"]) == (3, 0, 3), counts
    assert errors(database) == []  # the batch was recorded whole, after the restart
    assert sorted(str(m["To"]) for m in mail.inbox) == ["anna@agency.example"] * 2
    assert len({m["Message-ID"] for m in mail.inbox}) == 2
    assert [len(keys) for keys in hooks.keys().values()] == [1], hooks.receipts
    assert list(hooks.delivered().values()) == [1], hooks.receipts
