"""What feedparser may see: no entity declarations, no references to characters XML does
not have, and a bounded number of entries, elements and bytes.

Entity declarations follow defusedxml's rules (a DTD may be named, entities may not be
declared, nothing external is resolved), but they are stripped here rather than refused
by defusedxml's parser, because the danger is not in an XML parser we could swap:
feedparser takes ``<!ENTITY`` lines from the prolog with its own regular expression, after
converting the document to UTF-8 from whatever encoding it declares, and when expat then
refuses the document (its amplification limit trips) feedparser's loose parser expands
those entities without any limit (175 KB: 50 s of CPU and 7 GB). An expat-level check
stops at the first error, while feedparser's regular expression does not. So the guard
works on the very bytes that expression will see (feedparser's own UTF-8 conversion),
removes every DOCTYPE internal subset and any declaration left in the prolog, and then
removes what that expression would still find, until it finds nothing.

Cost: feedparser spends about 15 µs per element and 0.3 to 1.5 µs per byte, all of it
uninterruptible, so a 5 MB feed could cost 7 s. The guard cuts the document after the
last whole entry that fits the entry, element and byte budgets (closing the elements
still open, so that it stays well-formed) and counts the entries it left out; a feed
whose first entry does not fit is refused (TooLargeError).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from feedparser.encodings import convert_to_utf8, parse_content_type
from feedparser.sanitizer import RE_ENTITY_PATTERN

from sources import NotAFeedError, TooLargeError

MAX_ELEMENTS = 20_000
"""Start tags handed to feedparser: about 0.3 s of its CPU."""
MAX_BYTES = 1_000_000
"""Bytes handed to feedparser: at most about 0.4 s of its CPU (a feed of 50 long
articles is about 1 MB; a longer one gives the entries that fit)."""
MAX_SUBSET_BYTES = 65_536
"""A DOCTYPE internal subset larger than this is refused, not scanned."""


@dataclass(frozen=True)
class GuardedFeed:
    """The bytes and headers to give feedparser, and what the guard changed."""

    body: bytes
    headers: dict[str, str]
    problem: str | None
    skipped: int
    """Entries left out to stay within the budgets."""


def guarded(
    body: bytes,
    headers: Mapping[str, str],
    *,
    max_entries: int,
    max_elements: int = MAX_ELEMENTS,
    max_bytes: int = MAX_BYTES,
) -> GuardedFeed:
    """The feed without entity declarations, cut to the budgets; unchanged when it
    already complies (feedparser then sees exactly what was fetched)."""
    conversion: dict[str, object] = {}
    try:
        data = convert_to_utf8(dict(headers), body, conversion)
    except ValueError as exc:  # an encoding name Python refuses to look up ("utf-8\0")
        raise NotAFeedError(f"the feed's encoding cannot be used: {exc}") from exc
    problems = []
    declared = _without_declarations(data)
    if declared != data:
        problems.append("entity declarations removed")
    referenced = _without_bad_references(declared)
    if referenced != declared:
        problems.append("references to characters XML does not have replaced")
        declared = referenced
    cut, skipped = _cut(declared, max_entries, max_elements, max_bytes)
    if skipped:
        problems.append(f"{skipped} entries past the limits left out")
    if cut is data:
        return GuardedFeed(body, dict(headers), None, 0)
    new_headers = dict(headers)
    if conversion.get("encoding"):  # the bytes are UTF-8 now, and say so
        mime, _ = parse_content_type(new_headers.get("content-type", ""))
        new_headers["content-type"] = f"{mime or 'application/xml'}; charset=utf-8"
    return GuardedFeed(cut, new_headers, "; ".join(problems) or None, skipped)


# --- entity declarations ------------------------------------------------------------------

_ELEMENT_START = re.compile(rb"<[A-Za-z_:]")
_FEEDPARSER_HEAD_END = re.compile(rb"<\w")
_SUBSET_SPECIAL = re.compile(rb"[\"'<\]]")
_DECLARATION_SPECIAL = re.compile(rb"[\"'>]")
_DOCTYPE_SPECIAL = re.compile(rb"[\"'\[>]")


def _without_declarations(data: bytes) -> bytes:
    """The document without DOCTYPE internal subsets or declarations in its prolog, and
    without anything feedparser's entity expression would take from it."""
    pieces: list[bytes] = []
    last = position = 0
    while (start := data.find(b"<", position)) >= 0:
        if data.startswith(b"<?", start):
            position = _after(data, b"?>", start + 2)
        elif data.startswith(b"<!--", start):
            position = _after(data, b"-->", start + 4)
        elif data[start + 2 : start + 9].upper() == b"DOCTYPE" and data[start + 1] == 0x21:
            position, subset = _doctype(data, start + 9)
            if subset is not None:
                pieces.append(data[last : subset[0]])
                last = subset[1]
        elif data.startswith(b"<!", start):  # a declaration outside a DOCTYPE: dropped
            position = _declaration_end(data, start + 2)
            pieces.append(data[last:start])
            last = position
        elif _ELEMENT_START.match(data, start):
            break  # the root element: the prolog is over
        else:
            position = start + 1
    stripped = b"".join([*pieces, data[last:]]) if pieces else data
    return _without_entity_lines(stripped)


def _without_entity_lines(data: bytes) -> bytes:
    """Remove what feedparser's own expression finds in its idea of the prolog, until it
    finds nothing (a removal can join two halves into a new declaration)."""
    while True:
        head_end = _FEEDPARSER_HEAD_END.search(data)
        end = head_end.start() + 1 if head_end else len(data)
        head = data[:end]
        if not RE_ENTITY_PATTERN.search(head):
            return data
        data = RE_ENTITY_PATTERN.sub(b"", head) + data[end:]


def _after(data: bytes, marker: bytes, start: int) -> int:
    """The position after ``marker``; an unterminated prolog is no feed."""
    end = data.find(marker, start)
    if end < 0:
        raise NotAFeedError("the document's prolog never ends")
    return end + len(marker)


def _doctype(data: bytes, position: int) -> tuple[int, tuple[int, int] | None]:
    """The end of a DOCTYPE declaration and the span of its internal subset, if any."""
    while (special := _DOCTYPE_SPECIAL.search(data, position)) is not None:
        char = data[special.start() : special.start() + 1]
        if char == b">":
            return special.end(), None
        if char == b"[":
            subset_end = _subset_end(data, special.end())
            return _declaration_end(data, subset_end), (special.start(), subset_end)
        position = _after(data, char, special.end())
    raise NotAFeedError("the document's DOCTYPE never ends")


def _subset_end(data: bytes, position: int) -> int:
    """The position after the ``]`` that closes an internal subset starting here."""
    limit = position + MAX_SUBSET_BYTES
    while (special := _SUBSET_SPECIAL.search(data, position, limit)) is not None:
        char = data[special.start() : special.start() + 1]
        if char == b"]":
            return special.end()
        if char in (b'"', b"'"):
            position = _after(data, char, special.end())
        elif data.startswith(b"<!--", special.start()):
            position = _after(data, b"-->", special.start() + 4)
        elif data.startswith(b"<?", special.start()):
            position = _after(data, b"?>", special.start() + 2)
        else:
            position = special.end()
        if position > limit:
            break
    raise NotAFeedError(f"a DOCTYPE internal subset over {MAX_SUBSET_BYTES} bytes is refused")


def _declaration_end(data: bytes, position: int) -> int:
    """The position after the ``>`` that ends a declaration, quoted ``>`` skipped."""
    while (special := _DECLARATION_SPECIAL.search(data, position)) is not None:
        char = data[special.start() : special.start() + 1]
        if char == b">":
            return special.end()
        position = _after(data, char, special.end())
    raise NotAFeedError("a declaration in the document's prolog never ends")


# --- character references ----------------------------------------------------------------

_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
_REPLACEMENT = b"&#xFFFD;"


def _without_bad_references(data: bytes) -> bytes:
    """The document with each numeric reference to a character XML does not have (NUL, a
    surrogate, past U+10FFFF, thousands of digits) replaced by U+FFFD. feedparser's
    parsers take them to ``chr()`` (ValueError, OverflowError) or into its text, where a
    lone surrogate cannot be encoded (UnicodeEncodeError when stored)."""
    if b"&#" not in data:
        return data
    return _CHARACTER_REFERENCE.sub(_checked_reference, data)


def _checked_reference(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    digits = hexadecimal or decimal
    if len(digits) <= 8:
        value = int(digits, 16 if hexadecimal else 10)
        if value in (0x9, 0xA, 0xD) or 0x20 <= value <= 0xD7FF or 0xE000 <= value <= 0xFFFD:
            return match.group(0)
        if 0x10000 <= value <= 0x10FFFF:
            return match.group(0)
    return _REPLACEMENT


# --- budgets ------------------------------------------------------------------------------

_MARKUP = re.compile(rb"<(/?)([A-Za-z_][^\s/<>]*)([^<>]*)>?|<!--|<!\[CDATA\[|<\?")
_ENTRY_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s/>]", re.I)
_ENTRY_NAMES = frozenset({b"item", b"entry"})
_MARKUP_ENDS = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}


def _cut(data: bytes, max_entries: int, max_elements: int, max_bytes: int) -> tuple[bytes, int]:
    """The document ended after the last whole entry within the budgets (open elements
    closed), and how many entries were left out; ``data`` itself when all fit."""
    stack: list[bytes] = []
    open_count: dict[bytes, int] = {}
    entries = elements = 0
    cut: tuple[int, list[bytes]] | None = None  # where the last whole entry ended
    position = 0
    while (match := _MARKUP.search(data, position)) is not None:
        if match.start() > max_bytes:
            break
        position = match.end()
        closing, name, rest = match.groups()
        if name is None:  # a comment, CDATA section or processing instruction
            marker = _MARKUP_ENDS[match.group(0)]
            end = data.find(marker, position)
            position = len(data) if end < 0 else end + len(marker)
            continue
        if closing:
            while open_count.get(name):  # pops up to the element it closes, if open
                top = stack.pop()
                open_count[top] -= 1
                if top == name:
                    break
            if name.rsplit(b":", 1)[-1].lower() in _ENTRY_NAMES:
                entries += 1
                cut = (match.end(), list(stack))
                if entries >= max_entries:
                    break
            continue
        elements += 1
        if elements > max_elements:
            break
        if not rest.endswith(b"/"):
            stack.append(name)
            open_count[name] = open_count.get(name, 0) + 1
    else:
        if len(data) <= max_bytes:
            return data, 0
    if cut is None:
        raise TooLargeError(
            f"the feed's first entry is over {max_elements} elements or {max_bytes} bytes"
        )
    end, still_open = cut
    skipped = len(_ENTRY_START.findall(data, end))
    closing_tags = b"".join(b"</" + name + b">" for name in reversed(still_open))
    return data[:end] + closing_tags, skipped
