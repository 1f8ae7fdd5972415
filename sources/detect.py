"""Detecting who an item is about: employers and pool members named in its text.

One Aho-Corasick automaton holds every name form, so matching costs the same for ten
names or hundreds of thousands. Person names are indexed in three forms: the full
name (also without middle names), initials with the surname ("L.K. Evans", "J. de
Vries") and the surname alone ("De Vries"); a surname alone is only a hint, kept when
the member's employer is named in the same text, and never for surnames that are also
everyday words ("Bakker", "de Boer"). A name many members share (thousands of "de Vries"
in a Dutch pool) yields only the members at the employers the text names.

Memory matters at 680,000 members: the automaton stores one integer per name form,
and the owners of each form live in flat integer arrays beside it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from models.names import NAME_PARTICLES, company_key, padded, person_key

MIN_SURNAME = 4  # a surname alone shorter than this matches too much text
COMMON_WORDS = frozenset(
    {
        # Dutch surnames that are everyday words too ("de bakker", "de boer", "een visser"):
        # alone they name no one, so only their full and initialled forms are indexed.
        "bakker",
        "boer",
        "de boer",
        "visser",
        "mulder",
        "kok",
        "koster",
        "schipper",
        "timmerman",
        "molenaar",
        "kuiper",
        "brouwer",
        "koning",
        "prins",
        "de jong",
        "de groot",
        "de wit",
        "de bruin",
        "de graaf",
        "de haan",
        "de vos",
        "de koning",
        "de lange",
        "de klein",
        "groen",
        "wit",
        "zwart",
        "hoek",
        "king",
        "smith",
        "baker",
        "miller",
        "young",
        "white",
        "brown",
        "green",
        "wood",
        "hill",
        "may",
        "long",
    }
)
SHARED = 20
"""A name form with more owners than this is resolved by employer only: a headline naming
"J. de Vries" in a pool of thousands gives the few at the employers the text names, not a
candidate per namesake."""

EMPLOYER, FULL, SURNAME = 0, 1, 2
_IS_EMPLOYER = -1  # the sort key of an employer owner: first in its form's owners


@dataclass(frozen=True)
class Mentions:
    """The employers and members named in one text."""

    employer_ids: frozenset[int] = field(default_factory=frozenset)
    member_ids: frozenset[int] = field(default_factory=frozenset)
    """Members named in full or by initials and surname."""
    surname_member_ids: frozenset[int] = field(default_factory=frozenset)
    """Members whose surname alone occurs beside their employer's name: a hint, never
    evidence on its own."""
    shared_member_ids: frozenset[int] = field(default_factory=frozenset)
    """Those of ``member_ids`` whose name other members share: namesakes, each of whom
    needs something around the name that says it is them."""


def person_forms(name: str) -> tuple[set[str], str | None]:
    """The strong forms (full, initials) of a person's name, and the surname-only form."""
    words = person_key(name).split()
    if len(words) < 2:
        return set(), None
    split = next((i for i in range(1, len(words)) if words[i] in NAME_PARTICLES), len(words) - 1)
    surname = " ".join(words[split:])
    given = words[:split]
    initials = [w[0] for w in given]
    strong = {" ".join(words), f"{given[0]} {surname}", f"{initials[0]} {surname}"}
    if len(given) > 1:
        strong.add(f"{' '.join(initials)} {surname}")
        strong.add(f"{''.join(initials)} {surname}")
    long_enough = len(surname) - surname.count(" ") >= MIN_SURNAME
    weak = surname if long_enough and surname not in COMMON_WORDS else None
    return strong, weak


class NameMatcher:
    """Finds employer and member names in text, on word boundaries, longest match first.

    Each form's owners are kept sorted by the member's employer, so a form thousands of
    members share is narrowed to the employers a text names by binary search, not by a
    loop over its owners.
    """

    def __init__(
        self,
        *,
        employers: Iterable[tuple[int, str]],
        members: Iterable[tuple[int, str, int | None]],
    ) -> None:
        # form -> packed owner (id * 3 + kind), or a list of them when several share it
        index: dict[str, int | list[int]] = {}

        def add(form: str, packed: int) -> None:
            known = index.get(form)
            if known is None:
                index[form] = packed
            elif isinstance(known, list):
                known.append(packed)
            elif known != packed:
                index[form] = [known, packed]

        for employer_id, name in employers:
            key = company_key(name)
            if len(key) >= 2:
                add(key, employer_id * 3 + EMPLOYER)
        employer_of = array("l")
        for member_id, name, works_at in members:
            strong, weak = person_forms(name)
            if len(employer_of) <= member_id:
                employer_of.extend([0] * (member_id + 1 - len(employer_of)))
            employer_of[member_id] = works_at or 0
            for form in strong:
                add(form, member_id * 3 + FULL)
            if weak is not None and weak not in strong:
                add(weak, member_id * 3 + SURNAME)

        def employer_key(packed: int) -> int:
            return _IS_EMPLOYER if packed % 3 == EMPLOYER else employer_of[packed // 3]

        self._lengths = array("H")
        self._starts = array("L", [0])
        self._owners = array("Q")
        self._owner_employers = array("l")
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for entry, (form, owners) in enumerate(index.items()):
            self._automaton.add_word(f" {form} ", entry)
            self._lengths.append(min(len(form) + 2, 65535))
            packed = sorted(owners, key=employer_key) if isinstance(owners, list) else [owners]
            self._owners.extend(packed)
            self._owner_employers.extend(employer_key(p) for p in packed)
            self._starts.append(len(self._owners))
        self.size = len(self._lengths)
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str, *, employers: Iterable[int] = ()) -> Mentions:
        """The employers and members whose names occur in ``text``; ``employers`` are
        named around it (the article a person's name was taken from)."""
        if not self.size:
            return Mentions()
        entries = self._longest(padded(text))
        employer_ids = {packed // 3 for entry in entries for packed in self._employers_of(entry)}
        nearby = sorted(employer_ids.union(employers))
        members: set[int] = set()
        shared: set[int] = set()
        surnames: set[int] = set()
        for entry in entries:
            owners = self._members_of(entry, nearby)
            full = [packed // 3 for packed in owners if packed % 3 == FULL]
            members.update(full)
            if len(full) > 1 or self._starts[entry + 1] - self._starts[entry] > SHARED:
                shared.update(full)
            surnames.update(packed // 3 for packed in owners if packed % 3 == SURNAME)
        return Mentions(
            frozenset(employer_ids),
            frozenset(members),
            frozenset(surnames - members),
            frozenset(shared),
        )

    def _employers_of(self, entry: int) -> list[int]:
        start, end = self._starts[entry], self._starts[entry + 1]
        stop = bisect_right(self._owner_employers, _IS_EMPLOYER, start, end)
        return list(self._owners[start:stop])

    def _members_of(self, entry: int, nearby: list[int]) -> list[int]:
        """An entry's member owners: all of a rarely shared name (surname-only ones at an
        employer named nearby), only those at an employer named nearby of a common one."""
        start, end = self._starts[entry], self._starts[entry + 1]
        owners = self._owners
        if end - start <= SHARED:
            wanted = set(nearby)
            return [
                packed
                for packed, employer in zip(
                    owners[start:end], self._owner_employers[start:end], strict=True
                )
                if employer != _IS_EMPLOYER and (packed % 3 == FULL or employer in wanted)
            ]
        found: list[int] = []
        for employer_id in nearby:
            low = bisect_left(self._owner_employers, employer_id, start, end)
            high = bisect_right(self._owner_employers, employer_id, low, end)
            found.extend(owners[low:high])
        return found

    def _longest(self, haystack: str) -> list[int]:
        """Entries of matches that are not inside a longer match."""
        lengths = self._lengths
        matches = sorted(
            (
                (end - lengths[entry] + 1, lengths[entry], entry)
                for end, entry in self._automaton.iter(haystack)
            ),
            key=lambda m: (m[0], -m[1]),
        )
        kept: list[int] = []
        covered_until = -1
        for start, length, entry in matches:
            # Keys are padded with spaces, so neighbouring names share one space.
            if start >= covered_until:
                kept.append(entry)
                covered_until = start + length - 1
        return kept
