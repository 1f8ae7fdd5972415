"""robots.txt: fetched through the same guarded client, cached per host, obeyed.

RFC 9309: a missing robots.txt (4xx) allows everything; one that cannot be fetched
(5xx, timeouts) disallows everything until it can; one larger than 500 KiB is obeyed on
its first 500 KiB (its last, cut line dropped). Matching is Protego's (longest
match, ``*`` and ``$`` wildcards); Crawl-delay is honoured by the host limiter.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from sources import DisallowedError, PermanentError, SourceError, TransientError
from sources.fetch import Fetcher

ROBOTS_TTL = 24 * 3600.0
UNREACHABLE_TTL = 3600.0
MAX_HOSTS = 10_000
MAX_ROBOTS_BYTES = 500 * 1024
"""What RFC 9309 asks a crawler to parse at least; the rest of a longer file is ignored."""


@dataclass(frozen=True)
class HostRules:
    """What one host's robots.txt says for our User-Agent."""

    parser: Protego | None  # None: no robots.txt, everything allowed
    reachable: bool
    fetched: float

    def allows(self, url: str, agent: str) -> bool:
        """Whether ``url`` may be fetched."""
        if not self.reachable:
            return False
        return self.parser is None or bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        """Seconds between two requests to the host, if robots.txt asks for it."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    """Per-process cache of robots.txt rules, keyed by scheme and host."""

    def __init__(self, fetcher: Fetcher, agent: str) -> None:
        self._fetcher = fetcher
        self._agent = agent
        self._rules: OrderedDict[str, HostRules] = OrderedDict()
        self._pending: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def check(self, url: str) -> float | None:
        """Raise DisallowedError if robots.txt forbids ``url``; return its Crawl-delay."""
        rules = self.rules_for(url)
        if not rules.reachable:
            raise TransientError("robots.txt could not be fetched; the site is treated as closed")
        if not rules.allows(url, self._agent):
            raise DisallowedError("robots.txt disallows this URL for keepwarm")
        return rules.crawl_delay(self._agent)

    def rules_for(self, url: str) -> HostRules:
        """The host's rules, fetched when unknown or stale: once, however many threads
        ask at the same moment."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        while True:
            with self._lock:
                cached = self._rules.get(origin)
                if cached is not None and time.monotonic() - cached.fetched < self._ttl(cached):
                    self._rules.move_to_end(origin)
                    return cached
                pending = self._pending.get(origin)
                fetching = pending is None
                if pending is None:
                    pending = self._pending[origin] = threading.Event()
            if not fetching:
                pending.wait()  # another thread is fetching it: its answer is ours
                continue
            try:
                rules = self._fetch(origin)
                with self._lock:
                    self._rules[origin] = rules
                    while len(self._rules) > MAX_HOSTS:
                        self._rules.popitem(last=False)
                return rules
            finally:
                with self._lock:
                    del self._pending[origin]
                pending.set()

    def _fetch(self, origin: str) -> HostRules:
        now = time.monotonic()
        try:
            result = self._fetcher.get(f"{origin}/robots.txt", prefix=MAX_ROBOTS_BYTES)
        except TransientError:
            return HostRules(None, reachable=False, fetched=now)
        except PermanentError:  # 4xx (and refusals): no usable robots.txt, no restriction
            return HostRules(None, reachable=True, fetched=now)
        except SourceError:
            return HostRules(None, reachable=False, fetched=now)
        body = result.body.rpartition(b"\n")[0] if result.truncated else result.body
        text = body.decode("utf-8", "replace")
        return HostRules(Protego.parse(text), reachable=True, fetched=now)

    @staticmethod
    def _ttl(rules: HostRules) -> float:
        return ROBOTS_TTL if rules.reachable else UNREACHABLE_TTL
