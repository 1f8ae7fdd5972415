"""Fetching a URL politely and safely: conditional, bounded, redirect-checked."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any

import httpx

from sources import PermanentError, SourceError, TooLargeError, TransientError
from sources.netguard import GuardedTransport, IPNetwork

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
    """One HTTP client for all fetches of a process; refuses non-public addresses."""

    def __init__(
        self,
        *,
        user_agent: str,
        timeout: float,
        max_bytes: int,
        allowed_networks: Sequence[IPNetwork] = (),
    ) -> None:
        self.max_bytes = max_bytes
        self.body_seconds = 3 * timeout
        limits = httpx.Limits(max_connections=50, max_keepalive_connections=20)
        self._client = httpx.Client(
            transport=GuardedTransport(allowed=allowed_networks, limits=limits),
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"User-Agent": user_agent},
            follow_redirects=False,
        )

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` with the stored validators; follow at most five checked redirects."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            _check_scheme(url)
            response = self._send("GET", url, headers=headers)
            try:
                if response.has_redirect_location:
                    url = str(response.url.join(response.headers["location"]))
                    continue
                _raise_for_status(response)
                body = b"" if response.status_code == 304 else self._read_capped(response)
            finally:
                response.close()
            return FetchResult(
                str(response.url), response.status_code, body, dict(response.headers)
            )
        raise PermanentError(f"more than {MAX_REDIRECTS} redirects")

    def post_json(self, url: str, payload: Any, *, headers: Mapping[str, str]) -> None:
        """POST JSON to ``url``; raise a SourceError unless the receiver answers 2xx."""
        _check_scheme(url)
        response = self._send("POST", url, json=payload, headers=dict(headers))
        try:
            if response.has_redirect_location:
                raise PermanentError(f"webhook answered a redirect ({response.status_code})")
            _raise_for_status(response)
        finally:
            response.close()

    def _send(self, method: str, url: str, **options: Any) -> httpx.Response:
        try:
            request = self._client.build_request(method, url, **options)
            return self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise TransientError(f"timed out: {type(exc).__name__}") from exc
        except httpx.TransportError as exc:
            raise TransientError(f"connection failed: {exc}") from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
            raise PermanentError(f"invalid URL: {exc}") from exc

    def _read_capped(self, response: httpx.Response) -> bytes:
        """The decoded body, stopped at the size cap and at a total time budget.

        httpx's read timeout applies between two reads, so a server that drips a byte a
        second would never time out; the budget bounds the whole body.
        """
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_seconds
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise TooLargeError(f"response larger than {self.max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise TransientError(f"body took longer than {self.body_seconds:.0f} s")
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise TransientError("timed out while reading the body") from exc
        except httpx.HTTPError as exc:
            raise TransientError(f"failed while reading the body: {exc}") from exc
        return b"".join(chunks)

    def close(self) -> None:
        """Close every pooled connection."""
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _check_scheme(url: str) -> None:
    if not url.lower().startswith(("http://", "https://")):
        raise PermanentError(f"only http and https URLs can be fetched: {url[:80]}")


def _raise_for_status(response: httpx.Response) -> None:
    code = response.status_code
    if code < 400:
        return
    message = f"HTTP {code}"
    if code in _TRANSIENT_STATUS:
        raise TransientError(message, retry_after=retry_after(response.headers.get("retry-after")))
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
