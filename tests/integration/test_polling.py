"""Polling real loopback servers into a real database: conditional GET, dedupe, refusal."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from werkzeug import Request, Response

from models.schema import Item, Source
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.demo.servers import SiteServer
from workers.hostlimits import MemoryHostLimiter
from workers.services.directory import add_source
from workers.services.polling import poll_source, poll_sources

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Acme opens an office</title><guid>a-1</guid><link>$base/a-1</link>
<pubDate>$rfc_1</pubDate></item>
<item><title>Acme hires</title><link>$base/a-2</link><pubDate>$rfc_2</pubDate></item>
<item><title>Old news</title><guid>a-0</guid><pubDate>$rfc_400</pubDate></item>
</channel></rss>"""


def add(app: App, url: str) -> int:
    with transaction(app.sessions) as session:
        source, _ = add_source(session, url, NOW)
        return source.id


def test_a_feed_is_stored_once_and_an_unchanged_one_costs_no_parse(app: App) -> None:
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")}, now=NOW)
    site.start()
    try:
        source_id = add(app, f"{site.base}/feed.xml")
        new = poll_source(app, source_id, NOW).new_items
        assert len(new) == 2  # the 400-day-old entry is not news, now or later
        assert poll_source(app, source_id, NOW + timedelta(hours=1)).new_items == []
        with app.sessions() as session:
            source = session.get_one(Source, source_id)
            assert source.last_status == "not modified"
            assert source.etag is not None
            assert source.next_poll_at > NOW + timedelta(hours=1)
            assert session.scalar(select(func.count(Item.id))) == 2
        site.pages["/feed.xml"] = (
            FEED.replace("Acme hires", "Acme hires again"),
            "application/rss+xml",
        )
        assert (
            poll_source(app, source_id, NOW + timedelta(hours=2)).new_items == []
        )  # same guid/link
        # An entry that leaves the feed and comes back is not news a second time.
        site.pages["/feed.xml"] = (
            FEED.replace("<guid>a-1</guid>", "<guid>a-9</guid>"),
            "application/rss+xml",
        )
        assert len(poll_source(app, source_id, NOW + timedelta(hours=3)).new_items) == 1
        site.pages["/feed.xml"] = (FEED, "application/rss+xml")
        assert poll_source(app, source_id, NOW + timedelta(hours=4)).new_items == []
    finally:
        site.stop()


def test_a_new_sources_first_poll_is_a_baseline_and_only_later_entries_are_news(
    app: App,
) -> None:
    baseline = replace(app, settings=replace(app.settings, first_poll_baseline=True))
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")}, now=NOW)
    site.start()
    try:
        source_id = add(baseline, f"{site.base}/feed.xml")
        assert poll_source(baseline, source_id, NOW).new_items == []
        with baseline.sessions() as session:
            assert session.scalar(select(func.count(Item.id))) == 0
            assert session.get_one(Source, source_id).last_status == "3 entries"
        site.pages["/feed.xml"] = (
            FEED.replace("<guid>a-1</guid>", "<guid>a-9</guid>"),
            "application/rss+xml",
        )
        later = poll_source(baseline, source_id, NOW + timedelta(hours=1)).new_items
        assert len(later) == 1  # the entry published after the baseline, and only it
        with baseline.sessions() as session:
            assert session.get_one(Item, later[0]).title == "Acme opens an office"
    finally:
        site.stop()


def test_a_loopback_source_is_refused_without_the_opt_in(app: App) -> None:
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")}, now=NOW)
    site.start()
    try:
        guarded = App.build(replace(app.settings, allow_private_networks=()), migrate=False)
        source_id = add(guarded, f"{site.base}/feed.xml")
        assert poll_source(guarded, source_id, NOW).new_items == []
        with guarded.sessions() as session:
            source = session.get_one(Source, source_id)
            assert source.last_status == "permanent error"
            assert "non-public address 127.0.0.1" in (source.last_error or "")
            assert source.error_count == 1 and source.next_poll_at > NOW
        assert site.requests == []
        guarded.close()
    finally:
        site.stop()


def test_a_broken_source_backs_off_and_recovers_on_its_own(app: App) -> None:
    site = SiteServer({}, now=NOW)
    site.start()
    try:
        source_id = add(app, f"{site.base}/feed.xml")
        delays = []
        for attempt in range(3):
            now = NOW + timedelta(days=attempt)
            poll_source(app, source_id, now)
            with app.sessions() as session:
                delays.append(session.get_one(Source, source_id).next_poll_at - now)
        assert delays[0] < delays[1] < delays[2]
        site.pages["/feed.xml"] = (FEED, "application/rss+xml")
        assert len(poll_source(app, source_id, NOW + timedelta(days=3)).new_items) == 2
        with app.sessions() as session:
            source = session.get_one(Source, source_id)
            assert (source.error_count, source.last_error) == (0, None)
    finally:
        site.stop()


def test_a_batch_records_each_outcome_and_one_crash_loses_nothing(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workers.services.polling import parsing as polling

    feed = (FEED, "application/rss+xml")
    site = SiteServer({"/same.xml": feed, "/new.xml": feed, "/crash.xml": feed}, now=NOW)
    site.start()
    real_parse = polling.parse_feed

    def parse_or_crash(body: bytes, *, url: str, headers: Any, **options: Any) -> Any:
        if url.endswith("/crash.xml"):
            raise RuntimeError("a bug in parsing")
        return real_parse(body, url=url, headers=headers, **options)

    monkeypatch.setattr(polling, "parse_feed", parse_or_crash)
    try:
        same, new, gone, crash = (
            add(app, f"{site.base}/{name}.xml") for name in ("same", "new", "gone", "crash")
        )
        poll_source(app, same, NOW)
        result = poll_sources(app, [same, new, gone, crash], NOW + timedelta(hours=1))
        assert len(result.new_items) == 2
        with app.sessions() as session:
            status = {
                s.id: (s.last_status, s.last_error, s.last_polled_at)
                for s in session.scalars(select(Source))
            }
        later = NOW + timedelta(hours=1)
        assert status[same] == ("not modified", None, later)
        assert status[new] == ("3 entries", None, later)
        assert status[gone] == ("permanent error", "HTTP 404", later)
        assert status[crash] == ("transient error", "internal error: RuntimeError", later)
    finally:
        site.stop()


def test_a_batch_on_one_host_sends_one_request_at_a_time(app: App, httpserver: HTTPServer) -> None:
    polite = replace(app, settings=replace(app.settings, host_concurrency=1))
    polite.hosts = MemoryHostLimiter(1, 60.0)

    def slow(request: Request) -> Response:
        time.sleep(0.3)  # long enough for the batch's other fetches to ask for the host
        return Response(FEED.replace("$", ""), content_type="application/rss+xml")

    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request(re.compile(r"/\d\.xml")).respond_with_handler(slow)
    ids = [add(app, httpserver.url_for(f"/{n}.xml")) for n in range(4)]
    poll_source(polite, ids[0], NOW)  # robots.txt is read once, before the batch

    def feeds() -> int:
        return sum(1 for request, _ in httpserver.log if request.path.endswith(".xml"))

    poll_sources(polite, ids[1:], NOW)
    assert feeds() == 2  # one of the three: the others wait for the host...
    with app.sessions() as session:
        due = sorted(session.get_one(Source, i).next_poll_at for i in ids[1:])
    assert due[:2] == [NOW + timedelta(seconds=1)] * 2  # ...and are due again in a second
    poll_sources(app, ids[1:], NOW)  # the control: without a limit, all three go at once
    assert feeds() == 5


def test_an_overlong_etag_or_link_is_not_kept_and_the_entry_is(
    app: App, httpserver: HTTPServer
) -> None:
    link = "https://news.example/" + "a" * 2500
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(
        FEED.split("<item>")[0] + f"<item><title>Acme hires</title><link>{link}</link>"
        "</item></channel></rss>",
        headers={"ETag": '"' + "e" * 600 + '"'},
        content_type="application/rss+xml",
    )
    source_id = add(app, httpserver.url_for("/feed.xml"))

    assert len(poll_source(app, source_id, NOW).new_items) == 1

    with app.sessions() as session:
        source = session.get_one(Source, source_id)
        assert (source.last_status, source.etag, source.error_count) == ("1 entries", None, 0)
        assert session.scalars(select(Item.link)).all() == [None]


def test_items_a_dead_poll_stored_but_never_handed_on_are_handed_on_again(app: App) -> None:
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")}, now=NOW)
    site.start()
    try:
        source_id = add(app, f"{site.base}/feed.xml")
        stored = poll_source(app, source_id, NOW).new_items
        # The worker died after storing the items, before the batch was recorded and
        # before it handed them to detection: the source looks as it did before the poll.
        with transaction(app.sessions) as session:
            source = session.get_one(Source, source_id)
            source.content_hash = source.seen_keys = source.etag = None
        again = poll_source(app, source_id, NOW + timedelta(minutes=1))
        assert (again.new_items, sorted(again.undetected)) == ([], sorted(stored))
        with transaction(app.sessions) as session:
            for item in session.scalars(select(Item)):
                item.detected_at = NOW
            session.get_one(Source, source_id).content_hash = None
        assert poll_source(app, source_id, NOW + timedelta(minutes=2)).undetected == []
    finally:
        site.stop()
