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

The stages, one module each: ``decoding`` (bytes to text, the bounded parse, visible
text), ``names`` (what a name and a title look like), ``structured`` (JSON-LD, microdata,
microformats), ``selectors`` (configured CSS selectors), ``cards`` (the heuristic),
``profile`` (profile pages) and ``roster`` (deduplicating and diffing snapshots).
"""

from __future__ import annotations

from sources.pages.cards import _card_people
from sources.pages.decoding import _parse, _same_url
from sources.pages.profile import _completed, _name_from_metadata
from sources.pages.roster import PagePerson, RosterChange, _deduplicated, diff_people
from sources.pages.selectors import Selectors, _selected_people
from sources.pages.structured import _structured_people


def people_on_page(
    html: str | bytes,
    *,
    url: str,
    selectors: Selectors | None = None,
    content_type: str | None = None,
) -> list[PagePerson]:
    """People listed on a team/about/speakers page, deduplicated by folded name, in page order.

    ``content_type`` is the HTTP Content-Type header, whose charset decodes the bytes.
    """
    tree = _parse(html, content_type)
    found = _structured_people(tree, url)
    if selectors is not None:
        found += _selected_people(tree, selectors, url)
    elif len(_deduplicated(found)) < 2:
        found += _card_people(tree, url)
    return _deduplicated(found)


def profile_of(
    html: str | bytes,
    *,
    url: str,
    selectors: Selectors | None = None,
    content_type: str | None = None,
) -> PagePerson | None:
    """The person a profile page is about: current employer and title."""
    tree = _parse(html, content_type)
    if selectors is not None and (selected := _selected_people(tree, selectors, url)):
        return selected[0]
    structured = _deduplicated(_structured_people(tree, url))
    if structured:
        owner = next((p for p in structured if _same_url(p.url, url)), structured[0])
        return owner if owner.title else _completed(owner, tree, url)
    name = _name_from_metadata(tree, url)
    return _completed(PagePerson(name, url=url), tree, url) if name else None


__all__ = [
    "PagePerson",
    "RosterChange",
    "Selectors",
    "diff_people",
    "people_on_page",
    "profile_of",
]
