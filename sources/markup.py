"""Untrusted HTML made safe to parse: bounded in size and nesting before Lexbor sees it.

Lexbor's tree builder walks the stack of open elements for many start tags (the scope
checks of ``<div>``, ``<li>``, ``<p>``), so its cost grows with nodes × depth: 250 KB of
nested ``<div>`` took 6.4 s of CPU, and ``<div><b c=1></div>x`` repeated (formatting
elements re-opened by the parser itself) builds one level per repeat without any visible
nesting. A C-level parse cannot be interrupted, so the bound is applied before it:
``bounded`` estimates the depth Lexbor will build with a one-pass tag scan that errs on
the deep side (implied end tags, ignored end tags, re-opened formatting elements) and
drops the start tags that would go deeper than ``MAX_DEPTH``. Real pages stay far below
it (the recorded corpus: 40 at most), so they pass byte for byte.
"""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborHTMLParser

MAX_DEPTH = 256
"""Deepest nesting handed to Lexbor (browsers cut at 512; real pages stay under 100)."""
MAX_CHARS = 2_000_000
"""Longest HTML parsed as one document: about 0.1 s of Lexbor, flat or not."""
MAX_ELEMENTS = 100_000
"""Start tags parsed in one document (a 2 MB page of real markup has about 30,000)."""


def _names(text: str) -> frozenset[str]:
    """Element names written as one space-separated string."""
    return frozenset(text.split())


# A tag runs to its ">" as the HTML tokenizer reads it: a "<" inside is part of the tag,
# and so is a ">" in a quoted attribute value. Read otherwise, a value holding "<!--" or
# "<script>" opened a comment or raw text here that the parser never opens, and the scan
# skipped the rest of the page unbounded (1.4 MB of ``<b c=1></div>x``: 21 s of Lexbor).
# A value is quoted only after an attribute's name and its "=": an attribute name may
# begin with "=" or a quote (``<div ="x>`` is one attribute named ``="x``, and the tag
# ends at its ">"), as the tokenizer's attribute-name state reads it.
_TAG = re.compile(
    r"""<(/?)([A-Za-z][^\s/<>]*)"""
    r"""((?:[\s/]*[^\s/>][^\s/>=]*(?:\s*=\s*(?:"[^"]*"?|'[^']*'?|[^\s>]*))?)*[\s/]*)>?"""
    r"""|<!--"""
)
_RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed"})
_RAW_END = {name: re.compile(rf"</{name}", re.I) for name in _RAW_TEXT}
_VOID = _names(
    "area base br col embed hr img input link meta source track wbr param keygen basefont"
    " bgsound frame image"
)
_FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
# End tags stop at these (HTML's "special" elements and scope boundaries): an end tag
# whose element lies beyond one is ignored by the parser, so nothing is popped.
_SPECIAL = _names(
    """address applet area article aside base basefont bgsound blockquote body br button
    caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure
    footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input
    li link listing main marquee menu meta nav noembed noframes noscript object ol p param
    plaintext pre script section select source style summary table tbody td template
    textarea tfoot th thead title tr track ul wbr xmp svg math"""
)
_BOUNDARY = _names("applet caption html table td th marquee object template svg math")
_FOREIGN = frozenset({"svg", "math"})
# Where the parser stops looking for an element to close, as classes of element names
# (each a key in _DepthScan.open, written with a leading space to set it apart).
_BOUNDARY_CLASS, _BUTTON_SCOPE, _LIST_SCOPE, _TABLE_SCOPE, _SPECIAL_CLASS, _ITEM_STOPS = (
    " boundary",
    " button scope",
    " list scope",
    " table scope",
    " special",
    " item stops",
)
_CLASS_MEMBERS = {
    _BOUNDARY_CLASS: _BOUNDARY,
    _BUTTON_SCOPE: _BOUNDARY | {"button"},
    _LIST_SCOPE: _BOUNDARY | {"ol", "ul"},
    _TABLE_SCOPE: frozenset({"html", "table", "template"}),
    _SPECIAL_CLASS: _SPECIAL,
    _ITEM_STOPS: _SPECIAL - {"address", "div", "p"},
}
_CLASSES = {
    name: tuple(group for group, members in _CLASS_MEMBERS.items() if name in members)
    for name in set().union(*_CLASS_MEMBERS.values())
}
_END_SCOPE = {"li": _LIST_SCOPE, "p": _BUTTON_SCOPE}
# A start tag of the key closes an open element of the first value first (an implied end
# tag), unless the parser stops at one of the second before finding it.
_CLOSES: dict[str, tuple[tuple[str, str], ...]] = {
    "li": (("li", _ITEM_STOPS),),
    "dt": (("dt", _ITEM_STOPS), ("dd", _ITEM_STOPS)),
    "dd": (("dt", _ITEM_STOPS), ("dd", _ITEM_STOPS)),
    "tr": (("tr", _TABLE_SCOPE),),
    "td": (("td", _TABLE_SCOPE), ("th", _TABLE_SCOPE)),
    "th": (("td", _TABLE_SCOPE), ("th", _TABLE_SCOPE)),
    "option": (("option", _SPECIAL_CLASS),),
    "optgroup": (("option", _SPECIAL_CLASS), ("optgroup", _SPECIAL_CLASS)),
}
_CLOSES_P = _names(
    """address article aside blockquote center details dialog dir div dl fieldset figcaption
    figure footer header hgroup main menu nav ol p section summary ul h1 h2 h3 h4 h5 h6 pre
    listing form table hr xmp plaintext"""
)
# Parts of a table the parser may wrap in implied ones (tbody, tr): counted double.
_WEIGHT = {"tr": 2, "td": 2, "th": 2}
_SAME_FORMATTING_KEPT = 3  # HTML's "Noah's Ark": at most three alike are re-opened
# Lexbor is quadratic in the number of these, whatever their depth (20,000: 1 s).
_SLOW_WHEN_REPEATED = frozenset({"option", "optgroup"})
_MAX_REPEATS = 1000


def parse_html(html: str | bytes) -> LexborHTMLParser:
    """A Lexbor document of untrusted HTML, cut to ``MAX_CHARS`` and ``MAX_DEPTH``."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    return LexborHTMLParser(bounded(text))


def bounded(
    html: str,
    *,
    max_depth: int = MAX_DEPTH,
    max_chars: int = MAX_CHARS,
    max_elements: int = MAX_ELEMENTS,
) -> str:
    """The HTML cut to ``max_chars`` and ``max_elements``, without the start tags that
    would nest it deeper than ``max_depth`` (their text stays) or repeat a slow element
    too often; unchanged when it already fits."""
    html = html[:max_chars]
    scan = _DepthScan(max_depth)
    dropped: list[tuple[int, int]] = []
    repeated: Counter[str] = Counter()
    elements = 0
    position = 0
    while (match := _TAG.search(html, position)) is not None:
        position = match.end()
        closing, raw_name, rest = match.groups()
        if raw_name is None:  # a comment: nothing inside counts, to its end
            end = html.find("-->", position)
            if end < 0:
                break
            position = end + 3
            continue
        name = raw_name.lower()
        if closing:
            scan.end(name)
            continue
        elements += 1
        if name == "plaintext" or elements > max_elements:  # the rest is text, or too much
            html = html[: match.start()]
            break
        if name in _SLOW_WHEN_REPEATED:
            repeated[name] += 1
        if repeated[name] > _MAX_REPEATS or not scan.start(
            name, match.group(0), self_closing=rest.endswith("/")
        ):
            dropped.append(match.span())
            continue
        if name in _RAW_TEXT:
            end_match = _RAW_END[name].search(html, position)
            if end_match is None:
                break
            position = end_match.start()
    return _without(html, dropped) if dropped else html


class _DepthScan:
    """The stack of open elements as the HTML parser will build it, or a deeper one.

    Every step is O(1) (amortised): where the parser walks its stack, the scan looks up
    the topmost open element of a name and of a class of elements it stops at."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.stack: list[tuple[str, str | None]] = []
        self.depth = 0
        self.foreign = 0
        self.open: dict[str, list[int]] = {}
        """Positions in the stack of the open elements of each name, and of each class."""
        self.detached: dict[str, Counter[str]] = {}
        """Formatting elements closed by another end tag: the parser re-opens them."""
        self.reopened = 0

    def start(self, name: str, tag: str, *, self_closing: bool) -> bool:
        """Enter a start tag; False when it would go too deep (it is to be dropped)."""
        for closed, barriers in _CLOSES.get(name, ()):
            self._close_open(closed, barriers)
        if name in _CLOSES_P:
            self._close_open("p", _BUTTON_SCOPE)
        if name in _VOID or (self_closing and self.foreign):
            return True
        weight = _WEIGHT.get(name, 1)
        if self.depth + self.reopened + weight > self.limit:
            return False
        index = len(self.stack)
        self.stack.append((name, tag if name in _FORMATTING else None))
        for group in (name, *_CLASSES.get(name, ())):
            self.open.setdefault(group, []).append(index)
        self.depth += weight
        self.foreign += name in _FOREIGN
        return True

    def end(self, name: str) -> None:
        """An end tag pops up to its element, unless an element the parser stops at lies
        between (the end tag is ignored then)."""
        if name in _FORMATTING:
            if not self._forget_detached(name):
                self._close_open(name, _BOUNDARY_CLASS)
        elif name in _SPECIAL:
            self._close_open(name, _END_SCOPE.get(name, _BOUNDARY_CLASS))
        else:
            self._close_open(name, _SPECIAL_CLASS)

    def _top(self, group: str) -> int:
        positions = self.open.get(group)
        return positions[-1] if positions else -1

    def _close_open(self, name: str, barriers: str) -> None:
        index = self._top(name)
        if index >= 0 and index >= self._top(barriers):
            self._pop_to(index)

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            name, formatting = self.stack.pop()
            for group in (name, *_CLASSES.get(name, ())):
                self.open[group].pop()
            self.depth -= _WEIGHT.get(name, 1)
            self.foreign -= name in _FOREIGN
            if formatting is not None and len(self.stack) > index:
                alike = self.detached.setdefault(name, Counter())
                if alike[formatting] < _SAME_FORMATTING_KEPT:
                    alike[formatting] += 1
                    self.reopened += 1

    def _forget_detached(self, name: str) -> bool:
        """Whether the end tag closed a detached formatting element (the parser drops it)."""
        alike = self.detached.get(name)
        if self._top(name) >= 0 or not alike:
            return False
        tag = next(iter(alike))
        alike[tag] -= 1
        if not alike[tag]:
            del alike[tag]
        self.reopened -= 1
        return True


def _without(html: str, spans: list[tuple[int, int]]) -> str:
    """The text without the given (start, end) spans."""
    pieces, last = [], 0
    for start, end in spans:
        pieces.append(html[last:start])
        last = end
    pieces.append(html[last:])
    return "".join(pieces)
