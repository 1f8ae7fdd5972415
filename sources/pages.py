"""People and their job titles on web pages: team, about, speaker and profile pages.

Strategies, combined in this order: schema.org JSON-LD, schema.org microdata, h-card and
classic hCard microformats, CSS selectors configured per source, and, only when no selectors
are configured and the structured data holds fewer than two people, a conservative heuristic
for repeated person cards (a name-like heading with a title-like text beside it). Pure: no
network, no database, no logging. Only Selectors.from_mapping raises (ValueError).

Bounded: the page is parsed through ``sources.markup`` (size and nesting cut), each
strategy looks at the first ``_MAX_CANDIDATES`` elements it selects, and every walk up
the tree or along siblings has a fixed length, so the work is at most candidates × a
constant, however the page is built.
"""

from __future__ import annotations

import html as html_entities
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any
from urllib.parse import urljoin

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from models.names import fold, person_key
from sources.markup import MAX_DEPTH, parse_html


@dataclass(frozen=True)
class PagePerson:
    """A person named on a page, with what the page says about their work."""

    name: str
    title: str | None = None
    employer: str | None = None
    url: str | None = None


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


@dataclass(frozen=True)
class RosterChange:
    """What changed between two snapshots of the people on a page."""

    joined: list[PagePerson] = field(default_factory=list)
    left: list[PagePerson] = field(default_factory=list)
    retitled: list[tuple[PagePerson, PagePerson]] = field(default_factory=list)


def people_on_page(
    html: str | bytes, *, url: str, selectors: Selectors | None = None
) -> list[PagePerson]:
    """People listed on a team/about/speakers page, deduplicated by folded name, in page order."""
    tree = _parse(html)
    found = _structured_people(tree, url)
    if selectors is not None:
        found += _selected_people(tree, selectors, url)
    elif len(_deduplicated(found)) < 2:
        found += _card_people(tree, url)
    return _deduplicated(found)


def profile_of(
    html: str | bytes, *, url: str, selectors: Selectors | None = None
) -> PagePerson | None:
    """The person a profile page is about: current employer and title."""
    tree = _parse(html)
    if selectors is not None and (selected := _selected_people(tree, selectors, url)):
        return selected[0]
    structured = _deduplicated(_structured_people(tree, url))
    if structured:
        owner = next((p for p in structured if _same_url(p.url, url)), structured[0])
        return owner if owner.title else _completed(owner, tree, url)
    name = _name_from_metadata(tree, url)
    return _completed(PagePerson(name, url=url), tree, url) if name else None


def diff_people(before: Sequence[PagePerson], after: Sequence[PagePerson]) -> RosterChange:
    """Compare two snapshots by folded name (models.names.person_key)."""
    old = {person_key(p.name): p for p in reversed(before)}
    new = {person_key(p.name): p for p in reversed(after)}
    return RosterChange(
        joined=[p for key, p in _in_order(after) if key not in old],
        left=[p for key, p in _in_order(before) if key not in new],
        retitled=[
            (old[key], p)
            for key, p in _in_order(after)
            if key in old and _work_changed(old[key], p)
        ],
    )


# --- parsing and text -------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def _words(text: str) -> frozenset[str]:
    """A vocabulary written as one space-separated string."""
    return frozenset(text.split())


_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([\w.:-]+)""", re.I)
_SKIPPED_AREAS = frozenset({"nav", "footer", "form", "script", "style", "noscript", "template"})
_SKIPPED_SIBLINGS = frozenset({"img", "svg", "br", "hr", "script", "style", "button", "picture"})


_MAX_CANDIDATES = 2000
"""Elements one strategy looks at: a team page lists dozens of people, not thousands."""
_MAX_SIBLINGS = 8
_MAX_TEXT = 4096
_MAX_TEXT_NODES = 2000
"""Siblings looked at beside a name for its title."""


def _parse(html: str | bytes) -> Any:
    """A bounded Lexbor document for the page, decoding bytes by BOM, meta charset or UTF-8."""
    return parse_html(_decoded(html) if isinstance(html, bytes) else html)


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


def _decoded(raw: bytes) -> str:
    """Bytes as text: BOM, then a meta charset, then UTF-8, then Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", "replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", "replace")
    if match := _META_CHARSET.search(raw[:4096]):
        try:
            return raw.decode(match.group(1).decode("ascii"), "replace")
        except LookupError:
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


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


# --- what a name and a title look like --------------------------------------------------------

_PARTICLES = _words(
    "van de der den ter ten te von zu vom da di du del della dos das do la le y bin al el 't"
    " van't op"
)
# Lower-case particles may sit inside a name; these (in any case) cannot start one.
_NOT_FIRST = _words("de der den het la le el te ter ten 't y do das dos op zu vom")
_HONORIFICS = _words("dr prof mr mrs ms mx sir dame ir ing drs dhr mevr herr frau")
_POSTNOMINAL = re.compile(r",\s*(?:ph\.?\s?d|m\.?d|mba|msc|bsc|m\.?a|b\.?a|jr|sr|iii?)\.?$", re.I)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$")
_BAD_NAME_CHARS = re.compile(r"[\d@:|/!?&+=#<>\"“”()\[\]{}*;,…]")
_NOT_NAME_WORDS = _words(
    """about us home blog contact team our news service services project projects job jobs
    career careers read more menu search login log sign privacy terms cookie cookies policy the
    and of for with in on to at by from new latest follow share download portfolio linkedin
    github twitter facebook instagram youtube mastodon email mail product products solution
    solutions company partners events event overview support docs documentation welcome hello
    world meet join speakers speaker keynote keynotes panel panelists program programme agenda
    schedule tickets register sponsors venue founders founding leadership board council staff
    people members management directors advisors investors who we are what why how my your all
    view profile page site website learn get started free pricing features customers case
    studies resources community open source cloud data api platform faq help press media story
    mission values vision culture office offices location locations address phone copyright
    rights reserved skip content main toggle navigation previous next back top close submit
    send subscribe newsletter upcoming past archive archives category categories tags tag posts
    post comments reply edit update updates introducing report guide day week year today
    monday tuesday wednesday thursday friday saturday sunday january february september
    october november december over ons wie wij zijn het een lees verder meer nieuws samen onze
    mijn vacatures diensten projecten werken neem uber uns kontakt mehr startseite impressum
    datenschutz leistungen aktuelles karriere sind unser unsere accueil nous qui sommes equipe
    actualites mentions legales experience perspective retirement better best foundation
    stichting ministry republic republik university universiteit college institute instituut
    school academy society association vereniging verein gemeente agency bank group gmbh inc
    ltd bv nv llc labs lab studio studios partners consulting systems technologies software
    network department federation union committee club museum hospital ziekenhuis center
    centre centrum zentrum times journal magazine radio corp corporation co limited holding
    holdings ag sa sas bvba ab oy plc llp plan plans tier package basic premium pro enterprise
    gold silver bronze platinum starter"""
)
_ORG_INFIX = re.compile(
    r"ministeri|universit|stiftung|gesellschaft|verband|genossenschaft|institut"
)
_TITLE_STEMS = _words(
    "ceo cto cfo coo cio cmo cpo cso vp svp evp md founder co-founder cofounder oprichter"
    " gründer grunder director directeur direktor manager engineer developer ontwikkelaar"
    " entwickler designer lead head chief officer president partner consultant advisor"
    " adviseur berater architect analyst scientist researcher onderzoeker professor lecturer"
    " teacher docent specialist evangelist advocate owner eigenaar inhaber chair secretary"
    " treasurer intern stagiair recruiter editor writer journalist coordinator assistant"
    " administrator accountant associate principal senior junior sr jr fellow product sales"
    " marketing operations community strategist programmer medewerker beheerder bestuurder"
    " voorzitter geschaftsfuhrer geschäftsführer leiter mitarbeiter referent lawyer attorney"
    " advocaat rechtsanwalt counsel hacker representative enabler coach trainer expert"
    " executive officer steward maintainer architekt spezialist programmier expert sysadmin"
    " consult admin"
)
_NOT_TITLE_START = re.compile(
    r"^(?:read more|view profile|lees verder|meer|mehr|by|door|von|posted|published|share)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_EMAIL_OR_MONEY = re.compile(r"\S@\S|[$€£¥]")
_INLINE_TITLE = re.compile(r"\s+[-–—|]\s+|,\s+")
_SENTENCE_BREAK = re.compile(r"[a-z]{4,}[.!?]\s+\S")


_TITLE_WORDS = frozenset(_TITLE_STEMS)
_TITLE_PREFIX = re.compile("|".join(re.escape(s) for s in _TITLE_STEMS if len(s) >= 5))
_TITLE_INFIX = re.compile("|".join(re.escape(s) for s in _TITLE_STEMS if len(s) >= 6))


def _is_title_word(word: str, *, compounds: bool = False) -> bool:
    """Whether a folded word is job vocabulary; long stems match longer words and compounds."""
    if word in _TITLE_WORDS or _TITLE_PREFIX.match(word):
        return True
    return compounds and _TITLE_INFIX.search(word) is not None


def _name_word_ok(word: str) -> bool:
    """A capitalised word of letters, apostrophes or hyphens, not all capitals."""
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return (
        letters.isalpha()
        and word[0].isupper()
        and not (len(letters) > 1 and letters.isupper())
        and not word.endswith(("-", "'"))
    )


def _as_person_name(text: str, *, single_ok: bool = False) -> str | None:
    """The text as a person's full name (2-4 capitalised words), or None."""
    text = _clean(text)
    if "," in text:
        text = _POSTNOMINAL.sub("", text)
    words = text.split()
    while words and words[0].lower().rstrip(".") in _HONORIFICS:
        words.pop(0)
    if not words or len(words) > 6 or _BAD_NAME_CHARS.search(text):
        return None
    if words[0].lower() in _NOT_FIRST or words[-1].lower() in _PARTICLES:
        return None
    main = [w for w in words if w not in _PARTICLES]
    full = [w for w in main if not _INITIALS.match(w)]
    if not full or not (1 if single_ok else 2) <= len(main) <= 4:
        return None
    if not all(_name_word_ok(w) for w in full):
        return None
    folded = fold(" ".join(full)).split()
    if _NOT_NAME_WORDS.intersection(folded) or any(_is_title_word(f) for f in folded):
        return None
    if _ORG_INFIX.search(" ".join(folded)):
        return None
    return " ".join(words)


def _as_title(text: str, name: str) -> str | None:
    """The text as a job title next to a name, or None if it reads like something else."""
    text = _clean(text).lstrip(",-–—|:· ").strip()
    if text.startswith(name):  # "Kirsten Hunter, API Evangelist @ Akamai"
        text = text[len(name) :].lstrip(",-–—|: ").strip()
    words = text.split()
    if not text or len(text) > 120 or len(words) > 15 or _NOT_TITLE_START.match(text):
        return None
    if text.endswith(("!", "?")) or _SENTENCE_BREAK.search(text) or _YEAR.search(text):
        return None
    if (len(words) > 8 and text.endswith(".")) or "http" in text or _EMAIL_OR_MONEY.search(text):
        return None
    folded = fold(text).split()
    if not folded or all(w in _NOT_NAME_WORDS and not _is_title_word(w) for w in folded):
        return None  # "LinkedIn", "Read more", "Contact"
    # Another person's name first ("Jane Doe, CEO at Acme" under a talk title) is no title.
    return None if _as_person_name(_INLINE_TITLE.split(text, maxsplit=1)[0]) else text


def _has_title_words(title: str) -> bool:
    """Whether a title uses job vocabulary ("CEO", "Engineer", "oprichter")."""
    return any(_is_title_word(word, compounds=True) for word in fold(title).split())


# --- employers written into names and titles --------------------------------------------------

_NAME_WITH_COMPANY = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<org>[^()]{1,80})\)(?P<rest>.*)$")
_AT_COMPANY = re.compile(r"\s(?:@\s*|(?:at|bij|bei|chez)\s+)(?P<org>\S.*)$", re.I)
_TOP_ROLE_OF = re.compile(
    r"\b(?:ceo|cto|cfo|coo|cio|cmo|co-?founder|founder|president|chair(?:man|woman)?|owner"
    r"|managing director|executive director|oprichter|eigenaar|directeur|inhaber|gr[uü]nder)"
    r"\s+(?:of|van|von)\s+(?P<org>\S.*)$",
    re.I,
)


def _split_company(text: str) -> tuple[str, str | None]:
    """ "Ali Jelveh (Protonet)" -> ("Ali Jelveh", "Protonet"); other text is returned as is."""
    match = _NAME_WITH_COMPANY.match(text)
    if match is None or any(c.isalpha() for c in match.group("rest")):
        return text, None
    return _clean(match.group("name")), _clean(match.group("org"))


def _employer_in_title(title: str | None) -> str | None:
    """The employer a title names: "X @ Acme", "X at Acme", "CEO of Acme"."""
    if not title:
        return None
    match = _AT_COMPANY.search(title) or _TOP_ROLE_OF.search(title)
    if match is None:
        return None
    org = re.sub(r"^the\s+", "", match.group("org").strip(" .,;")).strip()
    return org if org and len(org.split()) <= 8 else None


def _person(
    name: str,
    title: str | None,
    employer: str | None,
    url: str | None,
    *,
    named_org: str | None = None,
) -> PagePerson | None:
    """A PagePerson, its employer from the title or a "Name (Company)" when not given."""
    name, in_name = _split_company(_clean(name))
    if not name or len(name) > 100 or not any(c.isalpha() for c in name):
        return None
    title = _clean(title) or None
    employer = _clean(employer) or _employer_in_title(title) or named_org or in_name
    return PagePerson(name=name, title=title, employer=employer or None, url=url)


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


# --- 4. configured selectors ------------------------------------------------------------------

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


# --- combining and comparing ------------------------------------------------------------------


def _deduplicated(people: Sequence[PagePerson]) -> list[PagePerson]:
    """One entry per folded name, first seen first, gaps filled from later sightings."""
    merged: dict[str, PagePerson] = {}
    for person in people:
        key = person_key(person.name)
        if not key:
            continue
        known = merged.get(key)
        merged[key] = person if known is None else _filled(known, person)
    return list(merged.values())


def _filled(known: PagePerson, other: PagePerson) -> PagePerson:
    """known, with its missing title, employer and url taken from other."""
    return replace(
        known,
        title=known.title or other.title,
        employer=known.employer or other.employer,
        url=known.url or other.url,
    )


def _in_order(people: Sequence[PagePerson]) -> list[tuple[str, PagePerson]]:
    """(key, person) for the first occurrence of each folded name."""
    seen: dict[str, PagePerson] = {}
    for person in people:
        seen.setdefault(person_key(person.name), person)
    return list(seen.items())


def _work_changed(before: PagePerson, after: PagePerson) -> bool:
    """Whether a title or employer known in both snapshots changed (not just its spelling)."""
    return any(
        old is not None and new is not None and fold(old) != fold(new)
        for old, new in ((before.title, after.title), (before.employer, after.employer))
    )
