"""``keepwarm check-source`` and ``keepwarm sources discover`` fetch as polling does:
robots.txt first (a disallowed URL is not fetched, and the command says why), then within
the host's spacing (KEEPWARM_HOST_INTERVAL or the site's Crawl-delay)."""

from __future__ import annotations

import itertools
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from sources import TransientError
from tests.integration.conftest import NOW
from workers.app import App
from workers.cli import cli
from workers.db import transaction
from workers.services.directory import discover_sources, employer_named
from workers.services.inspection import inspect_source
from workers.settings import Settings

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title>
<item><title>Acme opens an office</title><guid>1</guid></item></channel></rss>"""
INDEX = '<html><head><link rel="alternate" type="application/rss+xml" href="/feed"></head></html>'


def invoke(tmp_path: Path, *args: str) -> Result:
    env = {
        "KEEPWARM_DATA_DIR": str(tmp_path),
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_HOST_INTERVAL": "0",
        "COLUMNS": "300",
    }
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def employer_with_website(tmp_path: Path, website: str) -> None:
    """An employer with a website in the embedded database the commands open."""
    settings = Settings.from_values({"data_dir": str(tmp_path)})
    app = App.build(settings)
    try:
        with transaction(app.sessions) as session:
            employer_named(session, "Acme", NOW, settings, website=website)
    finally:
        app.close()


def fetched(httpserver: HTTPServer) -> list[str]:
    return [request.path for request, _ in httpserver.log]


def test_check_source_does_not_fetch_what_robots_txt_disallows(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private/\n"
    )
    httpserver.expect_request("/private/feed.xml").respond_with_data(FEED)
    httpserver.expect_request("/news.xml").respond_with_data(FEED)

    refused = invoke(tmp_path, "check-source", httpserver.url_for("/private/feed.xml"))
    allowed = invoke(tmp_path, "check-source", httpserver.url_for("/news.xml"))

    assert refused.exit_code != 0
    assert "robots.txt disallows this URL" in refused.output
    assert allowed.exit_code == 0 and "1 entries" in allowed.output, allowed.output
    assert "/private/feed.xml" not in fetched(httpserver)


def test_discover_skips_disallowed_pages_says_so_and_finds_an_allowed_feed(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /feed\n")
    httpserver.expect_request("/").respond_with_data(INDEX, content_type="text/html")
    httpserver.expect_request("/feed").respond_with_data(FEED)
    httpserver.expect_request("/rss").respond_with_data(FEED)
    employer_with_website(tmp_path, httpserver.url_for("/"))

    result = invoke(tmp_path, "sources", "discover")

    assert result.exit_code == 0, result.output
    assert f"added {httpserver.url_for('/rss')}" in result.output
    assert f"not read: {httpserver.url_for('/feed')}: robots.txt disallows" in result.output
    assert "/feed" not in fetched(httpserver)


def test_discover_on_a_closed_site_fetches_nothing_but_robots_txt(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    httpserver.expect_request("/").respond_with_data(INDEX, content_type="text/html")
    employer_with_website(tmp_path, httpserver.url_for("/"))

    result = invoke(tmp_path, "sources", "discover")

    assert result.exit_code == 0, result.output
    assert f"no feed found at {httpserver.url_for('/')}" in result.output
    assert "robots.txt disallows" in result.output
    assert fetched(httpserver) == ["/robots.txt"]


def timed(httpserver: HTTPServer, robots: str) -> list[float]:
    """Serve robots.txt and feeds on every other path; return when each feed was asked."""
    arrivals: list[float] = []

    def answer(request: Request) -> Response:
        arrivals.append(time.monotonic())
        return Response(FEED, content_type="application/rss+xml")

    httpserver.expect_request("/robots.txt").respond_with_data(robots)
    httpserver.expect_request("/").respond_with_data(INDEX, content_type="text/html")
    httpserver.expect_request("/feed").respond_with_handler(answer)
    httpserver.expect_request("/news.xml").respond_with_handler(answer)
    return arrivals


def test_check_source_keeps_the_host_interval_shared_with_polling(
    app: App, httpserver: HTTPServer
) -> None:
    spaced = replace(app, settings=replace(app.settings, host_interval=0.4))
    arrivals = timed(httpserver, "")
    for _ in range(3):
        inspect_source(spaced, httpserver.url_for("/news.xml"), "feed")
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrivals)]
    assert len(arrivals) == 3 and min(gaps) >= 0.35, gaps


def test_a_crawl_delay_past_a_commands_patience_refuses_the_fetch_and_says_why(
    app: App, httpserver: HTTPServer
) -> None:
    arrivals = timed(httpserver, "User-agent: *\nCrawl-delay: 600\n")
    url = httpserver.url_for("/news.xml")
    inspect_source(app, url, "feed")
    with pytest.raises(TransientError, match="one request per 600 s"):
        inspect_source(app, url, "feed")
    assert len(arrivals) == 1


def test_discovery_keeps_the_host_interval(app: App, httpserver: HTTPServer) -> None:
    spaced = replace(app, settings=replace(app.settings, host_interval=0.3))
    arrivals = timed(httpserver, "")
    with transaction(app.sessions) as session:
        employer_named(session, "Acme", NOW, app.settings, website=httpserver.url_for("/"))
    inspect_source(spaced, httpserver.url_for("/news.xml"), "feed")  # the host was just asked

    started = time.monotonic()
    [found] = discover_sources(spaced, NOW)

    assert found.feed == httpserver.url_for("/feed") and found.added
    # The index page waited for the check's slot, the feed for the index page's.
    assert time.monotonic() - started >= 0.5
    assert arrivals[1] - arrivals[0] >= 0.55
