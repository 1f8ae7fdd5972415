"""The sockets under httpx: connecting bounded by the request's deadline, webhooks and
feeds opened to private networks separately, HTTP/2 where the server offers it."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import httpcore
import pytest
import trustme
from h2.config import H2Configuration
from h2.connection import H2Connection
from h2.events import RequestReceived
from pytest_httpserver import HTTPServer

from sources import BlockedAddressError
from sources.fetch import Fetcher
from sources.transport import GuardedBackend, deadline

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A loopback port whose accept queue is full: a new connection waits for ever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    held = []
    for _ in range(3):
        client = socket.socket()
        client.setblocking(False)
        with contextlib.suppress(BlockingIOError):  # the handshake goes on without us
            client.connect(("127.0.0.1", port))
        held.append(client)
    time.sleep(0.1)
    yield port
    for client in held:
        client.close()
    listener.close()


def test_a_connect_attempt_ends_at_the_request_deadline_not_its_own_timeout(
    unanswered_port: int,
) -> None:
    backend = GuardedBackend(LOOPBACK)

    started = time.monotonic()
    with deadline(0.3), pytest.raises(httpcore.ConnectTimeout):
        backend.connect_tcp("127.0.0.1", unanswered_port, timeout=30.0)
    assert time.monotonic() - started < 10  # not the 30 s the attempt alone would allow


def test_a_connect_after_the_deadline_is_not_attempted(unanswered_port: int) -> None:
    with deadline(0.0), pytest.raises(httpcore.ConnectTimeout, match="budget"):
        GuardedBackend(LOOPBACK).connect_tcp("127.0.0.1", unanswered_port, timeout=30.0)


def test_a_network_opened_to_feeds_is_not_opened_to_webhooks(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    base = f"http://127.0.0.1:{httpserver.port}"

    with Fetcher(user_agent="t", timeout=5, max_bytes=100, allowed_networks=LOOPBACK) as fetcher:
        assert fetcher.get(f"{base}/feed").body == b"<rss/>"  # the feed's pool: open
        with pytest.raises(BlockedAddressError):
            fetcher.post(f"{base}/hook", b"{}", headers={})
    assert [request.path for request, _ in httpserver.log] == ["/feed"]


def test_a_network_opened_to_webhooks_is_not_opened_to_feeds(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    base = f"http://127.0.0.1:{httpserver.port}"

    with Fetcher(user_agent="t", timeout=5, max_bytes=100, webhook_networks=LOOPBACK) as fetcher:
        fetcher.post(f"{base}/hook", b"{}", headers={})
        with pytest.raises(BlockedAddressError):
            fetcher.get(f"{base}/feed")  # not even on the webhook's kept-alive connection
    assert [request.path for request, _ in httpserver.log] == ["/hook"]


@pytest.fixture
def h2_server() -> Iterator[tuple[str, trustme.CA, list[str]]]:
    """An HTTPS server on 127.0.0.1 that speaks only HTTP/2 (ALPN ``h2``), written with
    the ``h2`` library; records ``method path`` of each request."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    context.set_alpn_protocols(["h2"])
    listener = socket.create_server(("127.0.0.1", 0))
    seen: list[str] = []

    def serve(connection: socket.socket) -> None:
        with contextlib.suppress(OSError, ssl.SSLError), connection:
            tls = context.wrap_socket(connection, server_side=True)
            h2 = H2Connection(H2Configuration(client_side=False))
            h2.initiate_connection()
            tls.sendall(h2.data_to_send())
            while data := tls.recv(65536):
                for event in h2.receive_data(data):
                    if isinstance(event, RequestReceived):
                        fields = dict(event.headers)
                        seen.append(f"{fields[b':method'].decode()} {fields[b':path'].decode()}")
                        h2.send_headers(
                            event.stream_id,
                            [(":status", "200"), ("content-length", "6"), ("etag", '"h2"')],
                        )
                        h2.send_data(event.stream_id, b"<rss/>", end_stream=True)
                tls.sendall(h2.data_to_send())

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=serve, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield f"https://127.0.0.1:{listener.getsockname()[1]}", authority, seen
    listener.close()


def test_a_server_that_offers_http2_is_fetched_over_http2(
    h2_server: tuple[str, trustme.CA, list[str]],
) -> None:
    base, authority, seen = h2_server
    context = ssl.create_default_context()
    authority.configure_trust(context)

    with Fetcher(
        user_agent="t", timeout=5, max_bytes=100, allowed_networks=LOOPBACK, ssl_context=context
    ) as fetcher:
        first = fetcher.get(f"{base}/a.xml")
        second = fetcher.get(f"{base}/b.xml", etag='"h2"')

    assert (first.body, first.etag, second.body) == (b"<rss/>", '"h2"', b"<rss/>")
    assert seen == ["GET /a.xml", "GET /b.xml"]  # a server without HTTP/1.1 understood both
