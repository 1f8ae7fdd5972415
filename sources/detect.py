"""Detecting who an item is about: employers and pool members named in its text.

One Aho-Corasick automaton holds every name, so matching costs the same for ten
names or hundreds of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from models.names import company_key, padded, person_key


@dataclass(frozen=True)
class Mentions:
    """The employers and members named in one text."""

    employer_ids: frozenset[int] = field(default_factory=frozenset)
    member_ids: frozenset[int] = field(default_factory=frozenset)


class NameMatcher:
    """Finds employer and member names in text, on word boundaries, longest match first."""

    def __init__(
        self,
        *,
        employers: Iterable[tuple[int, str]],
        members: Iterable[tuple[int, str]],
    ) -> None:
        keys: dict[str, tuple[set[int], set[int]]] = {}
        for employer_id, name in employers:
            key = company_key(name)
            if len(key) >= 2:
                keys.setdefault(f" {key} ", (set(), set()))[0].add(employer_id)
        for member_id, name in members:
            key = person_key(name)
            if " " in key:  # a single word is too weak to name a person
                keys.setdefault(f" {key} ", (set(), set()))[1].add(member_id)
        self._automaton = ahocorasick.Automaton()
        for key, (employer_ids, member_ids) in keys.items():
            self._automaton.add_word(
                key, (len(key), frozenset(employer_ids), frozenset(member_ids))
            )
        self.size = len(keys)
        if keys:
            self._automaton.make_automaton()

    def find(self, text: str) -> Mentions:
        """The employers and members whose names occur in ``text``."""
        if not self.size:
            return Mentions()
        haystack = padded(text)
        employers: set[int] = set()
        members: set[int] = set()
        for _end, (_length, employer_ids, member_ids) in self._longest(haystack):
            employers |= employer_ids
            members |= member_ids
        return Mentions(frozenset(employers), frozenset(members))

    def _longest(
        self, haystack: str
    ) -> list[tuple[int, tuple[int, frozenset[int], frozenset[int]]]]:
        """Matches that are not inside a longer match."""
        found = sorted(self._automaton.iter(haystack), key=lambda m: (m[0] - m[1][0], -m[1][0]))
        kept: list[tuple[int, tuple[int, frozenset[int], frozenset[int]]]] = []
        covered_until = -1
        for end, value in found:
            start = end - value[0] + 1
            # Keys are padded with spaces, so neighbours share one space character.
            if start >= covered_until:
                kept.append((end, value))
                covered_until = end
        return kept
