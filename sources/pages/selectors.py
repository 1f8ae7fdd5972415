"""CSS selectors configured per source, validated when the source is created."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from sources.pages.cards import _name_link
from sources.pages.decoding import _first, _link, _text
from sources.pages.names import _person
from sources.pages.roster import PagePerson


@dataclass(frozen=True)
class Selectors:
    """CSS selectors configured per source, for pages without structured data."""

    person: str
    name: str
    title: str | None = None
    employer: str | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, str]) -> Selectors:
        """Selectors from configuration; ValueError names a missing, unknown or broken one."""
        unknown = sorted(set(raw) - {"person", "name", "title", "employer"})
        if unknown:
            raise ValueError(f"unknown selector option(s): {', '.join(unknown)}")
        for required in ("person", "name"):
            if not raw.get(required):
                raise ValueError(f"selector {required!r} is required")
        return cls(
            person=_checked_selector("person", raw["person"]) or "",
            name=_checked_selector("name", raw["name"]) or "",
            title=_checked_selector("title", raw.get("title")),
            employer=_checked_selector("employer", raw.get("employer")),
        )


_EMPTY_DOCUMENT = LexborHTMLParser("<html><body></body></html>")


def _checked_selector(key: str, value: str | None) -> str | None:
    """A selector that compiles, or ValueError naming the option."""
    if value is None and key in ("title", "employer"):
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"selector {key!r} must be a non-empty string")
    try:
        _EMPTY_DOCUMENT.css(value)
    except SelectolaxError as exc:
        raise ValueError(f"selector {key!r} is not valid CSS: {value!r}") from exc
    return value.strip()


def _selected_people(tree: Any, selectors: Selectors, page_url: str) -> list[PagePerson]:
    """People found by the source's configured selectors."""
    people = []
    for block in _first(tree.css(selectors.person)):
        name_node = block.css_first(selectors.name)
        if name_node is None:
            continue
        title, employer = (
            _selected_text(block, selector) for selector in (selectors.title, selectors.employer)
        )
        link = _name_link(name_node) or block.css_first("a[href]")
        href = link.attributes.get("href") if link is not None else None
        if person := _person(_text(name_node), title, employer, _link(href, page_url)):
            people.append(person)
    return people


def _selected_text(block: Any, selector: str | None) -> str | None:
    """The text of the first element a selector finds inside a block."""
    node = block.css_first(selector) if selector else None
    return _text(node) or None if node is not None else None
