"""Per-host politeness shared by every worker: at most one request per host per interval.

In the distributed mode the slots live in Redis (``SET NX PX``), so all processes on
all machines share them; embedded, a dictionary in the process does the same.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

import redis


class HostLimiter(Protocol):
    """Grants a request slot for a host, or says how long to wait for one."""

    def acquire(self, host: str, interval: float) -> float:
        """0.0 when the request may go now, else the seconds until it may."""


class MemoryHostLimiter:
    """The embedded limiter: per-process, thread-safe."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str, interval: float) -> float:
        """Take the host's slot if it is free."""
        now = time.monotonic()
        with self._lock:
            free_at = self._next.get(host, 0.0)
            if free_at > now:
                return free_at - now
            self._next[host] = now + interval
            return 0.0


class RedisHostLimiter:
    """The distributed limiter: one key per host that expires after the interval."""

    def __init__(self, url: str, namespace: str) -> None:
        self._redis = redis.Redis.from_url(url)
        self._prefix = f"{namespace}:host:"

    def acquire(self, host: str, interval: float) -> float:
        """Take the host's slot if no other worker holds it."""
        key = self._prefix + host
        if self._redis.set(key, b"1", nx=True, px=max(1, int(interval * 1000))):
            return 0.0
        remaining = self._redis.pttl(key)
        return max(0.001, (remaining if isinstance(remaining, int) and remaining > 0 else 1) / 1000)
