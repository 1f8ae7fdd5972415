"""Fetching a URL politely and safely: conditional, bounded, redirect-checked.

httpx does the HTTP (``sources.transport`` builds its client: one per process, shared by
the fetch threads, HTTP/1.1 and HTTP/2, keep-alive, proxies from the environment, every
connected address checked, every request bounded by its deadline). What is still ours,
and why:

- **Redirects**, followed here rather than by httpx: each hop gets its own time budget
  and the same URL rules (http and https only, no credentials), and at most five hops.
- **Decoding** (``sources.decoding``): bounded by the size cap as it inflates, gzip
  members after the first, a cut-short stream noticed.
- **A GET sent again** once when a kept-alive connection turns out closed before any
  answer (httpx retries connects only).
- **Errors**: httpx's exceptions and the status codes translated into the
  ``SourceError`` tree callers know (``sources/__init__.py``).

Webhooks go out through a second client: its own pool, and its own opt-in for private
networks, so an internal receiver allowed for webhooks never opens the LAN to feeds (a
kept-alive connection in a shared pool would). A POST is sent once: the webhook client
speaks HTTP/1.1, over which httpcore moves a request to another connection only when the
one it picked was unusable before a byte was sent (HTTP/2 may re-send a stream the
server refused with GOAWAY), and retries no connect (``retries=0``).
"""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from urllib.parse import urljoin

import httpx

from sources import PermanentError, SourceError, TooLargeError, TransientError
from sources.decoding import ACCEPT_ENCODING, BodyDecoder, DecodeError, OverflowBody
from sources.netguard import IPNetwork
from sources.transport import deadline, make_client

MAX_REDIRECTS = 5
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchResult:
    """What a GET returned: a body, or ``not_modified`` for a 304."""

    url: str
    status: int
    body: bytes
    headers: Mapping[str, str]
    truncated: bool = False
    """The body is the first ``prefix`` bytes of a longer one (``Fetcher.get``)."""

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
    """GETs for feeds, pages, robots.txt and discovery, POSTs for webhooks; refuses
    non-public addresses except the networks each was opened to."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int,
        allowed_networks: Sequence[IPNetwork] = (),
        webhook_networks: Sequence[IPNetwork] = (),
        connections: int = 50,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.body_seconds = 3 * timeout
        """A request's whole budget: connecting, headers and body, however they trickle."""
        # Certificates are checked against certifi's authorities unless told otherwise.
        context = ssl_context or httpx.create_ssl_context(trust_env=False)
        self._client = make_client(
            allowed=allowed_networks, ssl_context=context, timeout=timeout, connections=connections
        )
        self._webhooks = make_client(
            allowed=webhook_networks,
            ssl_context=context,
            timeout=timeout,
            connections=10,
            http2=False,  # see the module docstring: a POST is sent once
        )
        agent = user_agent.encode("ascii", "replace")
        self._headers = {b"User-Agent": agent, b"Accept": b"*/*"}
        self._headers[b"Accept-Encoding"] = ACCEPT_ENCODING.encode()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        prefix: int | None = None,
    ) -> FetchResult:
        """GET ``url`` with the stored validators; follow at most five checked redirects.

        With ``prefix``, the body is read up to that many decoded bytes whatever the cap,
        and one longer is cut there (``truncated``) instead of being refused.
        """
        headers = dict(self._headers)
        if etag:
            headers[b"If-None-Match"] = etag.encode("latin-1", "replace")
        if last_modified:
            headers[b"If-Modified-Since"] = last_modified.encode("latin-1", "replace")
        for _ in range(MAX_REDIRECTS + 1):
            target = _checked_url(url)
            with deadline(self.body_seconds) as at:
                with _translated(at, "the answer"):
                    request = httpx.Request("GET", target, headers=headers)
                    response = self._send_get(request)
                try:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        url = _joined(str(target), location)
                        continue
                    _raise_for_status(response.status_code, response.headers)
                    with _translated(at, "the body"):
                        body, truncated = self._read(response, prefix)
                finally:
                    with suppress(httpx.HTTPError):
                        response.close()
            return FetchResult(str(target), response.status_code, body, response.headers, truncated)
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects")

    def _send_get(self, request: httpx.Request) -> httpx.Response:
        """Send a GET; once more when the connection failed before any answer came.

        A server may close a kept-alive connection just as it is reused; httpcore notices
        only when the request meets the closed socket. A GET changes nothing, so it is
        sent again (on a new connection: httpcore drops the failed one), within the
        same deadline.
        """
        try:
            return self._client.send(request, stream=True)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if isinstance(exc, httpx.RemoteProtocolError) and "without sending" not in str(exc):
                raise  # a malformed answer, not a closed connection
            return self._client.send(request, stream=True)

    def post_json(self, url: str, payload: Any, *, headers: Mapping[str, str]) -> None:
        """POST JSON to ``url``; raise a SourceError unless the receiver answers 2xx."""
        body = json.dumps(payload).encode("utf-8")
        self.post(url, body, headers={**headers, "Content-Type": "application/json"})

    def post(self, url: str, content: bytes, *, headers: Mapping[str, str]) -> None:
        """POST ``content`` as it is (a signed body must arrive byte for byte), once; raise
        a SourceError unless the receiver answers 2xx."""
        target = _checked_url(url)
        sent = {b"User-Agent": self._headers[b"User-Agent"]}
        sent.update((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())
        with deadline(self.body_seconds) as at, _translated(at, "the answer"):
            request = httpx.Request("POST", target, content=content, headers=sent)
            response = self._webhooks.send(request, stream=True)
            try:
                if response.status_code in _REDIRECTS:
                    raise PermanentError(f"webhook answered a redirect ({response.status_code})")
                # The status is the answer; the receiver's body is not read (it could be
                # endless).
                _raise_for_status(response.status_code, response.headers)
            finally:
                with suppress(httpx.HTTPError):
                    response.close()

    def _read(self, response: httpx.Response, prefix: int | None) -> tuple[bytes, bool]:
        """The decoded body, stopped at the size cap (or cut at ``prefix``).

        The cap counts decoded bytes and no decoding step may produce more than the room
        left, so a compression bomb stops there.
        """
        if response.status_code in (204, 304):  # no body, whatever the headers say
            response.read()  # its end, so that the connection is kept for the next request
            return b"", False
        limit = self.max_bytes if prefix is None else prefix
        decoder = BodyDecoder(response.headers.get("content-encoding", ""))
        chunks: list[bytes] = []
        size = 0
        try:
            for raw in response.iter_raw():
                chunk = decoder.decode(raw, limit - size + 1)
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    raise OverflowBody()
            decoder.finish()
        except OverflowBody as over:
            if prefix is None:
                raise TooLargeError(f"response larger than {self.max_bytes} bytes") from None
            chunks.append(over.partial)
            return b"".join(chunks)[:limit], True
        except DecodeError as exc:
            raise TransientError(str(exc)) from exc
        return b"".join(chunks), False

    def close(self) -> None:
        """Close every kept-alive connection."""
        self._client.close()
        self._webhooks.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextmanager
def _translated(at: float, what: str) -> Iterator[None]:
    """httpx's failures as the SourceErrors polling knows; ``what`` was being awaited."""
    try:
        yield
    except SourceError:
        raise
    except httpx.TimeoutException as exc:
        if time.monotonic() >= at - 0.01:
            raise TransientError(f"{what} took longer than its time budget") from exc
        raise TransientError(f"timed out ({type(exc).__name__})") from exc
    except httpx.RemoteProtocolError as exc:
        if str(exc).startswith("Invalid URL in location header"):  # raised by httpx's send
            raise PermanentError(f"invalid URL in a redirect: {exc}") from exc
        if what == "the body":
            raise TransientError(f"the connection closed before the body ended: {exc}") from exc
        raise TransientError(f"connection failed: {exc}") from exc
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise PermanentError(f"invalid URL: {exc}") from exc
    except httpx.HTTPError as exc:  # a certificate refused among them
        raise TransientError(f"connection failed: {exc or type(exc).__name__}") from exc


def _checked_url(url: str) -> httpx.URL:
    """The URL to request: only http(s), with a host, without credentials; the host in
    IDNA, the path and query percent-encoded (httpx)."""
    if not url.lower().startswith(("http://", "https://")):
        raise PermanentError(f"only http and https URLs can be fetched: {url[:80]}")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise PermanentError(f"invalid URL: {exc}") from exc
    if parsed.userinfo:
        raise PermanentError("URLs with credentials are not fetched")
    if not parsed.host:
        raise PermanentError("invalid URL: no host")
    return parsed


def _joined(base: str, location: str) -> str:
    try:
        return urljoin(base, location)
    except ValueError as exc:  # a malformed URL in Location
        raise PermanentError(f"invalid URL in a redirect: {exc}") from exc


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
