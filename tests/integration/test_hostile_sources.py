"""A poll batch of hostile sources on loopback: each costs little, shows a clear error or
is capped, and every other source of the batch is recorded."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from models.schema import Item, Source
from tests.hostile_files import FEEDS, PAGES, Site, corpus_answers, kind_of
from tests.integration.conftest import NOW
from workers.app import App
from workers.cli import cli
from workers.db import transaction
from workers.services.directory import add_source, employer_named
from workers.services.polling import poll_sources

HEALTHY = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Acme opens an office</title><guid>a-1</guid></item>
<item><title>Acme hires</title><guid>a-2</guid></item></channel></rss>"""


@pytest.fixture
def site() -> Iterator[Site]:
    server = Site({"/robots.txt": (404, {}, b"")})
    yield server
    server.close()


def add(app: App, url: str, kind: str = "feed") -> int:
    with transaction(app.sessions) as session:
        employer = employer_named(session, "Acme", NOW, app.settings) if kind != "feed" else None
        source, _ = add_source(session, url, NOW, kind=kind, employer=employer)
        return source.id


def rows(app: App) -> dict[str, Source]:
    with app.sessions() as session:
        return {s.url.rsplit("/", 1)[-1]: s for s in session.scalars(select(Source))}


def test_a_batch_of_hostile_sources_records_every_source(
    app: App, site: Site, tmp_path: Any
) -> None:
    huge = "9" * 40
    rss = {"Content-Type": "application/rss+xml"}
    site.answers.update(
        corpus_answers()
        | {
            "/healthy": (200, rss, HEALTHY),
            "/max-age": (200, {**rss, "Cache-Control": f"max-age={huge}"}, HEALTHY),
            "/ttl": (200, rss, HEALTHY.replace(b"<title>t</title>", f"<ttl>{huge}</ttl>".encode())),
            "/retry-after": (503, {"Retry-After": huge}, b"busy"),
            "/expires": (200, {**rss, "Expires": "Fri, 31 Dec 9999 23:59:59 GMT"}, HEALTHY),
        }
    )
    names = [path.lstrip("/") for path in site.answers if path != "/robots.txt"]
    ids = [add(app, f"{site.base}/{name}", kind_of(name)) for name in names]
    started = time.process_time()
    poll_sources(app, ids, NOW)
    # The whole corpus, fetched, parsed and stored in one batch (the figures per file are
    # in the unit tests): far from the minutes it cost before.
    assert time.process_time() - started < 2.0 * len(ids)
    state = rows(app)
    assert all(s.last_polled_at == NOW for s in state.values()), [
        n for n, s in state.items() if s.last_polled_at != NOW
    ]
    longest = timedelta(seconds=app.settings.max_poll_interval)
    for name in ("healthy", "max-age", "ttl", "expires"):
        assert state[name].last_status == "2 entries", name
        assert state[name].next_poll_at <= NOW + longest * 1.1
        assert (state[name].interval_seconds or 0) <= app.settings.max_poll_interval
    assert state["retry-after"].last_status == "transient error"
    assert state["retry-after"].next_poll_at <= NOW + longest + timedelta(seconds=1)
    assert "internal subset" in (state["oversized_subset"].last_error or "")
    assert "first entry" in (state["one_huge_entry"].last_error or "")
    assert "no RSS or Atom feed found" in (state["utf16_laughs"].last_error or "")
    assert "entity declarations removed" in (state["billion_laughs"].last_status or "")
    assert state["many_entries"].skipped_entries == 20_000 - app.settings.max_entries_per_poll
    assert not any("internal error" in (s.last_error or "") for s in state.values())
    failing = {name for name, s in state.items() if s.failing_since is not None}
    assert {"oversized_subset", "one_huge_entry", "utf16_laughs", "retry-after"} <= failing
    listed = sources_failing(app, tmp_path)
    for name, source in state.items():
        row = next(
            (line for line in listed if line.split("│")[3].strip().endswith(f"/{name}")), None
        )
        if name in failing:
            assert row is not None and (source.last_error or "")[:40] in row, (name, listed)
        else:
            assert row is None, row


def sources_failing(app: App, data_dir: Any) -> list[str]:
    """The rows of ``keepwarm sources --failing`` for the app's database."""
    env = {"KEEPWARM_DATA_DIR": str(data_dir), "COLUMNS": "1000"}
    if app.settings.database_url:
        env["KEEPWARM_DATABASE_URL"] = app.settings.database_url
    result = CliRunner().invoke(cli, ["sources", "--failing"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if "http://" in line]


CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def test_check_source_reports_each_hostile_file_clearly(site: Site, tmp_path: Any) -> None:
    site.answers.update(corpus_answers())
    env = {
        "KEEPWARM_DATA_DIR": str(tmp_path),
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_HOST_INTERVAL": "0",
    }
    for name in [*FEEDS, *PAGES]:
        args = ["check-source", f"{site.base}/{name}", "--kind", kind_of(name)]
        result = CliRunner().invoke(cli, args, env=env)
        report = [line for line in result.output.splitlines() if '"event"' not in line]
        if result.exit_code == 0:
            assert re.match(r"(feed .*: \d+ entries|\d+ people on the page)", report[0]), report
        else:  # refused: the source error's kind and why, not a traceback
            assert result.exception is None or isinstance(result.exception, SystemExit), name
            assert re.match(r"Error: (TooLarge|NotAFeed)Error: \S", report[0]), report
        assert not CONTROL.search(result.output), (name, result.output)
        assert max(map(len, report)) < 200, name


def test_items_per_source_per_day_are_capped_and_counted(app: App, site: Site) -> None:
    capped = replace(app, settings=replace(app.settings, max_items_per_day=30))
    site.answers["/many"] = (200, {"Content-Type": "application/rss+xml"}, FEEDS["many_entries"]())
    source_id = add(app, f"{site.base}/many")
    poll_sources(capped, [source_id], NOW)
    with app.sessions() as session:
        stored = session.scalar(select(func.count(Item.id)).where(Item.source_id == source_id))
        skipped = session.get_one(Source, source_id).skipped_entries
    assert (stored, skipped) == (30, 20_000 - 30)


def test_keepwarm_sources_shows_the_skipped_count_and_markup_as_text(
    app: App, site: Site, tmp_path: Any
) -> None:
    site.answers["/many"] = (200, {"Content-Type": "application/rss+xml"}, FEEDS["many_entries"]())
    source_id = add(app, f"{site.base}/many")
    poll_sources(app, [source_id], NOW)
    with transaction(app.sessions) as session:
        session.get_one(Source, source_id).last_error = "[/x] [bold]not markup"
    env = {"KEEPWARM_DATA_DIR": str(tmp_path), "COLUMNS": "400"}
    if app.settings.database_url:
        env["KEEPWARM_DATABASE_URL"] = app.settings.database_url
    result = CliRunner().invoke(cli, ["sources"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "19800" in result.output
    assert "[/x] [bold]not markup" in result.output


@pytest.mark.parametrize("delay", ["1e300", "inf", "nan", "9" * 400])
def test_a_huge_crawl_delay_is_clamped_and_the_batch_recorded(
    app: App, site: Site, delay: str
) -> None:
    slow = Site({"/robots.txt": (200, {}, f"User-agent: *\nCrawl-delay: {delay}\n".encode())})
    try:
        rss = {"Content-Type": "application/rss+xml"}
        slow.answers.update({"/a": (200, rss, HEALTHY), "/b": (200, rss, HEALTHY)})
        site.answers["/healthy"] = (200, rss, HEALTHY)
        ids = [
            add(app, f"{slow.base}/a"),
            add(app, f"{slow.base}/b"),
            add(app, f"{site.base}/healthy"),
        ]
        poll_sources(app, ids, NOW)
    finally:
        slow.close()
    state = rows(app)
    assert state["healthy"].last_status == "2 entries"
    assert not any("internal error" in (s.last_error or "") for s in state.values())
    for source in state.values():
        assert source.next_poll_at <= NOW + timedelta(seconds=app.settings.max_poll_interval * 1.1)
