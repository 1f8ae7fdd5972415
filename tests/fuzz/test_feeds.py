"""Feed parsing under hostile bytes: only source errors, results within the caps, bounded CPU."""

from __future__ import annotations

import re

import pytest
from feedparser.sanitizer import RE_ENTITY_PATTERN
from hypothesis import example, given
from hypothesis import strategies as st

from sources import NotAFeedError, SourceError
from sources.feedguard import MAX_BYTES, guarded
from sources.feeds import parse_feed
from tests.fuzz.hostile import feed_documents
from tests.fuzz.profile import FUZZ, cpu_bound

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FEEDPARSER_HEAD_END = re.compile(rb"<\w")

# Crashes the fuzzing found, kept as they were shrunk.
NUL_IN_ENCODING = (
    b'<?xml version="1.0" encoding="utf-8\x00"?><rss version="2.0"><channel><title>T</title>'
    b"</channel></rss>",
    {},
)
"""feedparser looked the encoding name up as it was: ValueError (embedded null character)."""


OUT_OF_RANGE_REFERENCE = (
    b'<rss version="2.0"><channel><title>T</title><>&#2000000;</channel></rss>',
    {},
)
"""feedparser's loose parser took the reference to chr(): ValueError."""


@pytest.mark.parametrize(
    "reference",
    [
        "&#2000000;",
        "&#x110000;",
        "&#99999999999999999999;",
        "&#" + "9" * 5000 + ";",
        "&#xD800;",
        "&#xdfff;",
        "&#0;",
        "&#1;",
        "&#xFFFE;",
    ],
)
@pytest.mark.parametrize("well_formed", [True, False])
def test_a_reference_to_a_character_xml_does_not_have_becomes_a_replacement_character(
    reference: str, well_formed: bool
) -> None:
    # Each crashed the parse before (ValueError or OverflowError from chr(), int()'s digit
    # limit) or left a lone surrogate that cannot be encoded to store the entry.
    junk = "" if well_formed else "<>"
    body = (
        f'<rss version="2.0"><channel><title>T</title><item><title>a{reference}b</title>'
        f"<guid>g{reference}</guid></item>{junk}</channel></rss>"
    ).encode()

    parsed = parse_feed(body, url="https://example.org/feed")

    assert [entry.title for entry in parsed.entries] == ["a\ufffdb"]
    assert parsed.problem is not None and "references" in parsed.problem


def test_references_to_characters_xml_has_are_kept() -> None:
    body = (
        b'<rss version="2.0"><channel><title>T</title><item>'
        b"<title>&#x1F600;&#233;&#x9;x</title></item></channel></rss>"
    )

    parsed = parse_feed(body, url="https://example.org/feed")

    assert [entry.title for entry in parsed.entries] == ["\U0001f600é x"]


LOOSE_PARSER_KEY_ERROR = (
    b'<rss version="2.0"><channel><title>T</title><item><LINK<item</item></channel></rss>',
    {},
)
"""Cut to one entry, feedparser's loose parser ends a link it never started: KeyError."""


def test_a_document_that_breaks_feedparser_is_no_feed() -> None:
    body, headers = LOOSE_PARSER_KEY_ERROR
    with pytest.raises(NotAFeedError, match=r"feed parser failed on it \(KeyError\)"):
        parse_feed(body, url="https://example.org/feed", headers=headers, max_entries=1)


def test_an_encoding_name_with_a_nul_is_no_feed() -> None:
    body, headers = NUL_IN_ENCODING
    with pytest.raises(NotAFeedError, match="encoding"):
        parse_feed(body, url="https://example.org/feed", headers=headers)


@FUZZ
@given(feed_documents(), st.integers(1, 300))
@example(NUL_IN_ENCODING, 1)
@example(OUT_OF_RANGE_REFERENCE, 1)
@example(LOOSE_PARSER_KEY_ERROR, 1)
def test_a_feed_parses_or_is_a_source_error_within_the_caps(
    document: tuple[bytes, dict[str, str]], max_entries: int
) -> None:
    body, headers = document
    with cpu_bound(2.0):
        try:
            parsed = parse_feed(
                body, url="https://example.org/feed", headers=headers, max_entries=max_entries
            )
        except SourceError:
            return
    assert len(parsed.entries) <= max_entries
    assert parsed.skipped >= 0
    assert not CONTROL.search(parsed.title)
    for entry in parsed.entries:
        assert not CONTROL.search(entry.title) and not CONTROL.search(entry.summary)
        assert entry.link is None or entry.link.startswith(("http://", "https://"))
        assert re.fullmatch(r"[0-9a-f]{64}", entry.key)


@FUZZ
@given(feed_documents(), st.integers(1, 300))
@example(NUL_IN_ENCODING, 1)
def test_the_guard_leaves_feedparser_no_entity_declaration_and_no_more_than_its_budget(
    document: tuple[bytes, dict[str, str]], max_entries: int
) -> None:
    body, headers = document
    try:
        guard = guarded(body, headers, max_entries=max_entries)
    except SourceError:
        return
    if guard.body is body:  # unchanged: it already complied (no declaration, in budget)
        assert guard.skipped == 0 and guard.problem is None
    else:
        # The cut keeps whole entries up to MAX_BYTES and closes what is open after them.
        assert len(guard.body) <= MAX_BYTES + 64 * 1024
    head_end = FEEDPARSER_HEAD_END.search(guard.body)
    head = guard.body[: head_end.start() + 1 if head_end else len(guard.body)]
    if guard.body is not body:
        assert not RE_ENTITY_PATTERN.search(head)
