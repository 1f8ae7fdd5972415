"""Detecting who an item is about: employers and pool members named in its text.

One Aho-Corasick automaton holds every name form, so matching costs the same for ten
names or hundreds of thousands. Person names are indexed in three forms: the full
name (also without middle names), initials with the surname ("L.K. Evans", "J. de
Vries") and the surname alone ("De Vries"); a surname alone is only a hint that needs
corroboration (the member's employer in the same text).

Memory matters at 680,000 members: the automaton stores one integer per name form,
and the owners of each form live in flat integer arrays beside it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from models.names import NAME_PARTICLES, company_key, padded, person_key

MIN_SURNAME = 4  # a surname alone shorter than this matches too much text

EMPLOYER, FULL, SURNAME = 0, 1, 2


@dataclass(frozen=True)
class Mentions:
    """The employers and members named in one text."""

    employer_ids: frozenset[int] = field(default_factory=frozenset)
    member_ids: frozenset[int] = field(default_factory=frozenset)
    """Members named in full or by initials and surname."""
    surname_member_ids: frozenset[int] = field(default_factory=frozenset)
    """Members whose surname alone occurs: a hint, never evidence on its own."""


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
    weak = surname if len(surname) - surname.count(" ") >= MIN_SURNAME else None
    return strong, weak


class NameMatcher:
    """Finds employer and member names in text, on word boundaries, longest match first."""

    def __init__(
        self,
        *,
        employers: Iterable[tuple[int, str]],
        members: Iterable[tuple[int, str]],
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
        for member_id, name in members:
            strong, weak = person_forms(name)
            for form in strong:
                add(form, member_id * 3 + FULL)
            if weak is not None and weak not in strong:
                add(weak, member_id * 3 + SURNAME)
        self._lengths = array("H")
        self._starts = array("L", [0])
        self._owners = array("Q")
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for entry, (form, owners) in enumerate(index.items()):
            self._automaton.add_word(f" {form} ", entry)
            self._lengths.append(min(len(form) + 2, 65535))
            if isinstance(owners, list):
                self._owners.extend(owners)
            else:
                self._owners.append(owners)
            self._starts.append(len(self._owners))
        self.size = len(index)
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> Mentions:
        """The employers and members whose names occur in ``text``."""
        if not self.size:
            return Mentions()
        found: tuple[set[int], set[int], set[int]] = (set(), set(), set())
        for entry in self._longest(padded(text)):
            for packed in self._owners[self._starts[entry] : self._starts[entry + 1]]:
                found[packed % 3].add(packed // 3)
        employers, members, surnames = found
        return Mentions(frozenset(employers), frozenset(members), frozenset(surnames - members))

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
