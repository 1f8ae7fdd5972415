"""Content decoding through the fetcher against a real server on 127.0.0.1: br, gzip
members after the first, chains, streams cut short, the cap counted on decoded bytes."""

from __future__ import annotations

import gzip
import ipaddress
import zlib
from collections.abc import Iterator

import brotli
import pytest
from pytest_httpserver import HTTPServer

from sources import TooLargeError, TransientError
from sources.decoding import BodyDecoder, OverflowBody
from sources.fetch import Fetcher

LOOPBACK = [ipaddress.ip_network("127.0.0.0/8")]
MAX_BYTES = 10_000
BODY = b"<rss>" + b"news " * 1500 + b"</rss>"  # 7,511 bytes, under the cap


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(user_agent="t", timeout=5, max_bytes=MAX_BYTES, allowed_networks=LOOPBACK) as f:
        yield f


def serve(httpserver: HTTPServer, body: bytes, encoding: str) -> str:
    httpserver.expect_request("/feed").respond_with_data(
        body, headers={"Content-Encoding": encoding}
    )
    return f"http://127.0.0.1:{httpserver.port}/feed"


def test_a_brotli_body_is_decoded(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    assert fetcher.get(serve(httpserver, brotli.compress(BODY), "br")).body == BODY


def test_every_gzip_member_is_decoded(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    members = gzip.compress(BODY[:3000]) + gzip.compress(BODY[3000:])

    assert fetcher.get(serve(httpserver, members, "gzip")).body == BODY


def test_a_chain_of_codings_is_undone_last_first(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    body = brotli.compress(gzip.compress(BODY))

    assert fetcher.get(serve(httpserver, body, "gzip, br")).body == BODY


@pytest.mark.parametrize(
    ("encoding", "compressed"),
    [
        ("gzip", gzip.compress(BODY)[:-10]),
        ("gzip", gzip.compress(BODY) + gzip.compress(BODY)[:40]),  # a second member cut
        ("deflate", zlib.compress(BODY)[:-6]),
        ("br", brotli.compress(BODY)[:-4]),
    ],
)
def test_a_compressed_body_cut_short_is_a_transient_error(
    httpserver: HTTPServer, fetcher: Fetcher, encoding: str, compressed: bytes
) -> None:
    with pytest.raises(TransientError, match="cut short"):
        fetcher.get(serve(httpserver, compressed, encoding))


def test_a_brotli_bomb_stops_at_the_cap(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    bomb = brotli.compress(b"\0" * 50_000_000)  # a few dozen bytes

    with pytest.raises(TooLargeError):
        fetcher.get(serve(httpserver, bomb, "br"))


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("br", brotli.compress)],
)
def test_no_step_produces_more_than_its_room(encoding: str, compress: object) -> None:
    assert callable(compress)
    decoder = BodyDecoder(encoding)

    with pytest.raises(OverflowBody) as caught:
        decoder.decode(compress(b"\0" * 1_000_000), 1000)
    assert len(caught.value.partial) <= 1000


def test_a_prefix_is_kept_from_a_body_over_it(httpserver: HTTPServer, fetcher: Fetcher) -> None:
    result = fetcher.get(serve(httpserver, gzip.compress(BODY * 5), "gzip"), prefix=4000)

    assert result.truncated
    assert result.body == BODY[:4000]
