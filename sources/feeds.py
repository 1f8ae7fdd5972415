"""Parsing RSS and Atom documents into entries, salvaging what a broken feed still holds."""

from __future__ import annotations

import calendar
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import feedparser
from selectolax.lexbor import LexborHTMLParser

from sources import NotAFeedError


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


def parse_feed(body: bytes, *, url: str, headers: Mapping[str, str] | None = None) -> ParsedFeed:
    """Parse fetched bytes (never a path or URL) into entries."""
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers["content-location"] = url
    # Entries become plain text (below), so feedparser's HTML sanitising and its rewriting
    # of links inside that HTML would be a fifth of the parse spent on nothing.
    parsed = feedparser.parse(
        io.BytesIO(body),
        response_headers=response_headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    problem = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    title = _plain(parsed.feed.get("title", ""))
    if not parsed.get("version") and not parsed.entries and not title:
        raise NotAFeedError(problem or "no RSS or Atom feed found")
    entries = [_entry(raw) for raw in parsed.entries]
    version = str(parsed.get("version") or "")
    ttl = parsed.feed.get("ttl")
    return ParsedFeed(title=title, version=version, entries=entries, ttl=ttl, problem=problem)


def _entry(raw: Any) -> Entry:
    title = _plain(raw.get("title", ""))
    summary = _plain(raw.get("summary", "") or _first_content(raw))
    link = raw.get("link") or None
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


_NOT_TEXT = ["script", "style", "noscript", "template", "iframe", "object"]


def _plain(html: str) -> str:
    """Text of an HTML fragment, whitespace collapsed."""
    if "<" not in html and "&" not in html:
        return " ".join(html.split())
    tree = LexborHTMLParser(f"<body>{html}</body>")
    tree.strip_tags(_NOT_TEXT)
    text = tree.body.text(separator=" ") if tree.body is not None else html
    return " ".join(text.split())
