"""Matching vacancies to members by what they are about, with synonyms a team can extend.

A vacancy is matched against the whole pool, which can hold hundreds of thousands of
members: ``ConceptFinder`` puts the terms of the vacancy's own concepts in one Aho-Corasick
automaton (pyahocorasick, already the name matcher's engine), so each member's text is read
once, in one pass, instead of once per term of every concept.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import ahocorasick

from models.names import padded

MIN_SHARED = 1


@lru_cache(maxsize=1)
def default_synonyms() -> dict[str, tuple[str, ...]]:
    """The bundled concept groups (``models/data/synonyms.toml``)."""
    text = (resources.files("models") / "data" / "synonyms.toml").read_text("utf-8")
    return load_synonyms(tomllib.loads(text))


def load_synonyms(raw: Mapping[str, object]) -> dict[str, tuple[str, ...]]:
    """Concept groups from a parsed TOML document with a ``[groups]`` table."""
    groups = raw.get("groups")
    if not isinstance(groups, Mapping):
        raise ValueError("a synonyms file needs a [groups] table")
    parsed: dict[str, tuple[str, ...]] = {}
    for name, terms in groups.items():
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            raise ValueError(f"group {name!r} must be a list of strings")
        parsed[str(name)] = tuple(padded(t) for t in terms if padded(t).strip())
    return parsed


def concepts(text: str, synonyms: Mapping[str, tuple[str, ...]] | None = None) -> frozenset[str]:
    """The concept groups a text mentions (whole words, case and accents ignored)."""
    haystack = padded(text)
    groups = default_synonyms() if synonyms is None else synonyms
    return frozenset(
        name for name, terms in groups.items() if any(term in haystack for term in terms)
    )


def relevance(vacancy: frozenset[str], member: frozenset[str]) -> float:
    """Share of the vacancy's concepts the member has; 0 when fewer than MIN_SHARED overlap."""
    shared = vacancy & member
    if len(shared) < MIN_SHARED or not vacancy:
        return 0.0
    return round(len(shared) / len(vacancy), 2)


class ConceptFinder:
    """Finds which of a few wanted concepts a text mentions, in one pass over the text."""

    def __init__(
        self, wanted: frozenset[str], synonyms: Mapping[str, tuple[str, ...]] | None = None
    ) -> None:
        groups = default_synonyms() if synonyms is None else synonyms
        owners: dict[str, set[str]] = {}
        for name in wanted:
            for term in groups.get(name, ()):
                owners.setdefault(term, set()).add(name)
        self._terms = ahocorasick.Automaton()
        for term, names in owners.items():
            self._terms.add_word(term, frozenset(names))
        self.empty = not owners
        if not self.empty:
            self._terms.make_automaton()

    def concepts(self, text: str) -> frozenset[str]:
        """The wanted concepts ``text`` mentions (whole words, case and accents ignored)."""
        if self.empty:
            return frozenset()
        found: set[str] = set()
        for _, names in self._terms.iter(padded(text)):
            found.update(names)
        return frozenset(found)
