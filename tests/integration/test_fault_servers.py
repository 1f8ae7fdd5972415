"""Polling misbehaving servers on loopback: each gets the polite, bounded, self-healing
behaviour, and no request ever leaves 127.0.0.0/8."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from models.schema import Source
from sources import PermanentError, TooLargeError, TransientError
from sources.fetch import Fetcher
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.demo.servers import WebhookReceiver
from workers.services.directory import add_source
from workers.services.operators import alert_failing_sources
from workers.services.polling import poll_source
from workers.services.reporting import status

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><ttl>{ttl}</ttl>
<item><title>Acme opens an office</title><guid>a-1</guid></item></channel></rss>"""
LOOPBACK = [__import__("ipaddress").ip_network("127.0.0.0/8")]


def source(app: App, url: str) -> int:
    with transaction(app.sessions) as session:
        row, _ = add_source(session, url, NOW)
        return row.id


def state(app: App, source_id: int) -> Source:
    with app.sessions() as session:
        return session.get_one(Source, source_id)


def serve_no_robots_txt(httpserver: HTTPServer) -> None:
    """Most sites have no robots.txt: a 404 allows everything (RFC 9309)."""
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)


@pytest.fixture(autouse=True)
def no_robots_txt(httpserver: HTTPServer) -> None:
    """Every test's server starts without a robots.txt."""
    serve_no_robots_txt(httpserver)


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[BaseHTTPRequestHandler], None]], str]]:
    """A loopback server whose GET handler the test supplies."""
    servers: list[ThreadingHTTPServer] = []

    def start(handle: Callable[[BaseHTTPRequestHandler], None]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    handle(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def test_a_gzip_bomb_stops_at_the_size_cap(raw_server: Any) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)

    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Encoding", "gzip")
        h.send_header("Content-Length", str(len(bomb)))
        h.end_headers()
        h.wfile.write(bomb)

    fetcher = Fetcher(user_agent="t", timeout=5, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    started = time.monotonic()
    with pytest.raises(TooLargeError):
        fetcher.get(raw_server(handle) + "/feed")
    assert time.monotonic() - started < 15  # stopped early, not after 50 MB


def test_an_endless_body_stops_at_the_size_cap(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.end_headers()  # no length: the body ends when the connection does, i.e. never
        for _ in range(10_000):  # bounded: 640 MB at most
            h.wfile.write(b"x" * 65536)

    fetcher = Fetcher(user_agent="t", timeout=5, max_bytes=2_000_000, allowed_networks=LOOPBACK)
    with pytest.raises(TooLargeError):
        fetcher.get(raw_server(handle) + "/feed")


def test_a_slow_drip_is_cut_off_by_the_body_budget(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        for _ in range(100):  # a byte every 0.1 s: never idle long enough for a read timeout
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)

    fetcher = Fetcher(user_agent="t", timeout=0.5, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    started = time.monotonic()
    with pytest.raises(TransientError, match="body took longer"):
        fetcher.get(raw_server(handle) + "/feed")
    assert time.monotonic() - started < 8  # not after the 10 s the drip would take


def test_a_server_that_does_not_answer_times_out(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        time.sleep(3)  # silent well past the read timeout

    fetcher = Fetcher(user_agent="t", timeout=0.5, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    started = time.monotonic()
    with pytest.raises(TransientError, match="timed out"):
        fetcher.get(raw_server(handle) + "/feed")
    assert time.monotonic() - started < 2


def _trickled_headers(h: BaseHTTPRequestHandler) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    for _ in range(100):  # a byte every 0.1 s: never idle long enough for a read timeout
        h.wfile.write(b"x")
        h.wfile.flush()
        time.sleep(0.1)


def _endless_interim_answers(h: BaseHTTPRequestHandler) -> None:
    for _ in range(20_000):  # bounded: 20,000 "100 Continue", 0.5 ms apart
        h.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        h.wfile.flush()
        time.sleep(0.0005)


@pytest.mark.parametrize("handle", [_trickled_headers, _endless_interim_answers])
def test_an_answer_that_never_completes_is_cut_off_at_its_time_budget(
    raw_server: Any, handle: Callable[[BaseHTTPRequestHandler], None]
) -> None:
    fetcher = Fetcher(user_agent="t", timeout=0.5, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    started = time.monotonic()
    with pytest.raises(TransientError, match="longer than"):
        fetcher.get(raw_server(handle) + "/feed")
    assert time.monotonic() - started < 5  # the budget is 1.5 s; the server would go on 10 s


def test_a_304_that_claims_a_chunked_body_is_not_modified_at_once(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n")
        h.wfile.flush()
        time.sleep(3)

    fetcher = Fetcher(user_agent="t", timeout=2, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    started = time.monotonic()
    assert fetcher.get(raw_server(handle) + "/feed", etag='"v1"').not_modified
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    ("answer", "error", "message"),
    [
        # Early hints and then nothing: the answer never came.
        (b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n", TransientError, "disconnected"),
        (b"HTTP/1.1 302 Found\r\nLocation: http://[x/\r\n\r\n", PermanentError, "invalid"),
        (b"HTTP/1.1 302 Found\r\nLocation: http://a\x01b.example/\r\n\r\n", PermanentError, "URL"),
        (b"HTTP/1.1 503 Busy\r\nRetry-After: \xc2\xb2\r\n\r\n", TransientError, "503"),
    ],
)
def test_odd_answers_are_source_errors_not_crashes(
    raw_server: Any, answer: bytes, error: type[Exception], message: str
) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(answer)

    fetcher = Fetcher(user_agent="t", timeout=2, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    with pytest.raises(error, match=message):
        fetcher.get(raw_server(handle) + "/feed")


def test_early_hints_before_the_answer_are_not_an_error(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.wfile.write(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
        h.wfile.write(b'HTTP/1.1 200 OK\r\nContent-Length: 6\r\nETag: "e"\r\n\r\n<rss/>')

    fetcher = Fetcher(user_agent="t", timeout=2, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    result = fetcher.get(raw_server(handle) + "/feed")
    assert (result.status, result.body, result.etag) == (200, b"<rss/>", '"e"')


def test_a_body_cut_short_is_a_transient_error(raw_server: Any) -> None:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<rss>")  # and the connection closes

    fetcher = Fetcher(user_agent="t", timeout=5, max_bytes=1_000_000, allowed_networks=LOOPBACK)
    with pytest.raises(TransientError, match="before the body ended"):
        fetcher.get(raw_server(handle) + "/feed")


def test_robots_txt_that_forbids_is_obeyed(app: App, httpserver: HTTPServer) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n"
    )
    httpserver.expect_request("/private/feed.xml").respond_with_data(FEED.format(ttl=60))
    source_id = source(app, httpserver.url_for("/private/feed.xml"))
    assert poll_source(app, source_id, NOW).new_items == []
    row = state(app, source_id)
    assert row.last_status == "permanent error" and "robots.txt disallows" in (row.last_error or "")
    assert [r.path for r, _ in httpserver.log] == ["/robots.txt"]


def test_429_with_retry_after_is_honoured(app: App, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7200"}
    )
    source_id = source(app, httpserver.url_for("/feed.xml"))
    poll_source(app, source_id, NOW)
    row = state(app, source_id)
    assert row.last_status == "transient error"
    assert row.next_poll_at >= NOW + timedelta(seconds=7200)
    assert row.enabled


def test_a_flapping_host_recovers_on_its_own(app: App, httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/feed.xml").respond_with_data("oops", status=503)
    httpserver.expect_request("/feed.xml").respond_with_data(FEED.format(ttl=60))
    source_id = source(app, httpserver.url_for("/feed.xml"))
    poll_source(app, source_id, NOW)
    assert state(app, source_id).error_count == 1
    assert len(poll_source(app, source_id, NOW + timedelta(hours=1)).new_items) == 1
    row = state(app, source_id)
    assert (row.error_count, row.failing_since, row.last_error) == (0, None, None)


def test_a_source_gone_for_a_day_comes_back_and_one_gone_for_days_is_disabled(
    app: App, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    httpserver.expect_request("/back.xml").respond_with_data("missing", status=404)
    gone, back = (
        source(app, httpserver.url_for("/gone.xml")),
        source(app, httpserver.url_for("/back.xml")),
    )
    for hours in range(0, 25, 6):
        poll_source(app, back, NOW + timedelta(hours=hours))
    httpserver.clear_all_handlers()
    serve_no_robots_txt(httpserver)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    httpserver.expect_request("/back.xml").respond_with_data(FEED.format(ttl=60))
    assert len(poll_source(app, back, NOW + timedelta(hours=30)).new_items) == 1
    assert state(app, back).enabled and state(app, back).failing_since is None
    for day in range(5):
        poll_source(app, gone, NOW + timedelta(days=day))
    row = state(app, gone)
    assert (
        not row.enabled
        and "failing since" in (row.disabled_reason or "")
        and "410" in (row.disabled_reason or "")
    )
    assert status(app, NOW + timedelta(days=5), {})["disabled sources"] == 1


def test_the_operator_hears_once_about_a_source_failing_for_a_day(
    app: App, httpserver: HTTPServer
) -> None:
    hooks = WebhookReceiver()
    hooks.start()
    try:
        app.settings = replace(app.settings, operator_webhook=f"{hooks.base}/ops")
        httpserver.expect_request("/feed.xml").respond_with_data("oops", status=500)
        source_id = source(app, httpserver.url_for("/feed.xml"))
        poll_source(app, source_id, NOW)
        assert alert_failing_sources(app, NOW + timedelta(hours=1)) == 0  # too soon
        poll_source(app, source_id, NOW + timedelta(hours=25))
        assert alert_failing_sources(app, NOW + timedelta(hours=25)) == 1
        assert alert_failing_sources(app, NOW + timedelta(hours=26)) == 0  # once per spell
    finally:
        hooks.stop()
    [alert] = hooks.received
    assert (
        alert["json"]["event"] == "sources.failing"
        and f"source {source_id} " in alert["json"]["lines"][0]
    )


def test_the_schedule_follows_the_feed_ttl_and_backs_off_when_quiet(
    app: App, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED.format(ttl=240), headers={"ETag": '"v1"'}
    )
    source_id = source(app, httpserver.url_for("/feed.xml"))
    poll_source(app, source_id, NOW)
    first = state(app, source_id).interval_seconds or 0
    assert first >= 240 * 60  # the feed asked for four hours between polls
    poll_source(app, source_id, NOW + timedelta(hours=5))  # same body: unchanged
    assert (state(app, source_id).interval_seconds or 0) > first


def test_two_polls_of_one_host_are_spaced(app: App, httpserver: HTTPServer) -> None:
    polite = replace(app, settings=replace(app.settings, host_interval=30.0))
    httpserver.expect_request("/a.xml").respond_with_data(FEED.format(ttl=60))
    httpserver.expect_request("/b.xml").respond_with_data(FEED.format(ttl=60))
    a, b = source(app, httpserver.url_for("/a.xml")), source(app, httpserver.url_for("/b.xml"))
    poll_source(polite, a, NOW)
    poll_source(polite, b, NOW)
    assert state(app, a).last_polled_at == NOW
    waiting = state(app, b)
    assert waiting.last_polled_at is None and waiting.error_count == 0  # not a failure
    assert NOW + timedelta(seconds=25) < waiting.next_poll_at <= NOW + timedelta(seconds=30)
    assert [r.path for r, _ in httpserver.log if r.path.endswith(".xml")] == ["/a.xml"]


def test_sources_import_adds_thousands_idempotently_and_reports_bad_rows(
    app: App, tmp_path: Any
) -> None:
    from workers.services.source_import import import_sources

    rows = ["url,kind,employer"] + [
        f"https://news{i}.example/feed.xml,feed,Employer {i % 50}" for i in range(2000)
    ]
    rows += [
        "ftp://bad.example/feed,feed,X",
        "https://team.example/,team_page,",
        "https://x.example/,blog,",
    ]
    path = tmp_path / "sources.csv"
    path.write_text("\n".join(rows), "utf-8")
    first = import_sources(app, path, NOW)
    assert (first.created, first.unchanged) == (2000, 0)
    assert [r.line for r in first.rejected] == [2002, 2003, 2004]
    assert "team page needs --employer" in first.rejected[1].reason
    again = import_sources(app, path, NOW)
    assert (again.created, again.unchanged, len(again.rejected)) == (0, 2000, 3)
    assert status(app, NOW, {})["sources due now"] == 2000
