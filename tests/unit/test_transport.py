"""The sockets under httpx: connecting bounded by the request's deadline, and webhooks
and feeds opened to private networks separately."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import time
from collections.abc import Iterator

import httpcore
import pytest
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
