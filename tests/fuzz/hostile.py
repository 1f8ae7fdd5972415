"""Strategies for hostile input: XML and HTML documents built from pieces an attacker or a
broken server would send (entity declarations, deep nesting, huge attributes, odd encodings
and byte order marks, control characters, Rich markup, ``javascript:`` links), and
spreadsheet rows with odd delimiters, quotes, encodings, formula-like and very long cells.

Size comes from repetition counts, not from drawn characters, so a 1 MB document costs
hypothesis a few bytes of choice and shrinks to the count that matters.
"""

from __future__ import annotations

import codecs
import json
from typing import Any

from hypothesis import strategies as st

MAX_RESPONSE = 5_000_000
"""The fetcher's default cap (KEEPWARM_MAX_RESPONSE_BYTES): no body handed on is longer."""
ENCODINGS = ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"]
ENCODINGS += ["shift_jis", "koi8-r", "gb18030", "ascii"]
DECLARED = [*ENCODINGS, "x-bogus", "utf-7", "ebcdic-cp-us", "", "utf-8\x00"]
BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
CONTENT_TYPES = [
    None,
    "application/rss+xml",
    "application/atom+xml; charset=utf-8",
    "text/xml; charset=utf-16",
    "text/html; charset=windows-1252",
    "application/xml; charset=bogus",
    "text/plain; charset=",
    "application/octet-stream",
    "text/html; charset=utf-7",
]

NASTY = [
    "&amp;",
    "&lol;",
    "&lol9;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&#99999999999;",
    "&nbsp;",
    "&",
    "<",
    "]]>",
    "<![CDATA[<div><p>",
    "\x00",
    "\x1b[31m",
    "\x07",
    "\x85",
    "\u202e",
    "\ufeff",
    "\ufffe",
    "[/x]",
    "[bold red]",
    "javascript:alert(1)",
    "data:text/html,<script>",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "<?php",
    "<!DOCTYPE x [<!ENTITY y 'z'>]>",
    "<!ENTITY a 'b'>",
]
REPEATED = [
    "A",
    "é",
    "\x00",
    "<div>",
    "</div>",
    "<b c=1></div>x",
    "&lol;",
    "<option>",
    "<li>",
    "<table><tr><td>",
    "<item>",
    "<entry><title>x</title></entry>",
    "<a href='javascript:x'>",
    "{",
    "[",
    "<span itemscope itemtype='https://schema.org/Person' itemprop='employee'>",
    "<div class='h-card vcard'>",
]


def repeated(max_count: int = 200_000) -> st.SearchStrategy[str]:
    """One piece repeated up to ``max_count`` times."""
    return st.builds(
        lambda piece, count: piece * count, st.sampled_from(REPEATED), st.integers(0, max_count)
    )


TEXT = st.one_of(st.text(max_size=40), st.sampled_from(NASTY), repeated())
"""Character data: any text, a nasty token, or a long repetition."""

FEED_NAMES = [
    "rss",
    "channel",
    "item",
    "entry",
    "feed",
    "title",
    "link",
    "description",
    "summary",
    "content",
    "content:encoded",
    "guid",
    "id",
    "pubDate",
    "updated",
    "published",
    "dc:date",
    "ttl",
    "a:b:c",
    "rdf:RDF",
    "div",
    "x",
]


def attributes(names: list[str]) -> st.SearchStrategy[str]:
    """Zero or more attributes, some with huge or broken values."""
    value = st.one_of(st.text(max_size=20), st.sampled_from(NASTY), repeated(300_000))
    attribute = st.builds(
        lambda name, value, quote: f" {name}={quote}{value}{quote}",
        st.sampled_from(names),
        value,
        st.sampled_from(['"', "'", ""]),
    )
    return st.lists(attribute, max_size=3).map("".join)


def markup(names: list[str], attribute_names: list[str]) -> st.SearchStrategy[str]:
    """Nested elements (closed or not) around text."""

    def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.builds(
            lambda name, attrs, inner, closed: (
                f"<{name}{attrs}>{''.join(inner)}" + (f"</{name}>" if closed else "")
            ),
            st.sampled_from(names),
            attributes(attribute_names),
            st.lists(children, max_size=4),
            st.booleans(),
        )

    return st.recursive(TEXT, element, max_leaves=25)


def nested(names: list[str]) -> st.SearchStrategy[str]:
    """One element nested up to thousands of levels deep, closed or not."""
    return st.builds(
        lambda name, depth, closed, inner: (
            f"<{name}>" * depth + inner + (f"</{name}>" * depth if closed else "")
        ),
        st.sampled_from(names),
        st.integers(0, 5000),
        st.booleans(),
        TEXT,
    )


@st.composite
def entity_subset(draw: st.DrawFn) -> str:
    """A DOCTYPE with an internal subset: nested (laughing) entities, external ones,
    parameter entities, or a subset that never ends."""
    depth = draw(st.integers(1, 12))
    width = draw(st.integers(1, 12))
    lines = [f'<!ENTITY lol0 "{draw(st.sampled_from(["lol", "&#38;", "<b>x</b>"]))}">']
    lines += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * width}">' for i in range(1, depth + 1)]
    lines += draw(
        st.lists(
            st.sampled_from(
                [
                    '<!ENTITY ext SYSTEM "file:///etc/passwd">',
                    "<!ENTITY % pe \"<!ENTITY lol 'x'>\"> %pe;",
                    '<!ENTITY lol "&lol;&lol;">',
                    "<!-- ] > -->",
                    '<!ATTLIST item a CDATA "x">',
                    "<?pi ]>?>",
                    "<!ELEMENT rss ANY>",
                ]
            ),
            max_size=3,
        )
    )
    end = draw(st.sampled_from(["]>", "]>", "]", "", "] >"]))
    root = draw(st.sampled_from(["rss", "feed", "x", ""]))
    return f"<!DOCTYPE {root} [\n" + "\n".join(lines) + f"\n{end}"


@st.composite
def feed_documents(draw: st.DrawFn) -> tuple[bytes, dict[str, str]]:
    """A feed's bytes and response headers."""
    encoding = draw(st.sampled_from(ENCODINGS))
    declared = draw(st.sampled_from([None, encoding, *DECLARED]))
    prolog = [] if declared is None else [f'<?xml version="1.0" encoding="{declared}"?>']
    if draw(st.booleans()):
        prolog.append(draw(entity_subset()))
    prolog += draw(st.lists(st.sampled_from(["<!-- c -->", "<?pi x?>", "\n", "<!ENTITY a 'b'>"])))
    body = draw(
        st.one_of(
            markup(FEED_NAMES, ["href", "rel", "type", "xmlns", "xml:base", "version"]),
            nested(FEED_NAMES),
        )
    )
    kind = draw(st.sampled_from(["rss", "atom", "rdf", "none"]))
    entry = draw(markup(FEED_NAMES, ["href", "rel", "type"]))
    entries = draw(st.integers(0, 30)) * draw(st.sampled_from([1, 1, 1, 1000]))
    entries = min(entries, MAX_RESPONSE // (len(entry) + 16))
    if kind == "rss":
        doc = f'<rss version="2.0"><channel><title>T</title>{body}'
        doc += f"<item>{entry}</item>" * entries + "</channel></rss>"
    elif kind == "atom":
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom">{body}'
        doc += f"<entry>{entry}</entry>" * entries + "</feed>"
    elif kind == "rdf":
        doc = f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{body}'
        doc += f"<item>{entry}</item>" * entries + "</rdf:RDF>"
    else:
        doc = body
    text = "".join(prolog) + doc
    data = draw(st.sampled_from(BOMS)) + text[:MAX_RESPONSE].encode(encoding, errors="replace")
    data = draw(mutated(data[:MAX_RESPONSE]))
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    return data, ({"content-type": content_type} if content_type else {})


def mutated(data: bytes) -> st.SearchStrategy[bytes]:
    """The bytes as they are, cut short, or with random bytes put in."""
    return st.one_of(
        st.just(data),
        st.floats(0, 1).map(lambda share: data[: int(len(data) * share)]),
        st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=16)).map(
            lambda cut: data[: int(len(data) * cut[0])] + cut[1] + data[int(len(data) * cut[0]) :]
        ),
    )


# --- HTML pages ---------------------------------------------------------------------------

HTML_NAMES = [
    "div",
    "p",
    "li",
    "ul",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "span",
    "a",
    "b",
    "table",
    "tr",
    "td",
    "nav",
    "footer",
    "select",
    "option",
    "svg",
    "math",
    "template",
    "title",
    "script",
    "style",
    "textarea",
    "plaintext",
    "meta",
    "img",
    "br",
]
HTML_ATTRIBUTES = [
    "class",
    "itemscope",
    "itemtype",
    "itemprop",
    "href",
    "content",
    "property",
    "name",
    "role",
    "id",
    "charset",
]


JSON_LD_KEYS = ["@type", "@id", "@graph", "name", "givenName", "familyName", "jobTitle"]
JSON_LD_KEYS += ["worksFor", "employee", "member", "founder", "url", "sameAs", "@value", "x"]


def json_values() -> st.SearchStrategy[Any]:
    """JSON-LD: persons, organisations, references (cycles), deep lists, odd scalars."""
    scalar = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=20),
        st.sampled_from(["Person", "Organization", "schema:Person", "#a", NASTY[0], NASTY[12]]),
        repeated(50_000),
    )
    keys = st.sampled_from(JSON_LD_KEYS)
    return st.recursive(
        scalar,
        lambda children: st.one_of(
            st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=6)
        ),
        max_leaves=40,
    )


@st.composite
def json_ld(draw: st.DrawFn) -> str:
    """A JSON-LD script: a generated value, a deeply nested one, or broken JSON."""
    value = draw(json_values())
    text = json.dumps(value)
    depth = draw(st.integers(0, 3000))
    text = draw(
        st.sampled_from(
            [
                text,
                "[" * depth + text + "]" * depth,
                '{"@graph":' * depth + text + "}" * depth,
                text[: len(text) // 2],
                f"<![CDATA[{text}]]>",
            ]
        )
    )
    return f'<script type="application/ld+json">{text}</script>'


@st.composite
def html_pages(draw: st.DrawFn) -> tuple[bytes | str, str | None]:
    """A page's bytes (or text) and its Content-Type."""
    parts = draw(
        st.lists(
            st.one_of(
                markup(HTML_NAMES, HTML_ATTRIBUTES),
                nested(HTML_NAMES),
                json_ld(),
                st.sampled_from(
                    [
                        '<meta charset="utf-16">',
                        '<meta http-equiv="content-type" content="text/html; charset=koi8-r">',
                        '<meta property="og:title" content="Jan de Vries | Acme">',
                        '<meta name="author" content="Jan de Vries">',
                        "<title>Portfolio Jan de Vries</title>",
                        '<div class="h-card"><span class="p-name">Jan de Vries</span>'
                        '<span class="p-job-title">CTO</span></div>',
                        '<div itemscope itemtype="https://schema.org/Person">'
                        '<span itemprop="name">Eva Smit</span>'
                        '<span itemprop="jobTitle">Engineer</span></div>',
                        '<div class="team"><h3>Lisa Jansen</h3><p>Head of Data</p></div>',
                    ]
                ),
            ),
            max_size=6,
        )
    )
    text = "<!doctype html><html><head></head><body>" + "".join(parts) + "</body></html>"
    if draw(st.booleans()):
        return text, None
    encoding = draw(st.sampled_from(ENCODINGS))
    data = draw(st.sampled_from(BOMS)) + text[:MAX_RESPONSE].encode(encoding, errors="replace")
    return draw(mutated(data[:MAX_RESPONSE])), draw(st.sampled_from(CONTENT_TYPES))


# --- spreadsheets -------------------------------------------------------------------------

CELLS = [
    "",
    " ",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+31 6 1234",
    "-2",
    "@SUM(A1)",
    "\t=cmd|' /C calc'!A0",
    '"',
    '""',
    "a,b",
    "a;b",
    "a\tb",
    "line\nbreak",
    "line\rbreak",
    "\x00",
    "\x1b[31m",
    "[/x]",
    "\ufeff",
    "nan",
    "1e400",
    "0",
    "1.0",
    "99-99-2026",
    "31-02-2026",
    "0000-00-00",
    "9999-12-31",
    "2026-13-01",
    "14-03-2026",
    "2026-01-01",
    "29/02/2025",
    "yes",
    "ja",
    "nee",
    "x",
    "u",
    "je",
    "nl",
    "en",
    "de",
    "toestemming",
    "gerechtvaardigd belang",
    "jan@example.nl",
    "JAN@EXAMPLE.NL",
    "a@b@c.nl",
    "anna@agency.example",
    "https://example.org/jan",
    "javascript:alert(1)",
    "linkedin.com/in/jan",
    "ACME B.V.",
    "...",
    "phone",
    "telefoon",
    "positief",
    "geen reactie",
    "other",
]


def cells() -> st.SearchStrategy[str]:
    """A cell: a meaningful or nasty word, any text, or a very long run."""
    return st.one_of(
        st.sampled_from(CELLS),
        st.text(max_size=20),
        st.builds(
            lambda piece, count: piece * count,
            st.sampled_from(["A", "é", '"', ",", ";", "\n", "x@y.nl "]),
            st.integers(0, 300_000),
        ),
    )


POOL_HEADERS = ["Name", "naam", "E-mail", "email", "External ID", "id", "Employer", "werkgever"]
POOL_HEADERS += ["Title", "Last contact", "Owner", "Language", "Profile URLs", "Do not contact"]
POOL_HEADERS += ["Consent until", "Legal basis", "Consent given", "Address", "City", "Website"]
POOL_HEADERS += ["Last topic", "Unknown", "", "NAME", " naam ", "Naam\x00"]
CONTACT_HEADERS = ["Email", "External ID", "Date", "datum", "Channel", "Outcome", "Note", "Key"]
CONTACT_HEADERS += ["Unknown", "", "DATE"]
IDENTITIES = ["x-1", "x-2", "jan@example.nl", "eva@example.nl", "x-1 ", "JAN@example.nl"]
"""Few identities, so that rows collide with each other and with earlier members."""


def tables(headers: list[str]) -> st.SearchStrategy[list[list[str]]]:
    """A header row and data rows, ragged, of cells that are words, identities or junk."""
    cell = st.one_of(cells(), st.sampled_from(IDENTITIES), st.sampled_from(IDENTITIES))
    header = st.lists(st.sampled_from(headers), min_size=1, max_size=10)
    rows = st.lists(st.lists(cell, max_size=12), max_size=12)
    return st.builds(lambda h, r: [h, *r], header, rows)


@st.composite
def csv_bytes(draw: st.DrawFn, table: list[list[str]]) -> bytes:
    """The table as a CSV file with odd delimiters, quoting, line ends and encodings."""
    import csv
    import io

    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]))
    writer = csv.writer(
        out,
        delimiter=draw(st.sampled_from([",", ";", "\t", "|", " "])),
        quotechar=draw(st.sampled_from(['"', "'"])),
        quoting=quoting,
        escapechar="\\" if quoting == csv.QUOTE_NONE else None,
        lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )
    try:
        writer.writerows(table)
    except csv.Error:  # QUOTE_NONE cannot write a lone empty cell: what a tool would do
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows(table)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    data = out.getvalue().encode(encoding, errors="replace")
    return draw(mutated(data))
