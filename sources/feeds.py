"""Parsing RSS and Atom documents into entries, salvaging what a broken feed still holds.

Every parse is bounded: feedparser sees the document only through ``sources.feedguard``
(no entity declarations, a bounded number of entries, elements and bytes) and HTML in
titles and summaries only through ``sources.markup`` (bounded nesting).
"""

from __future__ import annotations

import calendar
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser

from sources import NotAFeedError
from sources.feedguard import guarded
from sources.markup import parse_html

MAX_ENTRIES = 200
"""Entries taken from one feed by default (``KEEPWARM_MAX_ENTRIES_PER_POLL``)."""


@dataclass(frozen=True)
class Entry:
    """One feed entry with plain-text title and summary."""

    key: str
    title: str
    link: str | None
    summary: str
    published_at: datetime | None
    payload: str | None = None
    """JSON of a structured observation (page sources), None for feed entries."""


@dataclass(frozen=True)
class ParsedFeed:
    """The entries of a feed and, for a broken one, what was wrong with it."""

    title: str
    version: str
    entries: list[Entry]
    ttl: str | None
    problem: str | None
    skipped: int = 0
    """Entries past ``max_entries`` (or the parse budgets) that were not read."""


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    max_entries: int = MAX_ENTRIES,
) -> ParsedFeed:
    """Parse fetched bytes (never a path or URL) into at most ``max_entries`` entries."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers["content-location"] = url
    guard = guarded(body, response_headers, max_entries=max_entries)
    # Entries become plain text (below), so feedparser's HTML sanitising and its rewriting
    # of links inside that HTML would be a fifth of the parse spent on nothing.
    try:
        parsed = feedparser.parse(
            io.BytesIO(guard.body),
            response_headers=guard.headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # its loose parser's own bugs on broken markup (KeyError...)
        raise NotAFeedError(f"the feed parser failed on it ({type(exc).__name__})") from exc
    bozo = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    problem = "; ".join(p for p in (guard.problem, bozo) if p) or None
    title = _plain(parsed.feed.get("title", ""))
    if not parsed.get("version") and not parsed.entries and not title:
        raise NotAFeedError("no RSS or Atom feed found" + (f" ({problem})" if problem else ""))
    entries = [_entry(raw) for raw in parsed.entries[:max_entries]]
    skipped = guard.skipped + max(0, len(parsed.entries) - max_entries)
    version = str(parsed.get("version") or "")
    ttl = parsed.feed.get("ttl")
    return ParsedFeed(
        title=title, version=version, entries=entries, ttl=ttl, problem=problem, skipped=skipped
    )


def _entry(raw: Any) -> Entry:
    title = _plain(raw.get("title", ""))
    summary = _plain(raw.get("summary", "") or _first_content(raw))
    link = _web_link(raw.get("link"))
    published = _published(raw)
    identity = (
        raw.get("id") or link or f"{title}\n{published.isoformat() if published else ''}\n{summary}"
    )
    key = hashlib.sha256(str(identity).encode("utf-8")).hexdigest()
    return Entry(key=key, title=title, link=link, summary=summary, published_at=published)


def _first_content(raw: Any) -> str:
    content = raw.get("content") or []
    return str(content[0].get("value", "")) if content else ""


def _published(raw: Any) -> datetime | None:
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(name)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError):
                continue
    return None


def _web_link(link: object) -> str | None:
    """An http(s) link; others (``javascript:``, ``data:``, relative junk) are not kept."""
    if not isinstance(link, str):
        return None
    link = link.strip()
    return link if link.lower().startswith(("http://", "https://")) else None


_NOT_TEXT = ["script", "style", "noscript", "template", "iframe", "object"]
# Control characters (C0 but whitespace, DEL, C1) would reach terminals and the database
# (PostgreSQL refuses NUL in text): they become spaces, collapsed below.
_CONTROLS = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def _plain(html: str) -> str:
    """Text of an HTML fragment, whitespace and control characters collapsed."""
    if "<" not in html and "&" not in html:
        return " ".join(html.translate(_CONTROLS).split())
    tree = parse_html(f"<body>{html}</body>")
    tree.strip_tags(_NOT_TEXT)
    text = tree.body.text(separator=" ") if tree.body is not None else html
    return " ".join(text.translate(_CONTROLS).split())
