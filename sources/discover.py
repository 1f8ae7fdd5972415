"""Finding the feed of a website: ``<link rel="alternate">`` first, then common paths."""

from __future__ import annotations

from urllib.parse import urljoin

from sources import SourceError
from sources.feeds import parse_feed
from sources.fetch import Fetcher
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


def discover_feed(fetcher: Fetcher, website: str) -> str | None:
    """The feed URL of ``website``, or None when neither the page nor common paths have one."""
    candidates: list[str] = []
    try:
        page = fetcher.get(website)
        candidates.extend(feed_links(page.body.decode("utf-8", "replace"), page.url))
        if _is_feed(page.body, page.url):
            return page.url
    except SourceError:
        pass
    # Common paths under the website's own folder first, then at the host's root.
    for path in COMMON_PATHS:
        candidates.extend(
            u
            for u in (urljoin(website, path.lstrip("/")), urljoin(website, path))
            if u not in candidates
        )
    for url in candidates:
        try:
            result = fetcher.get(url)
        except SourceError:
            continue
        if _is_feed(result.body, result.url):
            return result.url
    return None


def _is_feed(body: bytes, url: str) -> bool:
    try:
        parsed = parse_feed(body, url=url)
    except SourceError:
        return False
    return bool(parsed.version or parsed.entries)
