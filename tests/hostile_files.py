"""The hostile corpus: the small files in tests/data/hostile/, and the big ones made at
test time (megabytes are not committed). Each is a feed (RSS bytes) or a page (HTML);
``Site`` serves them on loopback for the tests and bench/hostile.py."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent / "data" / "hostile"


def quadratic_blowup() -> bytes:
    """One 60 KB entity used 25,000 times: 1.5 GB once expanded (a 100 KB one is refused
    outright as an oversized internal subset)."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 60_000 + '">\n]>\n'
        '<rss version="2.0"><channel><title>' + "&a;" * 25_000 + "</title>"
        "<item><title>&a;&a;&a;</title><guid>1</guid></item></channel></rss>"
    ).encode()


def oversized_subset() -> bytes:
    """The 175 KB feed that cost 50 s and 7 GB before: its subset is over the limit."""
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "' + "A" * 100_000 + '">\n]>\n'
        '<rss version="2.0"><channel><title>' + "&a;" * 25_000 + "</title></channel></rss>"
    ).encode()


def utf16_laughs() -> bytes:
    """Billion laughs in UTF-16, where a byte-level search for ``<!ENTITY`` finds nothing."""
    return (FOLDER / "billion_laughs.xml").read_text().encode("utf-16")


def many_entries() -> bytes:
    """A feed of 20,000 entries (2.9 MB)."""
    items = "".join(
        f"<item><title>Entry {i} about Acme</title><guid>g{i}</guid>"
        f"<link>https://example.com/{i}</link><description>&lt;p&gt;news&lt;/p&gt;</description>"
        "</item>"
        for i in range(20_000)
    )
    feed = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    return f'<?xml version="1.0"?>{feed}'.encode()


def nested_html_in_cdata() -> bytes:
    """A summary of 80,000 nested ``<div>`` in CDATA (HTML inside a feed, 880 KB: within
    the feed's byte budget, so it reaches the summary's HTML parse)."""
    summary = "<div>" * 80_000 + "Acme" + "</div>" * 80_000
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>Acme</title><guid>1</guid><description><![CDATA[{summary}]]>"
        "</description></item></channel></rss>"
    ).encode()


def one_huge_entry() -> bytes:
    """A single entry of 400,000 elements (4.8 MB): refused, not parsed for seconds."""
    body = "<p>word</p> " * 400_000
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        f"<item><title>a</title><description>{body}</description></item></channel></rss>"
    ).encode()


def nested_divs_page() -> bytes:
    """250 KB of nested ``<div>`` (6.4 s of Lexbor before)."""
    return ("<html><body>" + "<div>" * 50_000 + "Jan Jansen" + "</div>" * 50_000).encode()


def reopened_formatting_page() -> bytes:
    """``<div><b c=N></div>x`` repeated: no visible nesting, yet the parser re-opens every
    ``<b>`` and builds one level per repeat (20,000: 6 s before)."""
    return "".join(f"<div><b c={i}></div>x" for i in range(20_000)).encode()


def nested_cards_page() -> bytes:
    """250 nested h-cards over 100,000 names: a walk per card would be quadratic."""
    return (
        '<div class="h-card"><span class="p-name">Jan Jansen</span>' * 250
        + '<span class="p-name">Piet Pieters</span>' * 100_000
    ).encode()


FEEDS: dict[str, Callable[[], bytes]] = {
    **{path.stem: path.read_bytes for path in sorted(FOLDER.glob("*.xml"))},
    "quadratic_blowup": quadratic_blowup,
    "oversized_subset": oversized_subset,
    "utf16_laughs": utf16_laughs,
    "many_entries": many_entries,
    "nested_html_in_cdata": nested_html_in_cdata,
    "one_huge_entry": one_huge_entry,
}
PAGES: dict[str, Callable[[], bytes]] = {
    "nested_divs": nested_divs_page,
    "reopened_formatting": reopened_formatting_page,
    "nested_cards": nested_cards_page,
}


Answer = tuple[int, dict[str, str], bytes]


def kind_of(name: str) -> str:
    """The source kind a corpus file is polled as."""
    return "team_page" if name in PAGES else "feed"


def corpus_answers() -> dict[str, Answer]:
    """Every corpus file by its path on a ``Site``: feeds as RSS, pages as HTML."""
    rss, html = {"Content-Type": "application/rss+xml"}, {"Content-Type": "text/html"}
    return {f"/{name}": (200, rss, make()) for name, make in FEEDS.items()} | {
        f"/{name}": (200, html, make()) for name, make in PAGES.items()
    }


class Site:
    """A loopback server answering each path with a fixed status, headers and body."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        site = self
        self.answers = answers

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = site.answers.get(self.path, (404, {}, b""))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    for name, value in {"Content-Length": str(len(body)), **headers}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
