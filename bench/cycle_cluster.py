"""The poll-cycle bench's cluster: a fresh PostgreSQL database on the test server, the
settings every keepwarm process shares, the pool and its feeds seeded in bulk, and the
two worker processes (each serving its metrics) and the scheduler started and stopped."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from cycle_feeds import member_name
from sqlalchemy import insert

PG_ADMIN = os.environ.get("KEEPWARM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("KEEPWARM_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]


def create_database() -> tuple[str, str]:
    """A new database for this run: its name and its SQLAlchemy URL."""
    database = f"keepwarm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = (
        PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        + f"/{database}"
    )
    return database, url


def drop_database(database: str) -> None:
    """Drop the run's database, connections and all."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def keepwarm_env(url: str, *, fetches: int) -> dict[str, str]:
    """The environment of every keepwarm process of the run (and of this one)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")},
        "KEEPWARM_DATABASE_URL": url,
        "KEEPWARM_BROKER_URL": REDIS,
        "KEEPWARM_BROKER_NAMESPACE": f"bench-{uuid.uuid4().hex[:6]}",
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        # Every feed is on one loopback host: per-host limits would serialise the bench.
        "KEEPWARM_HOST_INTERVAL": "0",
        "KEEPWARM_HOST_CONCURRENCY": "0",
        "KEEPWARM_TICK_SECONDS": "1",
        "KEEPWARM_FETCH_CONCURRENCY": str(fetches),
        "KEEPWARM_LOG_LEVEL": "WARNING",
        # Every feed is new to the bench: its entries are news, not a baseline to record.
        "KEEPWARM_FIRST_POLL_BASELINE": "false",
        "KEEPWARM_LOG_FORMAT": "json",
    }


def seed(app: Any, base: str, *, sources: int, members: int) -> None:
    """One employer per feed, the pool spread over them, and each employer's feed on the
    feed server at ``base`` (not due until a cycle makes it so)."""
    from models.schema import Employer, Member, Source

    now = datetime.now(UTC)
    with app.engine.begin() as connection:
        connection.execute(
            insert(Employer),
            [
                {"name": f"Company {i}", "key": f"company {i}", "created_at": now}
                for i in range(sources)
            ],
        )
        connection.execute(
            insert(Member),
            [
                {
                    "name": member_name(i),
                    "email": f"p{i}@example.net",
                    "employer_id": 1 + i % sources,
                    "language": "en",
                    "do_not_contact": False,
                    # Contacted today: no check-ins fall due, so the cycles measure polling.
                    "last_contact_on": now.date(),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(members)
            ],
        )
        connection.execute(
            insert(Source),
            [
                {
                    "url": f"{base}/feed/{i}.xml",
                    "kind": "feed",
                    "employer_id": i + 1,
                    "enabled": True,
                    "next_poll_at": now + timedelta(days=1),  # due when a cycle starts
                    "error_count": 0,
                    "created_at": now,
                }
                for i in range(sources)
            ],
        )


def start_keepwarm(
    env: dict[str, str], *, threads: int, metrics_ports: list[int], prom_dir: Path
) -> list[subprocess.Popen[bytes]]:
    """A worker process per metrics port (each serving its metrics, its parse CPU among
    them, on that port), then the scheduler: the scheduler last."""
    command = [sys.executable, "-m", "workers"]
    return [
        *(
            subprocess.Popen(
                [*command, "worker", "--processes", "1", "--threads", str(threads)],
                env={
                    **env,
                    "KEEPWARM_METRICS_PORT": str(port),
                    "KEEPWARM_METRICS_HOST": "127.0.0.1",
                    "dramatiq_prom_db": str(prom_dir / str(port)),
                },
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            for port in metrics_ports
        ),
        subprocess.Popen([*command, "scheduler"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL),
    ]


def stop_keepwarm(processes: list[subprocess.Popen[bytes]]) -> None:
    """Ask every process to stop, then wait for each."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)
