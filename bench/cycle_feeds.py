"""The poll-cycle bench's feed server: a loopback publisher of synthetic RSS feeds.

Each feed has 30 entries dated inside the news horizon, five new ones per version, one in
six naming a pool member of the feed's company in a job change (names drawn with Dutch
surname frequencies, bench/match_names.py, so many members share one). A share of the
feeds changes per cycle (``share[cycle]``, decided by a hash so that the server process
and the bench agree without talking); unchanged ones answer 304 to their ETag.
"""

from __future__ import annotations

import functools
import hashlib
import random
import socket
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from match_names import FIRST, surnames

WORDS = [
    "market",
    "growth",
    "company",
    "office",
    "news",
    "team",
    "product",
    "customers",
    "results",
    "year",
    "launch",
    "partner",
    "investment",
    "funding",
    "expansion",
    "hiring",
    "engineering",
    "logistics",
    "energy",
    "data",
    "platform",
]


ANCHOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
"""Entries are dated up to a few days before the bench starts: inside the news horizon
(KEEPWARM_MAX_ITEM_AGE_DAYS), so they are stored, detected and planned."""
ENTRIES = 30
MENTION_EVERY = 6
"""One entry in so many names a member of the feed's company with a job change."""
_RNG = random.Random(14)
FAMILY = surnames(_RNG, 50_000)
"""Surnames drawn with Dutch frequencies (bench/match_names.py): thousands share one."""


def member_name(member: int) -> str:
    """Member ``member``'s name (0-based), the same in the feed server and in the pool."""
    return f"{FIRST[member * 7919 % len(FIRST)]} {FAMILY[member % len(FAMILY)]}"


def feed_body(index: int, version: int, sources: int) -> bytes:
    """A realistic feed: 30 entries of a few hundred bytes, five new ones per version, one
    in six naming a member of the feed's company (of ``sources`` companies) in a job change;
    the rest company news and everyday words."""
    items = []
    for n in range(ENTRIES):
        number = version * 5 + n
        words = " ".join(WORDS[(index + number + k) % len(WORDS)] for k in range(40))
        title = f"Company {index} {WORDS[number % len(WORDS)]} update {number}"
        if number % MENTION_EVERY == 0:
            member = index + sources * (number // MENTION_EVERY % 4)
            title = f"{member_name(member)} benoemd tot directeur bij Company {index}"
        published = ANCHOR - timedelta(hours=(n * 37 + index) % 96)
        items.append(
            f"<item><title>{title}</title>"
            f"<link>https://news{index}.example/{number}</link><guid>n{index}-{number}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{words}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Company {index}</title><link>https://news{index}.example/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def serve(port_queue: Any, share: Any, cycle: Any, total: int) -> None:
    """The feed server process: /robots.txt is absent, /feed/<i>.xml answers with ETags."""

    @functools.lru_cache(maxsize=32_768)  # a server's cache
    def body_of(index: int, version: int) -> bytes:
        return feed_body(index, version, total)

    for index in range(total):  # the cold cycle's feeds, as files ready to serve
        body_of(index, 1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm
            # and delayed ACKs add 40 ms to every keep-alive response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            if not self.path.startswith("/feed/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            index = int(self.path.split("/")[2].split(".")[0])
            version = self._version(index)
            etag = f'"{index}-{version}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = body_of(index, version)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _version(self, index: int) -> int:
            """How many cycles changed this feed so far."""
            changed = 0
            for k in range(1, cycle.value + 1):
                digest = hashlib.sha256(f"{index}:{k}".encode()).digest()[0] / 256
                changed += digest < share[k]
            return changed

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()
