"""Fetching a URL politely and safely: conditional, bounded, redirect-checked."""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from sources import PermanentError, SourceError, TooLargeError, TransientError
from sources.netguard import GuardedBackend, IPNetwork

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
    """One connection pool for all fetches of a process; refuses non-public addresses.

    It speaks to httpcore (httpx's transport) directly: polling is mostly 304s, and
    httpx's request and response models, cookies and URL handling cost as much again as
    the request itself. Content decoding is gzip and deflate, which is all we ask for.
    """

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int,
        allowed_networks: Sequence[IPNetwork] = (),
        connections: int = 50,
    ) -> None:
        self.max_bytes = max_bytes
        self.body_seconds = 3 * timeout
        self._timeouts = {
            "connect": min(timeout, 5.0),
            "read": timeout,
            "write": timeout,
            "pool": timeout,
        }
        self._headers = [
            (b"User-Agent", user_agent.encode("ascii", "replace")),
            (b"Accept", b"*/*"),
            (b"Accept-Encoding", b"gzip, deflate"),
        ]
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allowed_networks),
        )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` with the stored validators; follow at most five checked redirects."""
        headers = []
        if etag:
            headers.append((b"If-None-Match", etag.encode("latin-1", "replace")))
        if last_modified:
            headers.append((b"If-Modified-Since", last_modified.encode("latin-1", "replace")))
        for _ in range(MAX_REDIRECTS + 1):
            url, wire = _wire_url(url)
            with self._open("GET", wire, headers) as response:
                response_headers = _headers(response)
                location = response_headers.get("location")
                if response.status in _REDIRECTS and location:
                    url = urljoin(url, location)
                    continue
                _raise_for_status(response.status, response_headers)
                # A 304 is read to its end as well, so its connection goes back to the pool.
                body = self._read_capped(response, response_headers)
            return FetchResult(url, response.status, body, response_headers)
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects")

    def post_json(self, url: str, payload: Any, *, headers: Mapping[str, str]) -> None:
        """POST JSON to ``url``; raise a SourceError unless the receiver answers 2xx."""
        _, wire = _wire_url(url)
        content = json.dumps(payload).encode("utf-8")
        extra = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        extra.append((b"Content-Type", b"application/json"))
        with self._open("POST", wire, extra, content) as response:
            response_headers = _headers(response)
            if response.status in _REDIRECTS:
                raise PermanentError(f"webhook answered a redirect ({response.status})")
            # The status is the answer; the receiver's body is not read (it could be endless).
            _raise_for_status(response.status, response_headers)

    @contextmanager
    def _open(
        self,
        method: str,
        url: httpcore.URL,
        headers: list[tuple[bytes, bytes]],
        content: bytes | None = None,
    ) -> Iterator[httpcore.Response]:
        try:
            with self._pool.stream(
                method,
                url,
                headers=self._headers + headers,
                content=content,
                extensions={"timeout": self._timeouts},
            ) as response:
                yield response
        except httpcore.TimeoutException as exc:
            raise TransientError(f"timed out: {type(exc).__name__}") from exc
        except (httpcore.UnsupportedProtocol, httpcore.LocalProtocolError, ValueError) as exc:
            raise PermanentError(f"invalid URL: {exc}") from exc
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.ConnectError) as exc:
            raise TransientError(f"connection failed: {exc}") from exc

    def _read_capped(self, response: httpcore.Response, headers: Mapping[str, str]) -> bytes:
        """The decoded body, stopped at the size cap and at a total time budget.

        The read timeout applies between two reads, so a server that drips a byte a
        second would never time out; the budget bounds the whole body. The cap counts
        decoded bytes and no decoder may produce more than it, so a gzip bomb stops there.
        """
        empty = response.status in (204, 304)
        decoders = [] if empty else _decoders(headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_seconds
        too_large = TooLargeError(f"response larger than {self.max_bytes} bytes")
        try:
            for chunk in response.iter_stream():
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
        except httpcore.TimeoutException as exc:
            raise TransientError("timed out while reading the body") from exc
        except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
            raise TransientError(f"failed while reading the body: {exc}") from exc
        except zlib.error as exc:
            raise TransientError(f"cannot decode the body: {exc}") from exc
        return b"".join(chunks)

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.close()

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


def _wire_url(url: str) -> tuple[str, httpcore.URL]:
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
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return url, httpcore.URL(
        scheme=parts.scheme.lower().encode("ascii"),
        host=parts.hostname.encode("ascii"),
        port=port,
        target=target.encode("ascii"),
    )


_UNSAFE = frozenset(' "<>\\^`{|}')


def _headers(response: httpcore.Response) -> dict[str, str]:
    """Response headers by lower-case name; repeated ones joined by commas."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in response.headers:
        name = raw_name.decode("latin-1").lower()
        try:
            value = raw_value.decode("utf-8")
        except UnicodeDecodeError:
            value = raw_value.decode("latin-1")
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
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


__all__ = ["FetchResult", "Fetcher", "SourceError"]
