"""Finding the feed of a website: ``<link rel="alternate">`` first, then common paths.

Every page is fetched through the caller's ``get``: the workers pass one that asks
robots.txt and keeps the host's limits, so a URL robots.txt disallows is not fetched and
the refusal is reported with the search.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

from sources import DisallowedError, SourceError
from sources.feeds import parse_feed
from sources.fetch import FetchResult
from sources.markup import parse_html

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/xml",
    "text/xml",
)
COMMON_PATHS = (
    "/feed",
    "/rss",
    "/feed.xml",
    "/rss.xml",
    "/atom.xml",
    "/index.xml",
    "/news/feed",
    "/nieuws/feed",
)


def feed_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces, in document order (the page parsed
    with bounded size and nesting)."""
    tree = parse_html(html)
    urls: list[str] = []
    for link in tree.css("link[rel][href]"):
        rel = (link.attributes.get("rel") or "").lower().split()
        kind = (link.attributes.get("type") or "").lower()
        href = link.attributes.get("href")
        if "alternate" in rel and kind in FEED_TYPES and href:
            absolute = urljoin(base_url, href)
            if absolute not in urls:
                urls.append(absolute)
    return urls


@dataclass(frozen=True)
class FeedSearch:
    """The feed found (None: none), and why pages could not be read (``url: reason``): the
    website's own page for any reason (a 404, a timeout), a feed candidate only when
    robots.txt or the host's limits kept it from being fetched (most candidates are
    guesses that 404)."""

    feed: str | None
    refused: tuple[str, ...] = ()


def discover_feed(get: Callable[[str], FetchResult], website: str) -> FeedSearch:
    """Look for the feed of ``website``: the page's announced feeds, then common paths."""
    candidates: list[str] = []
    refused: list[str] = []
    try:
        page = get(website)
        candidates.extend(feed_links(page.body.decode("utf-8", "replace"), page.url))
        if _is_feed(page.body, page.url):
            return FeedSearch(page.url)
    except SourceError as exc:
        refused.append(f"{website}: {exc}")
    # Common paths under the website's own folder first, then at the host's root.
    for path in COMMON_PATHS:
        candidates.extend(
            u
            for u in (urljoin(website, path.lstrip("/")), urljoin(website, path))
            if u not in candidates
        )
    for url in candidates:
        try:
            result = get(url)
        except DisallowedError as exc:
            refused.append(f"{url}: {exc}")
            continue
        except SourceError:
            continue
        if _is_feed(result.body, result.url):
            return FeedSearch(result.url, tuple(refused))
    return FeedSearch(None, tuple(refused))


def _is_feed(body: bytes, url: str) -> bool:
    try:
        parsed = parse_feed(body, url=url)
    except SourceError:
        return False
    return bool(parsed.version or parsed.entries)
