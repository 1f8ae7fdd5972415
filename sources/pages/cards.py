"""The card heuristic: repeated blocks of a name-like heading with a title-like text beside it.

Only used when no selectors are configured and the structured data holds fewer than two
people; conservative, as a wrong roster makes false "left the company" changes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import islice
from typing import Any

from sources.pages.decoding import (
    _MAX_SIBLINGS,
    _SKIPPED_SIBLINGS,
    _ancestors,
    _clean,
    _first,
    _in_skipped_area,
    _link,
    _text,
    _words,
)
from sources.pages.names import (
    _INLINE_TITLE,
    _as_person_name,
    _as_title,
    _has_title_words,
    _person,
    _split_company,
)
from sources.pages.roster import PagePerson

# --- 5. the card heuristic --------------------------------------------------------------------

_NAME_ELEMENTS = "h2, h3, h4, h5, h6, strong, b, [class*=name i]"
_PERSON_HINTS = re.compile(
    r"team|member|person|people|staff|speaker|employee|founder|leader|bio|medewerker|mitarbeiter"
    r"|crew",
    re.I,
)
_BLOCKS = _words("p div li ul ol dl table section article h1 h2 h3 h4 h5 h6")


@dataclass(frozen=True)
class _Card:
    """One name element that may be a person card, with the title found beside it."""

    node: Any
    order: int
    person: PagePerson
    hinted: bool
    signature: tuple[str, ...]


def _card_people(tree: Any, page_url: str) -> list[PagePerson]:
    """People in groups of repeated cards: a name-like heading with a title-like text beside."""
    groups: dict[tuple[str, ...], list[_Card]] = {}
    for order, node in enumerate(_first(tree.css(_NAME_ELEMENTS))):
        if card := _card_at(node, order, page_url):
            groups.setdefault(card.signature, []).append(card)
    accepted = [card for cards in groups.values() if _is_roster(cards) for card in cards]
    accepted.sort(key=lambda card: card.order)
    shared = Counter(mem_id for card in accepted for mem_id in _ancestor_ids(card.node))
    return [_with_profile_link(card, shared, page_url) for card in accepted]


def _card_at(node: Any, order: int, page_url: str) -> _Card | None:
    """A card candidate at a name element, or None when it does not read as a person."""
    text = _text(node)
    if not 2 <= len(text) <= 120 or _has_blocks_inside(node) or _in_skipped_area(node):
        return None
    hinted = _hinted(node)
    bare, org = _split_company(text)
    name = _as_person_name(bare, single_ok=hinted)
    found = _text_after(node)
    title = _as_title(found[0], bare) if found and name else None
    if name is None and (parts := _INLINE_TITLE.split(text, maxsplit=1)) and len(parts) == 2:
        name, title = _as_person_name(parts[0]), _as_title(parts[1], parts[0])
    if name is None:
        return None
    link = _name_link(node)
    href = _link(link.attributes.get("href"), page_url) if link is not None else None
    person = _person(name, title, None, href, named_org=org)
    return _Card(node, order, person, hinted, _signature(node)) if person else None


def _has_blocks_inside(node: Any) -> bool:
    """Whether an element's children are blocks (a "field--name-text" div holding a card)."""
    return any(child.tag in _BLOCKS for child in islice(node.iter(), _MAX_SIBLINGS))


def _hinted(node: Any) -> bool:
    """Whether the element or its near ancestors have a class saying "team member" or so."""
    for _ in range(4):
        if node is None:
            return False
        if _PERSON_HINTS.search(str(node.attributes.get("class") or "")):
            return True
        node = node.parent
    return False


def _signature(node: Any) -> tuple[str, ...]:
    """Tag path and the element's class, so that the cards of one list group together."""
    path = [node.tag, re.sub(r"\d+", "", str(node.attributes.get("class") or ""))]
    parent = node.parent
    for _ in range(3):
        if parent is None:
            break
        path.append(parent.tag)
        parent = parent.parent
    return tuple(path)


def _is_roster(cards: list[_Card]) -> bool:
    """Whether a group of cards lists people: several titles, mostly job-like or in team markup."""
    titled = [card for card in cards if card.person.title]
    convincing = [
        card for card in titled if card.hinted or _has_title_words(card.person.title or "")
    ]
    return len(titled) >= 2 and len(convincing) >= 2 and 2 * len(convincing) >= len(titled)


def _text_after(node: Any) -> tuple[str, Any] | None:
    """The first text after an element, climbing at most two levels out of its wrappers."""
    current = node
    for _ in range(3):
        sibling = current.next
        for _ in range(_MAX_SIBLINGS):
            if sibling is None:
                break
            if found := _first_text(sibling, depth=0):
                return found
            sibling = sibling.next
        current = current.parent
        if current is None:
            return None
    return None


def _first_text(node: Any, depth: int) -> tuple[str, Any] | None:
    """The first text in a node: the node itself, or the first of the blocks it wraps."""
    if node.tag in _SKIPPED_SIBLINGS or node.is_comment_node:
        return None
    text = _clean(node.text_content) if node.is_text_node else _text(node)
    text = text.lstrip(",-–—|:· ").strip()
    if not text:
        return None
    if node.is_text_node or depth >= 3 or not _has_blocks_inside(node):
        return text, node
    for child in islice(node.iter(include_text=True), _MAX_SIBLINGS):
        if found := _first_text(child, depth + 1):
            return found
    return None


def _name_link(node: Any) -> Any:
    """The link around or inside a name element."""
    parent = node
    for _ in range(4):
        if parent is None:
            break
        if parent.tag == "a" and parent.attributes.get("href"):
            return parent
        parent = parent.parent
    return node.css_first("a[href]")


def _with_profile_link(card: _Card, shared: Counter[int], page_url: str) -> PagePerson:
    """The card's person, linked to a LinkedIn profile found in its own card when there is one."""
    root = _card_root(card, shared)
    profile = root.css_first('a[href*="linkedin.com/in/"]') if root is not None else None
    if profile is None:
        return card.person
    return replace(card.person, url=_link(profile.attributes.get("href"), page_url))


def _card_root(card: _Card, shared: Counter[int]) -> Any:
    """The largest ancestor of a card's name element that holds no other accepted card."""
    root = None
    for parent in _ancestors(card.node):
        if shared[parent.mem_id] != 1:
            break
        root = parent
    return root


def _ancestor_ids(node: Any) -> set[int]:
    """The memory ids of a node's ancestors."""
    return {int(parent.mem_id) for parent in _ancestors(node)}
