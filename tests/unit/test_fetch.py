"""Fetcher against a real HTTP server on 127.0.0.1 (pytest-httpserver)."""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sources import BlockedAddressError, PermanentError, TooLargeError, TransientError
from sources.fetch import MAX_REDIRECTS, Fetcher

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
MAX_BYTES = 1000


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(
        user_agent="t",
        timeout=5,
        max_bytes=MAX_BYTES,
        allowed_networks=LOOPBACK,
        webhook_networks=LOOPBACK,
    ) as f:
        yield f


def url(httpserver: HTTPServer, path: str) -> str:
    """The server's URL by IP, so that no ::1 answer for "localhost" gets in the way."""
    return f"http://127.0.0.1:{httpserver.port}{path}"


def test_plain_get_returns_body_headers_and_validators(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"},
        content_type="application/rss+xml",
    )

    result = fetcher.get(url(httpserver, "/feed"))

    assert result.status == 200
    assert result.body == b"<rss/>"
    assert not result.not_modified
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert result.url == url(httpserver, "/feed")
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"] == "t"
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


def test_conditional_get_sends_validators_and_304_is_not_modified(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request(
        "/feed",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 01 May 2024 10:00:00 GMT"},
    ).respond_with_data("", status=304)

    result = fetcher.get(
        url(httpserver, "/feed"), etag='"v1"', last_modified="Wed, 01 May 2024 10:00:00 GMT"
    )

    assert result.not_modified
    assert result.status == 304
    assert result.body == b""
    request, _ = httpserver.log[0]
    assert request.headers["If-None-Match"] == '"v1"'
    assert request.headers["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


def test_body_at_the_cap_is_read(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/exact").respond_with_data(b"x" * MAX_BYTES)

    assert len(fetcher.get(url(httpserver, "/exact")).body) == MAX_BYTES


def test_body_over_the_cap_is_too_large(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * (MAX_BYTES + 1))

    with pytest.raises(TooLargeError):
        fetcher.get(url(httpserver, "/big"))


def test_streamed_body_over_the_cap_is_too_large(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"y" * 100

    httpserver.expect_request("/stream").respond_with_response(Response(chunks()))

    with pytest.raises(TooLargeError):
        fetcher.get(url(httpserver, "/stream"))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, PermanentError),
        (401, PermanentError),
        (403, PermanentError),
        (404, PermanentError),
        (410, PermanentError),
        (408, TransientError),
        (429, TransientError),
        (500, TransientError),
        (502, TransientError),
        (503, TransientError),
        (504, TransientError),
    ],
)
def test_error_status_is_translated(
    httpserver: HTTPServer, fetcher: Fetcher, status: int, error: type[Exception]
) -> None:
    httpserver.expect_request("/x").respond_with_data("nope", status=status)

    with pytest.raises(error, match=f"HTTP {status}"):
        fetcher.get(url(httpserver, "/x"))


def test_404_is_not_transient(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/gone").respond_with_data("", status=404)

    with pytest.raises(PermanentError) as caught:
        fetcher.get(url(httpserver, "/gone"))
    assert not isinstance(caught.value, TransientError)


def redirect_chain(httpserver: HTTPServer, hops: int) -> None:
    """/r0 -> /r1 -> ... -> /r{hops} which answers 200."""
    for hop in range(hops):
        httpserver.expect_request(f"/r{hop}").respond_with_data(
            "", status=302, headers={"Location": f"/r{hop + 1}"}
        )
    httpserver.expect_request(f"/r{hops}").respond_with_data("arrived")


def test_five_redirects_are_followed(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    redirect_chain(httpserver, MAX_REDIRECTS)

    result = fetcher.get(url(httpserver, "/r0"))

    assert result.body == b"arrived"
    assert result.url == url(httpserver, f"/r{MAX_REDIRECTS}")


def test_conditional_headers_follow_a_redirect(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    redirect_chain(httpserver, 1)

    fetcher.get(url(httpserver, "/r0"), etag='"e"')

    assert [req.headers.get("If-None-Match") for req, _ in httpserver.log] == ['"e"', '"e"']


def test_more_than_five_redirects_is_permanent(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    redirect_chain(httpserver, MAX_REDIRECTS + 1)

    with pytest.raises(PermanentError, match="redirects"):
        fetcher.get(url(httpserver, "/r0"))
    assert len(httpserver.log) == MAX_REDIRECTS + 1


def test_redirect_loop_is_permanent(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/loop").respond_with_data(
        "", status=301, headers={"Location": "/loop"}
    )

    with pytest.raises(PermanentError, match="redirects"):
        fetcher.get(url(httpserver, "/loop"))


@pytest.mark.parametrize(
    "target",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://[::1]/"],
)
def test_redirect_to_an_internal_address_is_blocked(
    httpserver: HTTPServer, fetcher: Fetcher, target: str
) -> None:
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})

    with pytest.raises(BlockedAddressError):
        fetcher.get(url(httpserver, "/go"))


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/feed", "gopher://127.0.0.1:70/"]
)
def test_redirect_to_another_scheme_is_refused(
    httpserver: HTTPServer, fetcher: Fetcher, target: str
) -> None:
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": target})

    with pytest.raises(PermanentError, match="only http and https"):
        fetcher.get(url(httpserver, "/go"))


def test_loopback_is_blocked_without_allowed_networks(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("secret")

    with (
        Fetcher(user_agent="t", timeout=5, max_bytes=MAX_BYTES) as guarded,
        pytest.raises(BlockedAddressError),
    ):
        guarded.get(url(httpserver, "/feed"))
    assert httpserver.log == []


@pytest.mark.parametrize(
    "target",
    ["ftp://127.0.0.1/feed", "file:///etc/passwd", "javascript:alert(1)", "127.0.0.1/feed", ""],
)
def test_non_http_scheme_is_refused(fetcher: Fetcher, target: str) -> None:
    with pytest.raises(PermanentError, match="only http and https"):
        fetcher.get(target)


def test_connection_refused_is_transient(fetcher: Fetcher) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on ``port`` any more.

    with pytest.raises(TransientError):
        fetcher.get(f"http://127.0.0.1:{port}/feed")


def test_post_json_sends_the_payload(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/hook", method="POST", json={"moment": 7}).respond_with_data("ok")

    fetcher.post_json(url(httpserver, "/hook"), {"moment": 7}, headers={"X-Sig": "abc"})

    request, _ = httpserver.log[0]
    assert request.headers["X-Sig"] == "abc"
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(("status", "error"), [(302, PermanentError), (503, TransientError)])
def test_post_json_failures(
    httpserver: HTTPServer, fetcher: Fetcher, status: int, error: type[Exception]
) -> None:
    def answer(_: Request) -> Response:
        return Response("", status=status, headers={"Location": "/elsewhere"})

    httpserver.expect_request("/hook", method="POST").respond_with_handler(answer)

    with pytest.raises(error):
        fetcher.post_json(url(httpserver, "/hook"), {}, headers={})


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some send it
    ],
)
def test_compressed_bodies_are_decoded(
    httpserver: HTTPServer, fetcher: Fetcher, encoding: str, compress: Any
) -> None:
    body = b"<rss>" + b"news " * 150 + b"</rss>"  # 760 bytes, under the cap
    httpserver.expect_request("/feed").respond_with_data(
        compress(body), headers={"Content-Encoding": encoding}
    )

    assert fetcher.get(url(httpserver, "/feed")).body == body
    request, _ = httpserver.log[0]
    assert request.headers["Accept-Encoding"] == "gzip, deflate, br"


def test_a_compressed_body_is_capped_by_its_decoded_size(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(b"a" * (MAX_BYTES + 1)), headers={"Content-Encoding": "gzip"}
    )

    with pytest.raises(TooLargeError):
        fetcher.get(url(httpserver, "/feed"))


def test_a_url_with_non_ascii_characters_is_sent_percent_encoded(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/nieuws/café").respond_with_data("<rss/>")

    result = fetcher.get(url(httpserver, "/nieuws/café"))

    assert result.body == b"<rss/>"
    assert result.url.endswith("/nieuws/caf%C3%A9")


def test_cookies_a_server_sets_are_never_sent_back(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", headers={"Set-Cookie": "session=abc; Path=/"}
    )

    fetcher.get(url(httpserver, "/feed"))
    fetcher.get(url(httpserver, "/feed"))

    assert all("Cookie" not in request.headers for request, _ in httpserver.log)


def test_an_unknown_content_encoding_passes_through(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        "<rss/>", headers={"Content-Encoding": "utf-8"}
    )

    assert fetcher.get(url(httpserver, "/feed")).body == b"<rss/>"


def test_path_parameters_are_sent_as_they_are(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    httpserver.expect_request("/careers;jsessionid=AB12/feed").respond_with_data("<rss/>")

    fetcher.get(url(httpserver, "/careers;jsessionid=AB12/feed?x=1"))

    request, _ = httpserver.log[0]
    assert request.path == "/careers;jsessionid=AB12/feed"
    assert request.query_string == b"x=1"


def test_a_url_with_credentials_is_refused(fetcher: Fetcher) -> None:
    with pytest.raises(PermanentError, match="credentials"):
        fetcher.get("https://user:secret@example.com/feed")


class _KeepAliveHandler(BaseHTTPRequestHandler):
    """Answers HTTP/1.1 with a length, so the client may keep the connection; records the
    client port of every request, and drops the connection after each answer if told."""

    protocol_version = "HTTP/1.1"
    ports: ClassVar[list[int]] = []
    drop = False

    def do_GET(self) -> None:
        type(self).ports.append(self.client_address[1])
        self.send_response(200)
        self.send_header("Content-Length", "6")
        self.end_headers()
        self.wfile.write(b"<rss/>")
        # Dropped without a "Connection: close": the client learns it on its next request.
        self.close_connection = self.drop

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def keepalive_server() -> Iterator[tuple[str, type[_KeepAliveHandler]]]:
    handler = type("Handler", (_KeepAliveHandler,), {"ports": []})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", handler
    httpd.shutdown()
    httpd.server_close()


def test_a_connection_is_kept_alive_between_fetches(
    keepalive_server: tuple[str, type[_KeepAliveHandler]], fetcher: Fetcher
) -> None:
    base, handler = keepalive_server

    for _ in range(3):
        assert fetcher.get(f"{base}/feed").body == b"<rss/>"

    assert len(handler.ports) == 3
    assert len(set(handler.ports)) == 1  # one connection for the three requests


def test_a_kept_connection_the_server_dropped_is_replaced_without_an_error(
    keepalive_server: tuple[str, type[_KeepAliveHandler]], fetcher: Fetcher
) -> None:
    base, handler = keepalive_server
    handler.drop = True

    for _ in range(3):
        assert fetcher.get(f"{base}/feed").body == b"<rss/>"

    assert len(handler.ports) == 3
    assert len(set(handler.ports)) == 3  # a new connection each time, none failed


class _NotModifiedHandler(_KeepAliveHandler):
    def do_GET(self) -> None:
        type(self).ports.append(self.client_address[1])
        self.send_response(304)
        self.send_header("ETag", '"v1"')
        self.end_headers()


def test_a_connection_is_kept_alive_between_304s(
    keepalive_server: tuple[str, type[_KeepAliveHandler]], fetcher: Fetcher
) -> None:
    base, handler = keepalive_server
    handler.do_GET = _NotModifiedHandler.do_GET  # type: ignore[method-assign]

    for _ in range(3):
        assert fetcher.get(f"{base}/feed", etag='"v1"').not_modified

    assert len(handler.ports) == 3
    assert len(set(handler.ports)) == 1  # polling unchanged feeds opens no new connections


@pytest.fixture
def authority() -> trustme.CA:
    return trustme.CA()


TlsServer = Callable[..., tuple[str, type[_KeepAliveHandler]]]


@pytest.fixture
def tls_server(authority: trustme.CA) -> Iterator[TlsServer]:
    """HTTPS servers on 127.0.0.1 with a certificate for a given name, signed by the
    test's own authority."""
    servers: list[ThreadingHTTPServer] = []

    def start(
        name: str, base: type[_KeepAliveHandler] = _KeepAliveHandler
    ) -> tuple[str, type[_KeepAliveHandler]]:
        handler = type("Handler", (base,), {"ports": []})
        httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(context)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"https://127.0.0.1:{httpd.server_address[1]}", handler

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def trusting(authority: trustme.CA) -> Fetcher:
    context = ssl.create_default_context()
    authority.configure_trust(context)
    return Fetcher(
        user_agent="t",
        timeout=5,
        max_bytes=MAX_BYTES,
        allowed_networks=LOOPBACK,
        ssl_context=context,
    )


def test_https_is_fetched_over_a_verified_kept_alive_connection(
    tls_server: TlsServer, authority: trustme.CA
) -> None:
    base, handler = tls_server("127.0.0.1")

    with trusting(authority) as fetcher:
        assert fetcher.get(f"{base}/feed").body == b"<rss/>"
        assert fetcher.get(f"{base}/feed").body == b"<rss/>"

    assert len(handler.ports) == 2
    assert len(set(handler.ports)) == 1


def test_a_certificate_no_known_authority_signed_is_refused(
    tls_server: TlsServer, fetcher: Fetcher
) -> None:
    base, handler = tls_server("127.0.0.1")

    with pytest.raises(TransientError, match="CERTIFICATE_VERIFY_FAILED"):
        fetcher.get(f"{base}/feed")
    assert handler.ports == []


def test_a_certificate_for_another_name_is_refused(
    tls_server: TlsServer, authority: trustme.CA
) -> None:
    base, handler = tls_server("feeds.example")

    with (
        trusting(authority) as fetcher,
        pytest.raises(TransientError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        fetcher.get(f"{base}/feed")
    assert handler.ports == []


class _TrickleHandler(_KeepAliveHandler):
    def do_GET(self) -> None:
        type(self).ports.append(self.client_address[1])
        self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(100):  # a byte every 0.1 s: never idle long enough for a read timeout
            try:
                self.wfile.write(b"x")
                self.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)


def test_an_https_answer_that_never_completes_is_cut_off_at_its_time_budget(
    tls_server: TlsServer, authority: trustme.CA
) -> None:
    base, handler = tls_server("127.0.0.1", _TrickleHandler)
    context = ssl.create_default_context()
    authority.configure_trust(context)

    started = time.monotonic()
    with (
        Fetcher(
            user_agent="t",
            timeout=0.5,
            max_bytes=MAX_BYTES,
            allowed_networks=LOOPBACK,
            ssl_context=context,
        ) as fetcher,
        pytest.raises(TransientError, match="longer than"),
    ):
        fetcher.get(f"{base}/feed")
    assert time.monotonic() - started < 5  # the budget is 1.5 s; the server would go on 10 s
    assert len(handler.ports) == 1
