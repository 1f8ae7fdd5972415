"""Fetching through a forward proxy from the environment: a loopback proxy written here
(CONNECT tunnels and plain forwarded GETs), the target still checked."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
import trustme
from pytest_httpserver import HTTPServer

from sources import BlockedAddressError
from sources.fetch import Fetcher

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    with contextlib.suppress(OSError):
        target.shutdown(socket.SHUT_WR)


class _ProxyHandler(socketserver.StreamRequestHandler):
    """A forward proxy: ``CONNECT host:port`` opens a tunnel; ``GET http://...`` is
    forwarded with ``Connection: close``. Records each request line."""

    seen: ClassVar[list[str]] = []

    def handle(self) -> None:
        line = self.rfile.readline(65536).decode("latin-1").strip()
        headers = []
        while (header := self.rfile.readline(65536)) not in (b"\r\n", b"\n", b""):
            if not header.lower().startswith((b"connection:", b"proxy-")):
                headers.append(header)
        type(self).seen.append(line)
        method, target, _ = line.split(" ", 2)
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host.strip("[]"), int(port)))
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
        else:
            parts = urlsplit(target)
            upstream = socket.create_connection((parts.hostname or "", parts.port or 80))
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            head = f"{method} {path} HTTP/1.1\r\n".encode() + b"".join(headers)
            upstream.sendall(head + b"Connection: close\r\n\r\n")
        with upstream:
            back = threading.Thread(target=_pipe, args=(upstream, self.connection))
            back.start()
            _pipe(self.connection, upstream)
            back.join(timeout=10)


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_ProxyHandler]]:
    """A loopback proxy named in HTTP_PROXY and HTTPS_PROXY (and no NO_PROXY)."""
    handler = type("Handler", (_ProxyHandler,), {"seen": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{server.server_address[1]}"
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("HTTPS_PROXY", address)
    yield handler
    server.shutdown()
    server.server_close()


def test_a_plain_http_fetch_goes_through_the_proxy(
    proxy: type[_ProxyHandler], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss/>", headers={"ETag": '"p"'})
    target = f"http://127.0.0.1:{httpserver.port}/feed"

    with Fetcher(user_agent="t", timeout=5, max_bytes=1000, allowed_networks=LOOPBACK) as f:
        result = f.get(target)

    assert (result.body, result.etag) == (b"<rss/>", '"p"')
    assert proxy.seen == [f"GET {target} HTTP/1.1"]


def test_an_https_fetch_tunnels_through_the_proxy(proxy: type[_ProxyHandler]) -> None:
    authority = trustme.CA()
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=_server_context(authority))
    server.start()
    try:
        server.expect_request("/feed").respond_with_data("<rss/>")
        client_context = ssl.create_default_context()
        authority.configure_trust(client_context)
        with Fetcher(
            user_agent="t",
            timeout=5,
            max_bytes=1000,
            allowed_networks=LOOPBACK,
            ssl_context=client_context,
        ) as fetcher:
            result = fetcher.get(f"https://127.0.0.1:{server.port}/feed")
    finally:
        server.stop()

    assert result.body == b"<rss/>"
    assert proxy.seen == [f"CONNECT 127.0.0.1:{server.port} HTTP/1.1"]


@pytest.mark.parametrize(
    "target",
    [
        "http://localhost:{port}/feed",  # a name that resolves to loopback
        "http://127.0.0.1:{port}/feed",
        "https://localhost:{port}/feed",  # through a CONNECT tunnel
        "http://10.1.2.3/feed",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
    ],
)
def test_a_target_that_resolves_to_a_blocked_address_is_refused_through_the_proxy(
    proxy: type[_ProxyHandler], httpserver: HTTPServer, target: str
) -> None:
    httpserver.expect_request("/feed").respond_with_data("secret")

    # The proxy itself is on loopback (the operator's trusted setting); the target is not
    # allowed to be.
    with (
        Fetcher(user_agent="t", timeout=5, max_bytes=1000) as fetcher,
        pytest.raises(BlockedAddressError),
    ):
        fetcher.get(target.format(port=httpserver.port))
    assert proxy.seen == []
    assert httpserver.log == []


def test_no_proxy_hosts_are_fetched_directly_and_still_checked(
    proxy: type[_ProxyHandler], httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    target = f"http://127.0.0.1:{httpserver.port}/feed"

    with Fetcher(user_agent="t", timeout=5, max_bytes=1000, allowed_networks=LOOPBACK) as f:
        assert f.get(target).body == b"<rss/>"
    with (
        Fetcher(user_agent="t", timeout=5, max_bytes=1000) as guarded,
        pytest.raises(BlockedAddressError),
    ):
        guarded.get(target)
    assert proxy.seen == []
    assert len(httpserver.log) == 1


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context
