"""A person on a page, and comparing two snapshots of a page's people by folded name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from models.names import fold, person_key


@dataclass(frozen=True)
class PagePerson:
    """A person named on a page, with what the page says about their work."""

    name: str
    title: str | None = None
    employer: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class RosterChange:
    """What changed between two snapshots of the people on a page."""

    joined: list[PagePerson] = field(default_factory=list)
    left: list[PagePerson] = field(default_factory=list)
    retitled: list[tuple[PagePerson, PagePerson]] = field(default_factory=list)


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
