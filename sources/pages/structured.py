"""People in a page's structured data: schema.org JSON-LD, microdata and microformats."""

from __future__ import annotations

import html as html_entities
import json
import re
from collections.abc import Iterator
from typing import Any

from sources.pages.decoding import _ancestors, _classes, _clean, _first, _link, _text
from sources.pages.names import _person
from sources.pages.roster import PagePerson

# --- 1. JSON-LD -------------------------------------------------------------------------------

_MAX_DEPTH = 40
_ORG_PEOPLE_KEYS = frozenset({"employee", "employees", "member", "members", "founder", "founders"})


def _json_ld_people(tree: Any, page_url: str) -> list[PagePerson]:
    """Persons anywhere in the page's JSON-LD, with employers from worksFor or their org."""
    documents = [
        doc
        for script in _first(tree.css('script[type*="ld+json" i]'))
        if (doc := _loaded_json(script.text())) is not None
    ]
    by_id = dict(_nodes_with_id(documents))
    people: list[PagePerson] = []
    for document in documents:
        _collect_ld_people(document, by_id, None, page_url, people, depth=0)
    return people


def _loaded_json(text: str) -> Any:
    """Parsed JSON, or None when the script is malformed (common in the wild)."""
    text = re.sub(r"^\s*(?://\s*)?<!\[CDATA\[|(?://\s*)?\]\]>\s*$|<!--|-->", "", text.strip())
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _nodes_with_id(value: Any, depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every JSON-LD node that defines something under an @id, for resolving references."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _nodes_with_id(item, depth + 1)
    elif isinstance(value, dict):
        if isinstance(value.get("@id"), str) and len(value) > 1:
            yield value["@id"], value
        for item in value.values():
            yield from _nodes_with_id(item, depth + 1)


def _ld_types(node: dict[str, Any]) -> set[str]:
    """The node's @type names without a vocabulary prefix ("schema:Person" -> "Person")."""
    raw = node.get("@type")
    types = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/:#]", t)[-1] for t in types if isinstance(t, str)}


def _is_organization(types: set[str]) -> bool:
    """Whether schema.org types describe an organisation of some kind."""
    return any(t.endswith("Organization") or t in _ORG_TYPES for t in types)


_ORG_TYPES = frozenset({"Corporation", "LocalBusiness", "NGO", "Project", "Consortium"})


def _collect_ld_people(
    value: Any,
    by_id: dict[str, dict[str, Any]],
    org: str | None,
    page_url: str,
    people: list[PagePerson],
    depth: int,
) -> None:
    """Walk a JSON-LD value, appending each Person; people under an org inherit its name."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            _collect_ld_people(item, by_id, org, page_url, people, depth + 1)
        return
    if not isinstance(value, dict):
        return
    types = _ld_types(value)
    if "Person" in types:
        if (person := _ld_person(value, by_id, org, page_url)) is not None:
            people.append(person)
        return
    own_org = _ld_text(value.get("name")) if _is_organization(types) else None
    for key, item in value.items():
        inherited = own_org if key in _ORG_PEOPLE_KEYS else None
        _collect_ld_people(item, by_id, inherited, page_url, people, depth + 1)


def _ld_text(value: Any) -> str | None:
    """A JSON-LD text value: a string, the first of a list, or a node's name."""
    if isinstance(value, list):
        return next((t for item in value if (t := _ld_text(item))), None)
    if isinstance(value, dict):
        return _ld_text(value.get("name") or value.get("@value"))
    return _clean(html_entities.unescape(value)) or None if isinstance(value, str) else None


def _ld_person(
    node: dict[str, Any], by_id: dict[str, dict[str, Any]], org: str | None, page_url: str
) -> PagePerson | None:
    """A PagePerson from a schema.org Person node."""
    node = {**by_id.get(str(node.get("@id")), {}), **node}
    given = " ".join(filter(None, (_ld_text(node.get(k)) for k in ("givenName", "familyName"))))
    titles = node.get("jobTitle")
    title_list = titles if isinstance(titles, list) else [titles]
    title = ", ".join(t for item in title_list if (t := _ld_text(item)))
    employer = _ld_organization(node.get("worksFor"), by_id) or org
    link = _ld_text(node.get("url")) or _ld_text(node.get("sameAs"))
    name = _ld_text(node.get("name")) or given
    return _person(name, title, employer, _link(link, page_url))


def _ld_organization(value: Any, by_id: dict[str, dict[str, Any]]) -> str | None:
    """The name of a worksFor value: a string, an Organization, a reference or a list."""
    if isinstance(value, list):
        return next((n for item in value if (n := _ld_organization(item, by_id))), None)
    if isinstance(value, dict) and "name" not in value:
        value = by_id.get(str(value.get("@id")), value)
    return _ld_text(value)


# --- 2. microdata -----------------------------------------------------------------------------


def _microdata_people(tree: Any, page_url: str) -> list[PagePerson]:
    """schema.org Person items in microdata."""
    people = []
    items = _ItemProps(tree)
    for scope in _first(tree.css("[itemscope][itemtype]")):
        if not _is_schema_type(scope, "Person"):
            continue
        props = items.of(scope)
        given = " ".join(items.text(props, k) or "" for k in ("givenName", "familyName"))
        name = items.text(props, "name") or given
        employer = items.text(props, "worksFor") or _enclosing_org(scope, items)
        link = _link(items.text(props, "url"), page_url)
        if person := _person(name, items.text(props, "jobTitle"), employer, link):
            people.append(person)
    return people


def _is_schema_type(node: Any, wanted: str) -> bool:
    """Whether an itemscope's itemtype is schema.org/<wanted> (or an *Organization)."""
    types = {t.rstrip("/").rsplit("/", 1)[-1] for t in str(node.attributes["itemtype"]).split()}
    return wanted in types or (wanted == "Organization" and _is_organization(types))


def _owner_scope(node: Any) -> Any:
    """The nearest itemscope ancestor of a node (not the node itself)."""
    return next((p for p in _ancestors(node) if "itemscope" in p.attributes), None)


class _ItemProps:
    """The itemprop elements of each item on a page, found in one pass (not one per item,
    which nested items would make quadratic)."""

    def __init__(self, tree: Any) -> None:
        self._owned: dict[int, dict[str, list[Any]]] = {}
        for element in _first(tree.css("[itemprop]")):
            owner = _owner_scope(element)
            if owner is not None:
                props = self._owned.setdefault(owner.mem_id, {})
                for prop in str(element.attributes["itemprop"]).split():
                    props.setdefault(prop, []).append(element)

    def of(self, scope: Any) -> dict[str, list[Any]]:
        """The itemprop elements that belong to this item, not to items nested in it."""
        return self._owned.get(scope.mem_id, {})

    def text(self, props: dict[str, list[Any]], prop: str) -> str | None:
        """The value of an item property: content, href or text; a nested item's name."""
        element = (props.get(prop) or [None])[0]
        if element is None:
            return None
        if "itemscope" in element.attributes:
            return self.text(self.of(element), "name") or _text(element) or None
        attrs = element.attributes
        attr = _VALUE_ATTRIBUTES.get(element.tag, "content")
        if attrs.get(attr):
            return _clean(attrs[attr]) or None
        return _text(element) or None


_VALUE_ATTRIBUTES = {
    "meta": "content",
    "a": "href",
    "link": "href",
    "area": "href",
    "img": "src",
    "time": "datetime",
}


def _enclosing_org(scope: Any, items: _ItemProps) -> str | None:
    """The name of the Organization item a Person is an employee/member/founder of."""
    role = set(str(scope.attributes.get("itemprop") or "").split())
    owner = _owner_scope(scope) if role & _ORG_PEOPLE_KEYS else None
    if owner is None or not owner.attributes.get("itemtype"):
        return None
    return items.text(items.of(owner), "name") if _is_schema_type(owner, "Organization") else None


# --- 3. microformats --------------------------------------------------------------------------


def _hcard_people(tree: Any, page_url: str) -> list[PagePerson]:
    """People in h-card (p-name, p-job-title, p-org, u-url) and classic hCard (fn, title, org)."""
    people = []
    own = _CardProperties(tree)
    for card in _first(tree.css(".h-card, .vcard")):
        classes = set(_classes(card))
        modern = "h-card" in classes
        if {"p-org", "org"} & classes or _hcard_is_organization(card, modern, own):
            continue
        name_node = own(card, ".p-name" if modern else ".fn")
        name = _text(name_node) if name_node is not None else _implied_name(card)
        title_node = own(card, ".p-job-title, .p-role" if modern else ".title, .role")
        org_node = own(card, ".p-org" if modern else ".org")
        link_node = own(card, ".u-url" if modern else ".url")
        if link_node is None and card.tag == "a":
            link_node = card
        person = _person(
            name or "",
            _text(title_node) if title_node is not None else None,
            _org_name(org_node, modern),
            _link(link_node.attributes.get("href") if link_node is not None else None, page_url),
        )
        if person is not None:
            people.append(person)
    return people


def _hcard_is_organization(card: Any, modern: bool, own: _CardProperties) -> bool:
    """Whether a card names an organisation ("fn org" on one element)."""
    name_node = own(card, ".p-name" if modern else ".fn")
    return name_node is not None and bool({"p-org", "org"} & set(_classes(name_node)))


class _CardProperties:
    """The first element of each property in each card, one pass over the page per
    property (not one per card, which nested cards would make quadratic)."""

    def __init__(self, tree: Any) -> None:
        self._tree = tree
        self._first_in_card: dict[str, dict[int, Any]] = {}

    def __call__(self, card: Any, selector: str) -> Any:
        """The first element matching selector whose nearest card ancestor is this card."""
        if selector not in self._first_in_card:
            found: dict[int, Any] = {}
            for element in _first(self._tree.css(selector)):
                parent = next(
                    (p for p in _ancestors(element) if {"h-card", "vcard"} & set(_classes(p))),
                    None,
                )
                if parent is not None:
                    found.setdefault(parent.mem_id, element)
            self._first_in_card[selector] = found
        return self._first_in_card[selector].get(card.mem_id)


def _implied_name(card: Any) -> str | None:
    """An h-card without p-name is named by its own short text (an <a class="h-card">)."""
    text = _text(card)
    return text if 0 < len(text) <= 80 else None


def _org_name(node: Any, modern: bool) -> str | None:
    """The text of an org property, or the name of an org nested as a card."""
    if node is None:
        return None
    inner = node.css_first(".p-name" if modern else ".fn")
    return _text(inner if inner is not None else node) or None


def _structured_people(tree: Any, page_url: str) -> list[PagePerson]:
    """People from JSON-LD, microdata and microformats, in that order."""
    return [
        *_json_ld_people(tree, page_url),
        *_microdata_people(tree, page_url),
        *_hcard_people(tree, page_url),
    ]
