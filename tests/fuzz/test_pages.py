"""Page extraction and body decoding under hostile bytes: no exception, bounded CPU, and
results within the caps (a name of at most 100 characters, a web link or none)."""

from __future__ import annotations

import gzip
import re
import zlib

import brotli
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.decoding import BodyDecoder, DecodeError, OverflowBody
from sources.markup import bounded
from sources.pages import people_on_page, profile_of
from sources.pages.decoding import _MAX_CANDIDATES, _decoded
from tests.fuzz.hostile import CONTENT_TYPES, html_pages, mutated
from tests.fuzz.profile import FUZZ, cpu_bound

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
URL = "https://example.org/team/"


def _well_formed(person: object) -> None:
    name, title, url = (getattr(person, k) for k in ("name", "title", "url"))
    assert 0 < len(name) <= 100 and not CONTROL.search(name)
    assert title is None or not CONTROL.search(title)
    assert url is None or url.startswith(("http://", "https://"))


@FUZZ
@given(html_pages())
def test_people_on_a_hostile_page_within_the_caps(page: tuple[bytes | str, str | None]) -> None:
    html, content_type = page
    with cpu_bound(2.0):
        people = people_on_page(html, url=URL, content_type=content_type)
    assert len(people) <= 4 * _MAX_CANDIDATES
    for person in people:
        _well_formed(person)


@FUZZ
@given(html_pages())
def test_the_owner_of_a_hostile_profile_page(page: tuple[bytes | str, str | None]) -> None:
    html, content_type = page
    with cpu_bound(2.0):
        person = profile_of(html, url="https://example.org/jan-de-vries", content_type=content_type)
    if person is not None:
        _well_formed(person)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(CONTENT_TYPES))
def test_any_bytes_decode_to_text(raw: bytes, content_type: str | None) -> None:
    assert isinstance(_decoded(raw, content_type), str)


ENCODINGS = ["gzip", "deflate", "br", "identity", "utf-8", "gzip, br", "br, deflate", ""]
CODERS = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
    "raw-deflate": lambda data: zlib.compress(data, wbits=-15),
    "br": brotli.compress,
}


@st.composite
def encoded_bodies(draw: st.DrawFn) -> tuple[list[bytes], str]:
    """A body compressed by zero or more codings (a bomb, when it is long and alike), then
    perhaps cut, padded or damaged, in chunks."""
    size = draw(st.integers(0, 2_000_000))
    data = draw(st.sampled_from([b"\0", b"ab", b"<item>"])) * (size // 4) + draw(st.binary())
    codings = draw(st.lists(st.sampled_from(sorted(CODERS)), max_size=3))
    for coding in codings:
        data = CODERS[coding](data)
        if draw(st.booleans()):
            data += draw(st.sampled_from([b"", b"\0" * 8, data, b"\x1f\x8bjunk"]))
    data = draw(mutated(data))
    cuts = sorted(draw(st.lists(st.integers(0, len(data)), max_size=4)))
    chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    named = [c.replace("raw-deflate", "deflate") for c in codings]
    header = draw(st.sampled_from([", ".join(named), *ENCODINGS]))
    return chunks, header


@FUZZ
@given(encoded_bodies(), st.integers(1, 1_000_000))
def test_a_body_decodes_within_its_room_or_is_a_decode_error(
    body: tuple[list[bytes], str], room: int
) -> None:
    chunks, encoding = body
    decoder = BodyDecoder(encoding)
    coded = {name.strip() for name in encoding.split(",")} & {"gzip", "deflate", "br"}
    try:
        with cpu_bound(2.0):
            for chunk in chunks:
                out = decoder.decode(chunk, room)
                # A coding it does not know passes through: the fetcher's cap counts it.
                assert len(out) <= room if coded else out == chunk
        decoder.finish()
    except (DecodeError, OverflowBody):
        pass


@pytest.mark.parametrize(
    "opener",
    [
        '<div class="<!--">',  # what the fuzzing found (a 2 MB page: 45 s of CPU)
        "<div class=<!-- >",
        "<div title='<script>'>",
        '<div title="<style>" data-x=">">',
        '<div ="x>',  # '="x' is an attribute's name: the tag ends at its '>'
        '<div/="x>',
        '<a b= =">',
    ],
)
def test_markup_in_an_attribute_value_does_not_switch_off_the_nesting_bound(opener: str) -> None:
    # The depth scan read "<!--" (or "<script>") inside the value as the parser would not,
    # skipped the rest of the page, and Lexbor got it unbounded.
    html = "<!doctype html><html><body>" + opener + "<b c=1></div>x" * 100_000 + "-->"

    assert bounded(html) != html
    with cpu_bound(2.0):
        people_on_page(html, url=URL)
