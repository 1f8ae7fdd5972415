"""Fetching a URL politely and safely: conditional, bounded, redirect-checked."""

from __future__ import annotations

import heapq
import itertools
import json
import os
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from http.client import (
    HTTPConnection,
    HTTPException,
    HTTPResponse,
    HTTPSConnection,
    InvalidURL,
    RemoteDisconnected,
)
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from sources import PermanentError, SourceError, TooLargeError, TransientError
from sources.netguard import IPNetwork, connect_checked

MAX_REDIRECTS = 5
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchResult:
    """What a GET returned: a body, or ``not_modified`` for a 304."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]

    @property
    def not_modified(self) -> bool:
        """True when the server said nothing changed since our validators."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag to send next time."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified to send next time."""
        return self.headers.get("last-modified")


class Fetcher:
    """One pool of kept-alive connections for all fetches of a process; refuses
    non-public addresses.

    It speaks HTTP/1.1 through the standard library's ``http.client``: polling is mostly
    304s, and measured on them httpx (and httpcore, and urllib3) cost two to three times
    the CPU of the request itself. The pool, the checked connect, redirects, the size cap
    and content decoding (gzip and deflate, all we ask for) are ours.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int,
        allowed_networks: Sequence[IPNetwork] = (),
        connections: int = 50,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.body_seconds = 3 * timeout
        self._timeout = timeout
        self._connect = partial(
            connect_checked, allowed=tuple(allowed_networks), connect_timeout=min(timeout, 5.0)
        )
        self._headers = {
            "User-Agent": user_agent.encode("ascii", "replace"),
            "Accept": b"*/*",
            "Accept-Encoding": b"gzip, deflate",
        }
        # Certificates are checked against certifi's authorities unless told otherwise.
        self._ssl = ssl_context or httpx.create_ssl_context(trust_env=False)
        self._max_idle = connections
        self._idle: dict[_Origin, list[tuple[float, HTTPConnection]]] = {}
        self._idle_count = 0
        self._swept = time.monotonic()
        self._closed = False
        self._lock = threading.Lock()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` with the stored validators; follow at most five checked redirects."""
        headers = dict(self._headers)
        if etag:
            headers["If-None-Match"] = etag.encode("latin-1", "replace")
        if last_modified:
            headers["If-Modified-Since"] = last_modified.encode("latin-1", "replace")
        for _ in range(MAX_REDIRECTS + 1):
            url, origin, target = _wire_url(url)
            # Each request, headers and body included, has a deadline: past it, the
            # watchdog shuts the socket, whatever the server trickles (headers, chunk
            # trailers, endless 1xx answers) and however http.client reads it.
            deadline = time.monotonic() + self.body_seconds
            watch = _WATCHDOG.watch(deadline)
            connection: HTTPConnection | None = None
            done = False
            try:
                with _translated(deadline):
                    connection, response = self._send(origin, "GET", target, headers, watch)
                    response_headers = _headers(response)
                    location = response_headers.get("location")
                    if response.status in _REDIRECTS and location:
                        url = urljoin(url, location)
                        continue
                    if response.status < 200:  # a 1xx http.client did not skip (103)
                        raise TransientError(f"unexpected interim answer {response.status}")
                    _raise_for_status(response.status, response_headers)
                    body = self._read_capped(response, response_headers, deadline)
                    done = response.isclosed()
            finally:
                watch.cancel()
                if connection is not None:
                    self._release(origin, connection, done)
            return FetchResult(url, response.status, body, response_headers)
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects")

    def post_json(self, url: str, payload: Any, *, headers: Mapping[str, str]) -> None:
        """POST JSON to ``url``; raise a SourceError unless the receiver answers 2xx."""
        body = json.dumps(payload).encode("utf-8")
        self.post(url, body, headers={**headers, "Content-Type": "application/json"})

    def post(self, url: str, content: bytes, *, headers: Mapping[str, str]) -> None:
        """POST ``content`` as it is (a signed body must arrive byte for byte); raise a
        SourceError unless the receiver answers 2xx."""
        _, origin, target = _wire_url(url)
        extra = {k: v.encode("latin-1") for k, v in headers.items()}
        # A fresh connection: a POST is not repeated on a kept-alive one the server dropped.
        deadline = time.monotonic() + self.body_seconds
        watch = _WATCHDOG.watch(deadline)
        connection: HTTPConnection | None = None
        try:
            with _translated(deadline):
                connection = self._new(origin)
                connection.connect()
                watch.attach(connection.sock)
                connection.request("POST", target, body=content, headers=extra)
                response = connection.getresponse()
                response_headers = _headers(response)
                if response.status in _REDIRECTS:
                    raise PermanentError(f"webhook answered a redirect ({response.status})")
                # The status is the answer; the receiver's body is not read (it could be
                # endless).
                _raise_for_status(response.status, response_headers)
        finally:
            watch.cancel()
            if connection is not None:
                connection.close()

    def _send(
        self,
        origin: _Origin,
        method: str,
        target: str,
        headers: Mapping[str, Any],
        watch: _Watch,
    ) -> tuple[HTTPConnection, HTTPResponse]:
        """Send a request on a kept-alive connection, or on a new one if the server closed
        the one kept (which it may do at any time) before it answered."""
        while True:
            connection, reused = self._acquire(origin)
            try:
                try:
                    if connection.sock is None:
                        connection.connect()
                    # The socket the watchdog shuts at the deadline (TLS's, once wrapped).
                    watch.attach(connection.sock)
                    connection.request(method, target, headers=headers)
                    return connection, connection.getresponse()
                except _DROPPED:
                    if not reused:
                        raise
                connection.close()  # dropped while idle: try again on a new connection
            except BaseException:
                connection.close()
                raise

    def _acquire(self, origin: _Origin) -> tuple[HTTPConnection, bool]:
        """A kept-alive connection to ``origin`` if one is fresh, else a new one."""
        stale = []
        found = None
        with self._lock:
            idle = self._idle.get(origin)
            while idle:
                since, connection = idle.pop()
                self._idle_count -= 1
                if time.monotonic() - since < _KEEPALIVE_SECONDS:
                    found = connection
                    break
                stale.append(connection)
        for connection in stale:
            connection.close()
        return (found, True) if found is not None else (self._new(origin), False)

    def _new(self, origin: _Origin) -> HTTPConnection:
        scheme, host, port = origin
        connection = (
            HTTPSConnection(host, port, timeout=self._timeout, context=self._ssl)
            if scheme == "https"
            else HTTPConnection(host, port, timeout=self._timeout)
        )
        connection._create_connection = self._connect  # type: ignore[attr-defined]
        return connection

    def _release(self, origin: _Origin, connection: HTTPConnection, reusable: bool) -> None:
        """Keep a connection whose response was read to its end; close any other, and
        those kept too long (servers drop theirs after a few seconds)."""
        stale: list[HTTPConnection] = []
        with self._lock:
            now = time.monotonic()
            if now - self._swept > _KEEPALIVE_SECONDS:
                self._swept = now
                for kept in self._idle.values():
                    stale += [c for since, c in kept if now - since >= _KEEPALIVE_SECONDS]
                    kept[:] = [(since, c) for since, c in kept if now - since < _KEEPALIVE_SECONDS]
                self._idle = {key: kept for key, kept in self._idle.items() if kept}
                self._idle_count -= len(stale)
            keep = (
                reusable
                and connection.sock is not None
                and not self._closed
                and self._idle_count < self._max_idle
            )
            if keep:
                self._idle.setdefault(origin, []).append((now, connection))
                self._idle_count += 1
        for old in stale:
            old.close()
        if not keep:
            connection.close()

    def _read_capped(
        self, response: HTTPResponse, headers: Mapping[str, str], deadline: float
    ) -> bytes:
        """The decoded body, stopped at the size cap and at the request's deadline.

        The read timeout applies between two reads, so a server that drips a byte a
        second would never time out; the deadline bounds the whole body. The cap counts
        decoded bytes and no decoder may produce more than it, so a gzip bomb stops there.
        """
        if response.status in (204, 304):  # no body, whatever the headers say
            if not response.chunked:  # (http.client would wait for a chunk: not reused)
                response.close()
            return b""
        decoders = _decoders(headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        too_large = TooLargeError(f"response larger than {self.max_bytes} bytes")
        try:
            while chunk := response.read1(_CHUNK):
                for decoder in decoders:
                    chunk = decoder.decompress(chunk, self.max_bytes - size + 1)
                    if decoder.unconsumed_tail:
                        raise too_large
                size += len(chunk)
                if size > self.max_bytes:
                    raise too_large
                if time.monotonic() > deadline:
                    raise TransientError(f"body took longer than {self.body_seconds:.0f} s")
                chunks.append(chunk)
        except zlib.error as exc:
            raise TransientError(f"cannot decode the body: {exc}") from exc
        if time.monotonic() > deadline:  # the watchdog ended it
            raise TransientError(f"body took longer than {self.body_seconds:.0f} s")
        if response.length:  # what the Content-Length promised did not all come
            raise TransientError("the connection closed before the body ended")
        response.close()  # read to its end: the connection may serve the next request
        return b"".join(chunks)

    def close(self) -> None:
        """Close every kept-alive connection (and those in use, as they come back)."""
        with self._lock:
            idle, self._idle, self._idle_count = self._idle, {}, 0
            self._closed = True
        for connections in idle.values():
            for _, connection in connections:
                connection.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_Origin = tuple[str, str, int]
_KEEPALIVE_SECONDS = 5.0
"""How long an idle connection is kept: servers commonly drop theirs after 5 to 15 s."""
_CHUNK = 65536
_DROPPED = (
    RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    ConnectionAbortedError,
    ssl.SSLEOFError,
)


class _Watch:
    """One request's deadline, and the socket to shut when it passes."""

    __slots__ = ("_dog", "cancelled", "deadline", "fired", "socket")

    def __init__(self, dog: _Watchdog, deadline: float) -> None:
        self._dog = dog
        self.deadline = deadline
        self.socket: socket.socket | None = None
        self.cancelled = False
        self.fired = False

    def attach(self, sock: socket.socket | None) -> None:
        """The socket the request now uses; too late if the deadline already passed."""
        with self._dog.lock:
            if self.fired:
                raise TimeoutError("the request's time budget was spent before it was sent")
            self.socket = sock

    def cancel(self) -> None:
        """The request is over: its socket may serve another one."""
        with self._dog.lock:
            self.cancelled = True


class _Watchdog:
    """Shuts down the socket of a request that outlived its deadline: one thread for the
    process, waking twice a second at most, whatever the number of requests."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked worker starts afresh

    def _reset(self) -> None:
        self.lock = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float) -> _Watch:
        watch = _Watch(self, deadline)
        with self.lock:
            heapq.heappush(self._heap, (deadline, next(self._count), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fetch-watchdog")
                self._thread.daemon = True
                self._thread.start()
            elif self._heap[0][2] is watch:  # earlier than the one the thread waits for
                self.lock.notify()
        return watch

    def _run(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                while self._heap and (self._heap[0][2].cancelled or self._heap[0][0] <= now):
                    _, _, watch = heapq.heappop(self._heap)
                    if not watch.cancelled:
                        watch.fired = True
                        if watch.socket is not None:
                            # Not blocking; on the plain socket's method, so that TLS's
                            # state is left alone. Under the lock: a request that ended
                            # just now and gave its connection back is not cut.
                            with suppress(OSError):
                                socket.socket.shutdown(watch.socket, socket.SHUT_RDWR)
                wait = self._heap[0][0] - now if self._heap else 60.0
                self.lock.wait(min(max(wait, 0.5), 60.0))


_WATCHDOG = _Watchdog()


@contextmanager
def _translated(deadline: float | None = None) -> Iterator[None]:
    """Connection and protocol failures as the SourceErrors polling knows."""
    try:
        yield
    except SourceError:
        raise
    except Exception as exc:
        network = isinstance(exc, OSError | HTTPException)
        if network and deadline is not None and time.monotonic() > deadline:
            raise TransientError("the answer took longer than its time budget") from exc
        if isinstance(exc, TimeoutError):
            raise TransientError("timed out") from exc
        if isinstance(exc, InvalidURL):
            raise PermanentError(f"invalid URL: {exc}") from exc
        if isinstance(exc, OSError | HTTPException):  # a certificate refused among them
            raise TransientError(f"connection failed: {exc or type(exc).__name__}") from exc
        if isinstance(exc, ValueError):  # a redirect to a malformed URL, say
            raise PermanentError(f"invalid URL: {exc}") from exc
        raise


def _wire_url(url: str) -> tuple[str, _Origin, str]:
    """The URL as it goes on the wire: only http(s), the host in IDNA, the path (with its
    ``;parameters``) and query percent-encoded. Credentials in a URL are refused."""
    _check_scheme(url)
    if not url.isascii() or any(c in url for c in _UNSAFE):
        try:
            url = str(httpx.URL(url))
        except httpx.InvalidURL as exc:
            raise PermanentError(f"invalid URL: {exc}") from exc
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise PermanentError("URLs with credentials are not fetched")
    try:
        port = parts.port
    except ValueError as exc:
        raise PermanentError(f"invalid URL: {exc}") from exc
    if not parts.hostname:
        raise PermanentError("invalid URL: no host")
    scheme = parts.scheme.lower()
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return url, (scheme, parts.hostname, port or _PORTS[scheme]), target


_PORTS = {"http": 80, "https": 443}
_UNSAFE = frozenset(' "<>\\^`{|}')


def _headers(response: HTTPResponse) -> dict[str, str]:
    """Response headers by lower-case name; repeated ones joined by commas."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.getheaders():
        name = raw_name.lower()
        try:  # http.client reads headers as latin-1; most servers send UTF-8
            value = raw_value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            value = raw_value
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def _decoders(encoding: str) -> list[Any]:
    """zlib decoders for a Content-Encoding, in the order to apply them."""
    decoders: list[Any] = []
    for name in reversed([e.strip().lower() for e in encoding.split(",") if e.strip()]):
        if name in ("gzip", "x-gzip"):
            decoders.append(zlib.decompressobj(zlib.MAX_WBITS | 16))
        elif name == "deflate":
            decoders.append(_Deflate())
        # Anything else ("identity", or a misconfigured "utf-8") passes through, as in httpx.
    return decoders


class _Deflate:
    """Deflate as servers send it: zlib-wrapped, or (often) raw."""

    def __init__(self) -> None:
        self._decoder: Any = None
        self.unconsumed_tail = b""

    def decompress(self, data: bytes, max_length: int) -> bytes:
        if self._decoder is None:
            self._decoder = zlib.decompressobj()
            try:
                out = self._decoder.decompress(data, max_length)
            except zlib.error:
                self._decoder = zlib.decompressobj(-zlib.MAX_WBITS)
                out = self._decoder.decompress(data, max_length)
        else:
            out = self._decoder.decompress(data, max_length)
        self.unconsumed_tail = self._decoder.unconsumed_tail
        return bytes(out)


def _check_scheme(url: str) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise PermanentError(f"only http and https URLs can be fetched: {url[:80]}")


def _raise_for_status(code: int, headers: Mapping[str, str]) -> None:
    if code < 400:
        return
    message = f"HTTP {code}"
    if code in _TRANSIENT_STATUS:
        raise TransientError(message, retry_after=retry_after(headers.get("retry-after")))
    raise PermanentError(message)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date, at most
    a year."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


MAX_RETRY_AFTER = 366 * 86_400.0
"""A Retry-After is taken up to a year; callers clamp it to their own bounds."""


__all__ = ["FetchResult", "Fetcher", "SourceError"]
