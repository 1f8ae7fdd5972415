"""parse_feed against the real-world corpus and small hand-written feeds."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from sources import NotAFeedError, PermanentError
from sources.feeds import ParsedFeed, parse_feed

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "feeds"
CORPUS_FILES = sorted(p for p in CORPUS.iterdir() if p.suffix != ".md") if CORPUS.is_dir() else []
NOT_FEEDS = {
    "danmactough-node-feedparser__notafeed.html",
    "kurtmckee-feedparser__rss_empty_document.xml",
    "miniflux-v2__iso88591_utf8_mismatch.xml",
    "rbren-rss-parser__unrecognized.rss",
}
RSS = {"Content-Type": "application/rss+xml"}
ATOM = {"Content-Type": "application/atom+xml"}

# feedparser warns about its own updated -> published fallback; that is not ours to fix here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:To avoid breaking existing software:DeprecationWarning"
)


@cache
def parse_corpus_file(name: str) -> ParsedFeed | NotAFeedError:
    """Each corpus file parsed once per test run; NotAFeedError is returned, not raised."""
    try:
        return parse_feed((CORPUS / name).read_bytes(), url=f"https://feeds.example.org/{name}")
    except NotAFeedError as exc:
        return exc


def rss(*items: str) -> bytes:
    body = "".join(f"<item>{item}</item>" for item in items)
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>News</title>'
        f"<link>https://example.com/</link>{body}</channel></rss>"
    ).encode()


def test_corpus_has_the_files_it_documents() -> None:
    assert len(CORPUS_FILES) >= 100
    assert {p.name for p in CORPUS_FILES} >= NOT_FEEDS


@pytest.mark.parametrize("name", [p.name for p in CORPUS_FILES])
def test_every_corpus_file_parses_or_is_not_a_feed(name: str) -> None:
    outcome = parse_corpus_file(name)

    if isinstance(outcome, NotAFeedError):
        assert isinstance(outcome, PermanentError)
        assert str(outcome)
    else:
        assert outcome.version or outcome.entries or outcome.title
        for entry in outcome.entries:
            assert len(entry.key) == 64
            assert "<" not in entry.title or ">" not in entry.title
            assert entry.published_at is None or entry.published_at.tzinfo is not None


def test_only_the_documents_that_are_not_feeds_raise_not_a_feed() -> None:
    refused = {p.name for p in CORPUS_FILES if isinstance(parse_corpus_file(p.name), NotAFeedError)}

    assert refused == NOT_FEEDS


@pytest.mark.parametrize(
    "name",
    [
        "rbren-rss-parser__guardian.rss",
        "NetNewsWire__DaringFireball.atom",
        "bsuir-PythonHomework__google_news.xml",
        "miniflux-v2__rdf_UTF8.xml",
    ],
)
def test_keys_are_stable_across_parses(name: str) -> None:
    body = (CORPUS / name).read_bytes()

    first = parse_feed(body, url="https://feeds.example.org/feed")
    second = parse_feed(body, url="https://feeds.example.org/feed")

    assert [e.key for e in first.entries] == [e.key for e in second.entries]
    assert len({e.key for e in first.entries}) == len(first.entries) > 0


def test_a_feed_that_repeats_a_guid_gives_one_key_for_it() -> None:
    # scriptingNews repeats two guids; each repeated guid keeps one key.
    feed = parse_corpus_file("NetNewsWire__scriptingNews.rss")

    assert isinstance(feed, ParsedFeed)
    assert len(feed.entries) == 50
    assert len({e.key for e in feed.entries}) == 48


@pytest.mark.parametrize(
    ("name", "headers"),
    [
        ("rbren-rss-parser__guardian.rss", RSS),
        ("NetNewsWire__DaringFireball.atom", ATOM),
        ("miniflux-v2__large_rss.xml", RSS),
    ],
)
def test_a_truncated_feed_still_yields_entries_and_reports_a_problem(
    name: str, headers: dict[str, str]
) -> None:
    body = (CORPUS / name).read_bytes()
    whole = parse_feed(body, url="https://feeds.example.org/feed", headers=headers)

    half = parse_feed(body[: len(body) // 2], url="https://feeds.example.org/feed", headers=headers)

    assert whole.problem is None
    assert half.problem
    assert 0 < len(half.entries) < len(whole.entries)
    # Every entry before the one cut off keeps the key it has in the whole feed.
    assert {e.key for e in half.entries[:-1]} <= {e.key for e in whole.entries}


def test_entries_are_unique_by_guid() -> None:
    body = rss(
        "<title>A</title><link>https://example.com/same</link><guid>g-1</guid>",
        "<title>B</title><link>https://example.com/same</link><guid>g-2</guid>",
        "<title>C</title><link>https://example.com/same</link><guid>g-3</guid>",
    )

    feed = parse_feed(body, url="https://example.com/feed", headers=RSS)

    assert len({e.key for e in feed.entries}) == 3


def test_same_guid_same_key_even_when_the_entry_is_edited() -> None:
    before = parse_feed(rss("<title>Old</title><guid>g-1</guid>"), url="https://e.com/f")
    after = parse_feed(
        rss("<title>New title</title><description>more</description><guid>g-1</guid>"),
        url="https://e.com/f",
    )

    assert before.entries[0].key == after.entries[0].key
    assert after.entries[0].title == "New title"


def test_an_entry_without_guid_is_identified_by_its_link() -> None:
    before = parse_feed(
        rss("<title>Old</title><link>https://e.com/a</link>"), url="https://e.com/f"
    )
    edited = parse_feed(
        rss("<title>Edited</title><description>x</description><link>https://e.com/a</link>"),
        url="https://e.com/f",
    )
    other = parse_feed(rss("<title>Old</title><link>https://e.com/b</link>"), url="https://e.com/f")

    assert before.entries[0].key == edited.entries[0].key
    assert before.entries[0].key != other.entries[0].key


def test_an_entry_without_guid_or_link_is_identified_by_its_content() -> None:
    one = parse_feed(rss("<title>A</title>"), url="https://e.com/f").entries[0]
    same = parse_feed(rss("<title>A</title>"), url="https://e.com/f").entries[0]
    other = parse_feed(rss("<title>B</title>"), url="https://e.com/f").entries[0]

    assert one.key == same.key != other.key
    assert one.link is None


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("/news/a", "https://feeds.example.org/news/a"),
        ("news/b", "https://feeds.example.org/dir/news/b"),
        ("../c", "https://feeds.example.org/c"),
        ("https://other.org/d", "https://other.org/d"),
    ],
)
def test_relative_links_resolve_against_the_fetched_url(link: str, expected: str) -> None:
    feed = parse_feed(
        rss(f"<title>A</title><link>{link}</link>"),
        url="https://feeds.example.org/dir/feed.xml",
        headers=RSS,
    )

    assert feed.entries[0].link == expected


def test_relative_atom_link_resolves_against_the_fetched_url() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>X</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>"
        b'<entry><title>E</title><id>urn:e</id><link href="/e1"/>'
        b"<updated>2024-01-02T03:04:05Z</updated></entry></feed>"
    )

    feed = parse_feed(body, url="https://a.example/feeds/atom", headers=ATOM)

    assert feed.version == "atom10"
    assert feed.problem is None
    assert feed.entries[0].link == "https://a.example/e1"
    assert feed.entries[0].published_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_titles_and_summaries_are_plain_text() -> None:
    body = rss(
        "<title>C &amp; <b>bold</b></title><guid>g</guid>"
        "<description>&lt;p&gt;Hello &lt;i&gt;there&lt;/i&gt;&lt;/p&gt;\n  again</description>"
        "<pubDate>Tue, 05 Mar 2024 10:00:00 GMT</pubDate>"
    )

    entry = parse_feed(body, url="https://e.com/f", headers=RSS).entries[0]

    assert entry.title == "C & bold"
    assert entry.summary == "Hello there again"
    assert entry.published_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)


def test_scripts_and_styles_in_a_summary_are_not_text() -> None:
    body = rss(
        "<title>t</title><guid>g</guid><description>&lt;style&gt;p {color: red}&lt;/style&gt;"
        "&lt;p&gt;Jan joins&lt;script&gt;track('x')&lt;/script&gt; Acme&lt;/p&gt;"
        "&lt;noscript&gt;enable JS&lt;/noscript&gt;</description>"
    )

    entry = parse_feed(body, url="https://e.com/f", headers=RSS).entries[0]

    assert entry.summary == "Jan joins Acme"


@pytest.mark.parametrize(
    "body",
    [b"", b"just some text", b"<html><body><p>Hello</p></body></html>", b'{"json": true}'],
)
def test_documents_without_a_feed_raise_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeedError):
        parse_feed(body, url="https://e.com/f", headers={"Content-Type": "text/html"})
