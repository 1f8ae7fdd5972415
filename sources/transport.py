"""The sockets under httpx: each address checked where it is connected, each connect and
read bounded by the request's deadline, proxies from the environment.

httpx and httpcore do the HTTP: HTTP/1.1 and HTTP/2 (ALPN), the keep-alive pool shared by
the fetch threads, TLS, proxies (CONNECT and forwarding). Two rules are ours, and each
sits in the seam httpcore offers for it, a network backend:

- **The address check.** ``GuardedBackend.connect_tcp`` resolves the name, refuses it if
  any of its addresses is not public (``sources.netguard``), and connects to one of the
  checked addresses itself, so a DNS answer that changes between check and connect cannot
  reach an internal address. It runs for every new connection: redirects, retries and
  reconnects included. A kept-alive connection was checked when it was opened, and a
  pool only ever holds connections opened under one set of rules (webhooks have their own
  client, see ``sources.fetch``).
- **The deadline.** httpx's timeouts bound each read; a server that trickles a byte a
  second (headers, body, endless ``100 Continue``) never trips them. The fetcher puts the
  request's deadline in a context variable (``deadline``), and every connect attempt,
  TLS handshake, read and write of this thread is given at most the time left, so no
  watchdog thread is needed. One connect attempt per resolved address, each bounded by
  what remains of the request's budget.

Through a proxy (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` with ``NO_PROXY``, as httpx
reads them) the proxy does the connecting: the proxy is the operator's trusted setting and
is connected to unchecked, while the target's name is resolved and checked before the
request is sent.

httpx's ``HTTPTransport`` takes no network backend, so ``GuardedTransport`` is httpx's
transport over an httpcore pool built here (it sets the one attribute, ``_pool``, that
httpx's transport reads). That private seam is pinned by the fetch tests.
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpcore
import httpx
from httpx._utils import get_environment_proxies

from sources.netguard import IPNetwork, resolve_checked

_DEADLINE: ContextVar[float | None] = ContextVar("keepwarm_fetch_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[float]:
    """Bound every connect, read and write of this thread's request to ``seconds`` from
    now, all told; yields the deadline (on ``time.monotonic``'s clock)."""
    at = time.monotonic() + seconds
    token = _DEADLINE.set(at)
    try:
        yield at
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout``, or less if the request's deadline comes first."""
    at = _DEADLINE.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's time budget is spent")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the current request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to checked addresses (unless ``checked`` is off: a trusted proxy),
    each attempt bounded by the request's deadline."""

    def __init__(self, allowed: Sequence[IPNetwork] = (), *, checked: bool = True) -> None:
        self._allowed = tuple(allowed)
        self._checked = checked
        self._sockets = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = resolve_checked(host, port, self._allowed) if self._checked else [host]
        except OSError as exc:  # the name does not resolve
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        failure: Exception | None = None
        for address in addresses:
            try:  # an address literal: the socket backend resolves nothing more
                stream = self._sockets.connect_tcp(
                    address,
                    port,
                    _bounded(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
                continue
            return DeadlineStream(stream)
        raise failure or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over an httpcore pool built here; through a proxy, the target is
    checked before each request."""

    def __init__(
        self, pool: httpcore.ConnectionPool, *, check_target: Callable[[str, int], None] | None
    ) -> None:
        # Not httpx's __init__: it would build a pool of its own, without our backend.
        self._pool = pool
        self._check_target = check_target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request``, refusing a proxied one whose target is not public."""
        if self._check_target is not None:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            try:
                self._check_target(request.url.host, port)
            except OSError as exc:
                raise httpx.ConnectError(f"cannot resolve {request.url.host}: {exc}") from exc
        return super().handle_request(request)


def make_client(
    *,
    allowed: Sequence[IPNetwork],
    ssl_context: ssl.SSLContext,
    timeout: float,
    connections: int,
    http2: bool = True,
) -> httpx.Client:
    """A client for many threads: keep-alive pool, HTTP/2 where the server offers it (if
    ``http2``), every address checked, proxies taken from the environment. No cookies are
    kept."""
    allowed = tuple(allowed)
    pool_options: dict[str, typing.Any] = {
        "ssl_context": ssl_context,
        "max_connections": None,  # the fetch pool's threads bound it
        "max_keepalive_connections": connections,
        "keepalive_expiry": 5.0,  # servers commonly drop idle connections after 5-15 s
        "http1": True,
        "http2": http2,
    }
    direct = GuardedTransport(
        httpcore.ConnectionPool(network_backend=GuardedBackend(allowed), **pool_options),
        check_target=None,
    )

    def check_target(host: str, port: int) -> None:
        resolve_checked(host, port, allowed)

    mounts: dict[str, httpx.BaseTransport | None] = {}
    for pattern, proxy_url in get_environment_proxies().items():
        if proxy_url is None:  # NO_PROXY: straight there, checked at connect
            mounts[pattern] = None
            continue
        proxy = httpx.Proxy(url=proxy_url)
        if proxy.url.scheme not in ("http", "https"):
            raise ValueError(f"only http(s) proxies are supported, not {proxy.url.scheme}")
        pool = httpcore.HTTPProxy(
            proxy_url=httpcore.URL(
                scheme=proxy.url.raw_scheme,
                host=proxy.url.raw_host,
                port=proxy.url.port,
                target=proxy.url.raw_path,
            ),
            proxy_auth=proxy.raw_auth,
            proxy_headers=proxy.headers.raw,
            network_backend=GuardedBackend(checked=False),
            **pool_options,
        )
        mounts[pattern] = GuardedTransport(pool, check_target=check_target)
    return httpx.Client(
        transport=direct,
        mounts=mounts,
        trust_env=False,  # the environment's proxies are in ``mounts``
        timeout=timeout,
        follow_redirects=False,  # ``sources.fetch`` follows them, each hop checked
        # A jar whose policy takes no cookie: none is ever sent back.
        cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),
    )
