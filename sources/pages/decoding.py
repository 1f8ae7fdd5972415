"""A page's bytes as text, parsed within bounds, and the visible text of its elements.

Decoding follows the HTML standard's order: a byte order mark, then the charset of the
HTTP Content-Type header, then a meta charset in the first bytes, then UTF-8, then
Windows-1252 (w3lib's ``html_to_unicode``, which also maps labels such as latin-1 to
the encodings browsers use).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from w3lib.encoding import html_to_unicode

from sources.markup import MAX_DEPTH, parse_html

_SPACE = re.compile(r"\s+")


def _words(text: str) -> frozenset[str]:
    """A vocabulary written as one space-separated string."""
    return frozenset(text.split())


_SKIPPED_AREAS = frozenset({"nav", "footer", "form", "script", "style", "noscript", "template"})
_SKIPPED_SIBLINGS = frozenset({"img", "svg", "br", "hr", "script", "style", "button", "picture"})


_MAX_CANDIDATES = 2000
"""Elements one strategy looks at: a team page lists dozens of people, not thousands."""
_MAX_SIBLINGS = 8
_MAX_TEXT = 4096
_MAX_TEXT_NODES = 2000
"""Siblings looked at beside a name for its title."""


def _parse(html: str | bytes, content_type: str | None = None) -> Any:
    """A bounded Lexbor document for the page, bytes decoded as ``_decoded`` says."""
    return parse_html(_decoded(html, content_type) if isinstance(html, bytes) else html)


def _first(nodes: list[Any]) -> list[Any]:
    """The first candidates of a selection."""
    return nodes[:_MAX_CANDIDATES]


def _ancestors(node: Any) -> Iterator[Any]:
    """The node's ancestors, nearest first; no more than the parse's nesting bound."""
    parent = node.parent
    for _ in range(MAX_DEPTH + 8):
        if parent is None:
            return
        yield parent
        parent = parent.parent


def _decoded(raw: bytes, content_type: str | None = None) -> str:
    """Bytes as text: BOM, HTTP charset, meta charset, then UTF-8, then Windows-1252."""
    _, text = html_to_unicode(content_type, raw, auto_detect_fun=_utf8_or_windows_1252)
    return text


def _utf8_or_windows_1252(raw: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else the Windows-1252 browsers assume."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


# Control characters (C0 but whitespace, DEL, C1) would reach terminals and headlines.
_CONTROLS = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0)], " ")


def _clean(text: str | None) -> str:
    """Text with control characters and whitespace runs collapsed, ends trimmed."""
    return _SPACE.sub(" ", (text or "").translate(_CONTROLS)).strip()


def _text(node: Any) -> str:
    """The visible text of a node, whitespace collapsed; what is read is bounded, as every
    use wants a short text (a name, a title) and rejects a long one."""
    parts: list[str] = []
    size = 0
    for visited, part in enumerate(node.traverse(include_text=True)):
        if visited >= _MAX_TEXT_NODES or size > _MAX_TEXT:
            break
        if part.is_text_node:
            parts.append(part.text_content or "")
            size += len(parts[-1])
    return _clean(" ".join(parts)[:_MAX_TEXT])


def _classes(node: Any) -> list[str]:
    """The node's class names."""
    return str(node.attributes.get("class") or "").split()


def _in_skipped_area(node: Any) -> bool:
    """Whether the node sits in navigation, a footer, a form or a script."""
    return any(
        parent.tag in _SKIPPED_AREAS or parent.attributes.get("role") == "navigation"
        for parent in _ancestors(node)
    )


def _link(href: str | None, page_url: str) -> str | None:
    """An absolute http(s) link, or None for mailto:, javascript:, fragments and blanks."""
    href = _clean(href)
    if not href or href.startswith("#") or href.split(":", 1)[0].lower() in _NOT_WEB:
        return None
    return urljoin(page_url, href)


_NOT_WEB = frozenset({"mailto", "javascript", "tel", "data"})


def _same_url(a: str | None, b: str) -> bool:
    """Whether two links point at the same page, ignoring scheme and a trailing slash."""
    return a is not None and a.split("://")[-1].rstrip("/") == b.split("://")[-1].rstrip("/")
