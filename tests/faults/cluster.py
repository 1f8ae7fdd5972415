"""Fault-test harness: a loopback news site whose feeds can be held, a webhook receiver that
counts what it sees per moment and per idempotency key, the distributed settings and the
demo pool prepared through the CLI. The processes themselves: ``tests.distributed``."""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.distributed import keepwarm, keepwarm_env
from workers.demo.servers import SiteServer
from workers.demo.tour import demo_pool, demo_site

HOLD_SECONDS = 30.0
"""The longest a held request waits (the test releases it sooner)."""


class Gate:
    """Holds the requests it matches until released (each at most HOLD_SECONDS)."""

    def __init__(self, matches: Callable[[str], bool]) -> None:
        self.matches = matches
        self.open = threading.Event()
        self.held = threading.Event()

    def wait(self, path: str) -> None:
        """Called by a server thread: block if this path is held."""
        if self.matches(path) and not self.open.is_set():
            self.held.set()
            self.open.wait(HOLD_SECONDS)


def gated_site(gate: Gate) -> SiteServer:
    """The demo news site, holding the requests ``gate`` matches."""
    site = demo_site()
    base: Any = site.httpd.RequestHandlerClass

    class Held(base):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:
            gate.wait(self.path)
            super().do_GET()

    site.httpd.RequestHandlerClass = Held
    return site


@dataclass
class Receipt:
    """One POST the receiver saw: its idempotency key, its moment, and whether it was
    answered (a held request whose sender died was seen but never answered)."""

    key: str
    moment_id: int
    answered: bool = False


@dataclass
class CountingReceiver:
    """A webhook receiver that records every POST; ``hold_first`` holds the first one."""

    hold_first: bool = False
    receipts: list[Receipt] = field(default_factory=list)
    down: bool = False

    def __post_init__(self) -> None:
        self.gate = Gate(lambda _path: True)
        receiver = self
        first = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                event = json.loads(body)
                receipt = Receipt(self.headers.get("webhook-id", ""), event["data"]["moment"]["id"])
                receiver.receipts.append(receipt)
                held = receiver.hold_first and first.acquire(blocking=False)
                if held:  # its sender is killed meanwhile: whatever is answered, nobody reads it
                    receiver.gate.wait(self.path)
                status = 503 if receiver.down or held else 200
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    receipt.answered = status == 200
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.handler = Handler
        self.listen(0)
        self.port = int(self.httpd.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hooks/keepwarm"

    def listen(self, port: int) -> None:
        """Serve on ``port`` (0: a free one)."""
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), self.handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop serving: connections are refused until ``listen(self.port)``."""
        self.gate.open.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def delivered(self) -> dict[int, int]:
        """Answered receipts per moment."""
        counts: dict[int, int] = defaultdict(int)
        for receipt in self.receipts:
            counts[receipt.moment_id] += receipt.answered
        return dict(counts)

    def keys(self) -> dict[int, set[str]]:
        """The idempotency keys seen per moment."""
        keys: dict[int, set[str]] = defaultdict(set)
        for receipt in self.receipts:
            keys[receipt.moment_id].add(receipt.key)
        return dict(keys)


def distributed_env(
    tmp_path: Path, *, database_url: str, broker_url: str, **extra: str
) -> dict[str, str]:
    """The environment of a distributed keepwarm on loopback servers: fetches that give up
    after 3 s, no per-host limits; ``extra`` may override any setting."""
    settings = {
        "KEEPWARM_DATABASE_URL": database_url,
        "KEEPWARM_BROKER_URL": broker_url,
        "KEEPWARM_BROKER_NAMESPACE": f"kw-fault-{uuid.uuid4().hex[:8]}",
        "KEEPWARM_HOST_INTERVAL": "0",
        "KEEPWARM_FETCH_TIMEOUT": "3",
        "KEEPWARM_HOST_CONCURRENCY": "0",
    }
    return keepwarm_env(tmp_path, **{**settings, **extra})


def prepare_pool(
    env: dict[str, str],
    tmp_path: Path,
    site: SiteServer,
    hook_url: str,
    *,
    anna_by_email: bool = False,
) -> None:
    """The demo pool, its recruiters on the webhook (Anna by email if asked), the wire
    feed and the two feeds discovered from employers' websites."""
    keepwarm(env, "db", "upgrade")
    pool = tmp_path / "pool.csv"
    pool.write_text(demo_pool(site.base, datetime.now(UTC)), "utf-8")
    keepwarm(env, "import", str(pool))
    # Any hour on any day, with room (the default capacity is paced: one on a Monday).
    always = ("--hours", "00:00-23:59", "--days", "mon-sun", "--capacity", "20")
    for email in ("anna@agency.example", "bram@agency.example"):
        webhook = () if anna_by_email and email.startswith("anna") else ("--webhook", hook_url)
        keepwarm(env, "recruiters", "add", email, *webhook, *always)
    keepwarm(env, "sources", "add", f"{site.base}/wire/nieuws.xml")
    assert keepwarm(env, "sources", "discover").count("added") == 2


EXPECTED_DELIVERED = 3
"""The demo's news makes three moments that reach a recruiter (members 1, 3 and 5)."""


def database_counts(database_url: str) -> dict[str, int]:
    """Rows that tell how far the pipeline got."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            queries = {
                "items": "SELECT count(*) FROM item",
                "undetected": "SELECT count(*) FROM item WHERE detected_at IS NULL",
                "sent": "SELECT count(*) FROM delivery WHERE status = 'sent'",
                "owed": "SELECT count(*) FROM delivery WHERE status <> 'sent'",
                "polled": "SELECT count(*) FROM source WHERE last_polled_at IS NOT NULL",
            }
            return {name: int(connection.scalar(text(q)) or 0) for name, q in queries.items()}
    finally:
        engine.dispose()
