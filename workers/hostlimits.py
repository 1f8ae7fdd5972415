"""Per-host politeness shared by every worker: requests to one host are spaced by an
interval, and at most ``concurrency`` of them are in flight at once.

In the distributed mode the state lives in Redis (one Lua script per grant, so all
processes on all machines share it and clocks do not matter); embedded, a dictionary in
the process does the same. A grant whose holder died frees itself after ``lease``.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Protocol

import redis


@dataclass(frozen=True)
class Grant:
    """Permission to send a request (``wait`` is 0), or how long to wait for one."""

    wait: float
    token: str = ""


class HostLimiter(Protocol):
    """Grants request slots per host; a granted slot must be released after the request."""

    def acquire(self, host: str, interval: float) -> Grant:
        """Take a slot for ``host`` if its interval has passed and it has one free."""

    def release(self, host: str, grant: Grant) -> None:
        """Give back a granted slot."""


BUSY_RETRY = 1.0
"""Seconds to wait when every in-flight slot of a host is taken (none says when it ends)."""


class MemoryHostLimiter:
    """The embedded limiter: per-process, thread-safe."""

    def __init__(self, concurrency: int, lease: float) -> None:
        self.concurrency, self.lease = concurrency, lease
        self._next: dict[str, float] = {}
        self._in_flight: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, host: str, interval: float) -> Grant:
        """Take the host's slot if it is free."""
        now = time.monotonic()
        with self._lock:
            flying = {t: end for t, end in self._in_flight.get(host, {}).items() if end > now}
            if self.concurrency and len(flying) >= self.concurrency:
                return Grant(BUSY_RETRY)
            free_at = self._next.get(host, 0.0)
            if free_at > now:
                return Grant(free_at - now)
            self._next[host] = now + interval
            token = uuid.uuid4().hex
            flying[token] = now + self.lease
            self._in_flight[host] = flying
            return Grant(0.0, token)

    def release(self, host: str, grant: Grant) -> None:
        """Free the slot."""
        with self._lock:
            flying = self._in_flight.get(host, {})
            flying.pop(grant.token, None)
            if not flying:
                self._in_flight.pop(host, None)


_ACQUIRE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local interval, limit, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= limit then return -1 end
end
if interval > 0 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then return ttl end
  redis.call('SET', KEYS[1], '1', 'PX', interval)
end
if limit > 0 then
  redis.call('ZADD', KEYS[2], now + lease, ARGV[3])
  redis.call('PEXPIRE', KEYS[2], lease)
end
return 0
"""


class RedisHostLimiter:
    """The distributed limiter: a key per host that expires after the interval, and a set
    of in-flight requests scored by when their lease ends."""

    def __init__(self, url: str, namespace: str, concurrency: int, lease: float) -> None:
        self.concurrency, self.lease = concurrency, lease
        self._redis = redis.Redis.from_url(url)
        self._prefix = f"{namespace}:host:"
        self._acquire = self._redis.register_script(_ACQUIRE)

    def acquire(self, host: str, interval: float) -> Grant:
        """Take a slot unless another worker holds the interval or every in-flight slot."""
        token = uuid.uuid4().hex
        waited = int(
            self._acquire(  # type: ignore[no-untyped-call]
                keys=self._keys(host),
                args=[int(interval * 1000), self.concurrency, token, int(self.lease * 1000)],
            )
        )
        if waited == 0:
            return Grant(0.0, token)
        return Grant(BUSY_RETRY if waited < 0 else max(0.001, waited / 1000))

    def release(self, host: str, grant: Grant) -> None:
        """Free the in-flight slot."""
        if self.concurrency:
            self._redis.zrem(self._keys(host)[1], grant.token)

    def _keys(self, host: str) -> list[str]:
        """The host's spacing key and in-flight set, in one Redis Cluster slot."""
        return [f"{self._prefix}{{{host}}}", f"{self._prefix}{{{host}}}:flying"]
