"""The person a profile page is about, from its metadata and the text around their name."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from models.names import fold, person_key
from sources.pages.cards import _NAME_ELEMENTS, _text_after
from sources.pages.decoding import _MAX_SIBLINGS, _clean, _first, _in_skipped_area, _text, _words
from sources.pages.names import (
    _as_person_name,
    _as_title,
    _employer_in_title,
    _has_title_words,
    _split_company,
)
from sources.pages.roster import PagePerson

# --- profile pages ----------------------------------------------------------------------------

_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—·:»«•~]\s+|\s*\|\s*")
_TITLE_NOISE = _words(
    "portfolio homepage home website site blog profile profiel about over cv resume résumé page"
    " personal persoonlijke of van von the by welcome to meet contact"
)


def _name_from_metadata(tree: Any, page_url: str) -> str | None:
    """The page owner's name from profile:*, og:title, <title> and meta author, by agreement."""
    scores: dict[str, int] = {}
    names: dict[str, str] = {}
    for weight, candidate in _metadata_names(tree):
        key = person_key(candidate)
        names.setdefault(key, candidate)
        scores[key] = scores.get(key, 0) + weight
    squashed_url = fold(page_url).replace(" ", "")
    for key in scores:
        scores[key] += key.replace(" ", "") in squashed_url  # /author/chris-holdgraf/
    best = max(scores, key=scores.__getitem__, default=None)
    return names[best] if best is not None else None


def _metadata_names(tree: Any) -> Iterator[tuple[int, str]]:
    """(weight, name) candidates from the page's metadata."""
    first, last = (_meta(tree, f"profile:{part}_name") for part in ("first", "last"))
    if first and last:
        yield 3, f"{first} {last}"
    for weight, text in ((2, _meta(tree, "og:title")), (2, _page_title(tree))):
        if text and (name := _name_in_title(text)):
            yield weight, name
    author = _meta(tree, "author")
    if author and (name := _as_person_name(author)):
        yield 1, name


def _meta(tree: Any, key: str) -> str | None:
    """The content of <meta name=key> or <meta property=key>."""
    node = tree.css_first(f'meta[name="{key}" i], meta[property="{key}" i]')
    return _clean(node.attributes.get("content")) or None if node is not None else None


def _page_title(tree: Any) -> str | None:
    """The document's <title>."""
    node = tree.css_first("head title") or tree.css_first("title")
    return _text(node) or None if node is not None else None


def _name_in_title(text: str) -> str | None:
    """A person's name in a page title: "Chris Holdgraf | 2i2c", "Portfolio Niels Lubberman"."""
    for segment in _TITLE_SEPARATORS.split(text):
        words = re.sub(r"['’]s\b", "", segment).split()
        while words and words[0].lower() in _TITLE_NOISE:
            words.pop(0)
        while words and words[-1].lower() in _TITLE_NOISE:
            words.pop()
        if name := _as_person_name(" ".join(words)):
            return name
    return None


def _completed(person: PagePerson, tree: Any, page_url: str) -> PagePerson:
    """A profile's person with the title (and employer) printed under their name on the page."""
    node = _element_named(tree, person.name)
    found = _text_after(node) if node is not None else None
    title = _as_title(found[0], person.name) if found else None
    if found is None or title is None:
        return person
    employer = person.employer or _employer_in_title(title) or _organisation_after(found[1])
    return replace(person, title=title, employer=employer)


def _element_named(tree: Any, name: str) -> Any:
    """The first heading-like element whose text is exactly the person's name."""
    key = person_key(name)
    for node in _first(tree.css(f"h1, {_NAME_ELEMENTS}")):
        if person_key(_split_company(_text(node))[0]) == key and not _in_skipped_area(node):
            return node
    return None


def _organisation_after(title_node: Any) -> str | None:
    """A linked organisation right after the title, in the same kind of element (Wowchemy)."""
    sibling = title_node.next
    for _ in range(_MAX_SIBLINGS):
        if sibling is None or not sibling.is_text_node or _clean(sibling.text_content):
            break
        sibling = sibling.next
    if sibling is None or sibling.tag != title_node.tag or sibling.css_first("a[href]") is None:
        return None
    text = _text(sibling)
    return text if 0 < len(text.split()) <= 5 and not _has_title_words(text) else None
