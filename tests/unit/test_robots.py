"""robots.txt against a real HTTP server on 127.0.0.1: RFC 9309 rules, cached per host."""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sources import DisallowedError, TransientError
from sources.fetch import Fetcher
from sources.robots import RobotsCache

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
ROBOTS = """User-agent: *
Disallow: /private/
Allow: /private/feeds/

User-agent: keepwarm
Disallow: /careers
Crawl-delay: 4
"""


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(user_agent="t", timeout=5, max_bytes=100_000, allowed_networks=LOOPBACK) as f:
        yield f


def url(httpserver: HTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{httpserver.port}{path}"


def test_the_longest_match_decides_and_our_group_applies(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(ROBOTS)
    robots = RobotsCache(fetcher, "keepwarm")
    anyone = RobotsCache(fetcher, "otherbot")

    assert robots.check(url(httpserver, "/news.xml")) == 4.0
    with pytest.raises(DisallowedError):
        robots.check(url(httpserver, "/careers/feed"))
    # The "*" group is not ours once a group names us (RFC 9309 2.2.1).
    assert robots.check(url(httpserver, "/private/x")) == 4.0
    with pytest.raises(DisallowedError):
        anyone.check(url(httpserver, "/private/x"))
    assert anyone.check(url(httpserver, "/private/feeds/a.xml")) is None  # longer Allow wins


def test_a_missing_robots_txt_allows_all_and_an_unreachable_one_closes_the_site(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    httpserver.expect_ordered_request("/robots.txt").respond_with_data("", status=404)
    assert RobotsCache(fetcher, "keepwarm").check(url(httpserver, "/feed")) is None

    httpserver.expect_ordered_request("/robots.txt").respond_with_data("", status=503)
    with pytest.raises(TransientError, match=r"robots\.txt could not be fetched"):
        RobotsCache(fetcher, "keepwarm").check(url(httpserver, "/feed"))


def test_robots_txt_is_fetched_once_for_many_checks_even_at_the_same_moment(
    httpserver: HTTPServer, fetcher: Fetcher
) -> None:
    def slow(_: Request) -> Response:
        time.sleep(0.3)  # every thread asks while the first fetch is under way
        return Response(ROBOTS)

    httpserver.expect_request("/robots.txt").respond_with_handler(slow)
    robots = RobotsCache(fetcher, "keepwarm")
    delays: list[float | None] = []

    threads = [
        threading.Thread(target=lambda: delays.append(robots.check(url(httpserver, "/a"))))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    robots.check(url(httpserver, "/b"))

    assert delays == [4.0] * 8
    assert [request.path for request, _ in httpserver.log] == ["/robots.txt"]


def test_a_robots_txt_over_500_kib_is_obeyed_on_its_first_500_kib(
    httpserver: HTTPServer,
) -> None:
    rules = "User-agent: *\nDisallow: /private/\n"
    padding = "".join(f"# comment line {i:06d} to pad the file out\n" for i in range(20_000))
    later = "Disallow: /late/\n"  # past 500 KiB: not read
    httpserver.expect_request("/robots.txt").respond_with_data(rules + padding + later)
    assert len(padding) > 500 * 1024

    # The cap on other answers is far smaller: robots.txt is read to 500 KiB regardless.
    with Fetcher(user_agent="t", timeout=5, max_bytes=100_000, allowed_networks=LOOPBACK) as f:
        robots = RobotsCache(f, "keepwarm")
        with pytest.raises(DisallowedError):
            robots.check(url(httpserver, "/private/feed"))
        assert robots.check(url(httpserver, "/late/feed")) is None
