"""The rule files, compiled: triggers, negatives, titles and extraction cues of one language.

The rules are data, one TOML file per language in ``sources/rules`` (the format is
described at the top of ``en.toml``): trigger phrases per label and event, job titles,
negatives and extraction cues. This module compiles them once, on first use (``_rules``),
and checks the words a file may use (labels, subjects, requirements, scopes), so a
mistake in a rule file is a ValueError that names it. The ``_Scanner`` is the prefilter:
it runs each pattern only where and when it can match.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sources.events.regex import (
    _alternation,
    _chunk_regex,
    _expand,
    _factor,
    _gate,
    _keywords,
    _required_literal,
    _words_regex,
)

_LABELS = frozenset({"job_change", "award", "company_news"})
_SUBJECTS = frozenset({"person", "auto", "after", "passive", "none"})
_CONDITIONS = frozenset({"", "title", "title_before", "person", "title_or_person", "company"})
_SCOPES = frozenset({"span", "sentence", "text"})


@dataclass(frozen=True)
class _Trigger:
    """Phrases that signal one event, and what must be around them."""

    label: str
    event: str
    weight: float
    subject: str  # where the person is: "person", "auto", "after", "passive" or "none"
    requires: tuple[str, ...]
    keywords: frozenset[str]
    near: re.Pattern[str] | None = None
    window: int | None = None


@dataclass(frozen=True)
class _Negative:
    """Phrases that rule out some labels: where they match, in their sentence, or anywhere."""

    labels: frozenset[str]
    scope: str  # "span", "sentence" or "text"


_Owner = _Trigger | _Negative


@dataclass(frozen=True)
class _Pattern:
    """One pattern of a trigger or negative, with what a text must hold for it to match."""

    owner: _Owner
    regex: re.Pattern[str]
    required: str | None  # a literal that every match contains
    leading: bool  # every match starts at a word that begins with one of its gate literals


@dataclass(frozen=True)
class _Scanner:
    """All patterns of a language; each runs only where and when it can match.

    Most patterns start with a word ("\\bbenoemd"), so one regex of all those words finds
    the places worth trying; the others are scanned in full, and only when the literal
    they cannot match without is in the text.
    """

    patterns: tuple[_Pattern, ...]
    scanned: tuple[int, ...]
    starter: re.Pattern[str]
    starting: Mapping[str, tuple[int, ...]]

    def matches(self, text: str) -> Iterator[tuple[_Owner, re.Match[str]]]:
        """Every match of every pattern that can match ``text``, in rule-file order."""
        folded = text.casefold()
        starts: dict[int, list[int]] = {}
        for m in self.starter.finditer(text):
            for number in self.starting.get(m.group(0).casefold(), ()):
                starts.setdefault(number, []).append(m.start())
        for number in sorted({*self.scanned, *starts}):
            pattern = self.patterns[number]
            if pattern.required and pattern.required not in folded:
                continue
            if pattern.leading:
                found = (pattern.regex.match(text, position) for position in starts[number])
                yield from ((pattern.owner, m) for m in found if m)
            else:
                yield from ((pattern.owner, m) for m in pattern.regex.finditer(text))


@dataclass(frozen=True)
class _Extraction:
    """The compiled cues for finding people, employers and titles."""

    barrier: re.Pattern[str]
    barrier_caps: re.Pattern[str]
    chunk: re.Pattern[str]
    org_words: frozenset[str]
    org_suffixes: tuple[str, ...]
    org_nouns: tuple[str, ...]  # "law firm", "kledingketen": what an organisation is
    skip_words: frozenset[str]
    particles: frozenset[str]
    affiliation: re.Pattern[str]
    affiliation_before: re.Pattern[str]
    clause_words: re.Pattern[str] | None  # "gevraagd of X": a new clause, X not in passing
    introduced_by: re.Pattern[str]  # "bij PostNL", "van het Britse kledingmerk Ted Baker"
    adjective: re.Pattern[str] | None
    org_heads: re.Pattern[str] | None  # "gemeente " right before a name: "gemeente Woerden"
    openers: frozenset[str]  # words that open a sentence and are no name: "Enkele", "Six"
    inversion: bool
    former: re.Pattern[str]
    former_clause: re.Pattern[str]  # a former marker anywhere: "former president and CEO of"
    title_cue: re.Pattern[str]
    title_body: re.Pattern[str] | None  # "voorzitter raad van toezicht": the body's name
    reporting: re.Pattern[str]
    employer_cues: tuple[tuple[str, re.Pattern[str]], ...]


@dataclass(frozen=True)
class _Rules:
    """Everything compiled from one language's rule file."""

    language: str
    stopwords: frozenset[str]
    hints: tuple[str, ...]
    scoring: Mapping[str, Any]
    title: re.Pattern[str]
    title_plain: re.Pattern[str]  # without compounds: several times faster
    compound_stems: tuple[str, ...] | None
    modifier: re.Pattern[str]  # a word before a title that is part of it: "interim", "vice"
    scanner: _Scanner
    extraction: _Extraction
    markers: Mapping[str, re.Pattern[str]]


def _load_toml(language: str) -> dict[str, Any]:
    """The raw rule file of one language."""
    resource = resources.files("sources").joinpath("rules", f"{language}.toml")
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def _pattern(
    owner: _Owner, source: str, macros: Mapping[str, str]
) -> tuple[_Pattern, tuple[str, ...]]:
    """A compiled pattern, and the literals one of which starts each of its matches."""
    expanded = _expand(source, macros)
    gate = _gate(expanded)
    leading = gate is not None and expanded.startswith(r"\b")
    required = _required_literal(expanded) or (gate[0] if gate and len(gate) == 1 else None)
    regex = re.compile(expanded, re.IGNORECASE)
    return _Pattern(owner, regex, required, leading), gate if gate and leading else ()


def _scanner(owners: Sequence[tuple[_Owner, Sequence[str]]], macros: Mapping[str, str]) -> _Scanner:
    """The patterns of every trigger and negative, indexed by the words they start with."""
    patterns: list[_Pattern] = []
    by_literal: dict[str, list[int]] = {}
    for owner, sources in owners:
        for source in sources:
            pattern, literals = _pattern(owner, source, macros)
            for literal in literals:
                by_literal.setdefault(literal, []).append(len(patterns))
            patterns.append(pattern)
    # a word that starts with "benoemd" also starts with "benoem": both patterns may match
    starting = {
        word: tuple(
            n
            for literal, numbers in by_literal.items()
            if word.startswith(literal)
            for n in numbers
        )
        for word in by_literal
    }
    return _Scanner(
        patterns=tuple(patterns),
        scanned=tuple(n for n, p in enumerate(patterns) if not p.leading),
        starter=re.compile(rf"\b(?:{_factor(by_literal, depth=3)})", re.IGNORECASE),
        starting=starting,
    )


def _title_items(raw: Mapping[str, Any], key: str) -> list[str]:
    """One list of the [titles] section of a language and of the languages it borrows from."""
    titles = raw["titles"]
    sections = [titles, *(_load_toml(other)["titles"] for other in titles.get("also_from", []))]
    return [item for section in sections for item in section.get(key, [])]


def _title_pattern(raw: Mapping[str, Any], *, compounds: bool = True) -> str:
    """One regex for every job title of a language, with modifiers, compounds and suffixes."""
    suffixes = raw["titles"].get("suffixes", [])
    suffix = f"(?:\\s+(?:{'|'.join(suffixes)}))?" if suffixes else ""
    head = rf"(?:(?:{_factor(_title_items(raw, 'modifiers'))})[\s-]+)*"
    body = _factor(_title_items(raw, "patterns"))
    if compounds:
        body = rf"{body}|[\w-]*?(?:{_factor(_title_items(raw, 'compounds'))})"
    return rf"\b(?=\w){head}(?:{body})(?:s|es)?\b{suffix}"


def _compound_stems(raw: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Literals one of which is in every compound title, or None when that is not known."""
    stems = [_required_literal(item) for item in _title_items(raw, "compounds")]
    return None if None in stems else tuple(stem for stem in stems if stem)


def _extraction(raw: Mapping[str, Any], macros: Mapping[str, str]) -> _Extraction:
    """The compiled extraction cues of a language."""
    spec = raw["extraction"]
    words = "|".join(map(re.escape, spec["affiliation_words"]))
    articles = "|".join(map(re.escape, spec["articles"]))
    return _Extraction(
        barrier=_words_regex(spec["barrier_words"]),
        barrier_caps=_words_regex(spec["barrier_words"], re.IGNORECASE),
        chunk=_chunk_regex(spec["connectors"]),
        org_words=frozenset(w.casefold() for w in spec["org_words"]),
        org_suffixes=tuple(w.casefold() for w in spec.get("org_suffixes", [])),
        org_nouns=tuple(w.casefold() for w in spec.get("org_nouns", [])),
        skip_words=frozenset(w.casefold() for w in spec["skip_words"]),
        particles=frozenset(w.casefold() for w in spec["connectors"]),
        affiliation=re.compile(rf"\s+(?:{words})\s+"),
        affiliation_before=re.compile(rf"(?:{words})\s+(?:{articles}\s+)?$", re.IGNORECASE),
        clause_words=(
            re.compile(rf"\s(?:{'|'.join(map(re.escape, spec['clause_words']))})\s")
            if spec.get("clause_words")
            else None
        ),
        introduced_by=re.compile(
            rf"(?<!\w)(?:{words})\s+(?:[^\s,;:()]+\s+){{0,3}}$", re.IGNORECASE
        ),
        adjective=re.compile(spec["adjective"]) if spec.get("adjective") else None,
        org_heads=(
            re.compile(rf"\b(?:{'|'.join(map(re.escape, spec['org_heads']))})\s+$")
            if spec.get("org_heads")
            else None
        ),
        openers=frozenset(w.casefold() for w in spec.get("openers", [])),
        inversion=bool(spec.get("inversion", False)),
        former=_alternation([f"(?:{p})$" for p in spec["former_markers"]], macros),
        former_clause=_alternation(spec["former_markers"], macros),
        title_cue=_alternation(spec["title_cues"], macros),
        title_body=re.compile(spec["title_body"], re.IGNORECASE) if "title_body" in spec else None,
        reporting=_alternation(spec["reporting"], macros),
        employer_cues=tuple(
            (cue["slot"], _alternation(cue["patterns"], macros)) for cue in spec["employer_cue"]
        ),
    )


def _checked(value: Any, allowed: frozenset[str], what: str) -> Any:
    """``value`` if the rule file may say it, else a ValueError that names it."""
    values = {value} if isinstance(value, str) else set(value)
    if not values <= allowed:
        raise ValueError(f"unknown {what} in the event rules: {sorted(values - allowed)}")
    return value


def _trigger(spec: Mapping[str, Any], macros: Mapping[str, str]) -> _Trigger:
    """One trigger of the rule file."""
    requires = _checked(spec.get("requires", ""), _CONDITIONS, "requires")
    near = spec.get("near")
    return _Trigger(
        label=_checked(spec["label"], _LABELS, "label"),
        event=spec["event"],
        weight=float(spec["weight"]),
        subject=_checked(spec.get("subject", "person"), _SUBJECTS, "subject"),
        requires=(requires,) if isinstance(requires, str) else tuple(requires),
        keywords=_keywords(spec["patterns"]),
        near=re.compile(_expand(near, macros), re.IGNORECASE) if near else None,
        window=spec.get("window"),
    )


def _negative(spec: Mapping[str, Any]) -> _Negative:
    """One negative of the rule file."""
    labels = frozenset(_checked(spec["labels"], _LABELS, "label"))
    return _Negative(labels, _checked(spec.get("scope", "span"), _SCOPES, "scope"))


def _owners(raw: Mapping[str, Any], macros: Mapping[str, str]) -> list[tuple[_Owner, list[str]]]:
    """Every trigger and negative of a rule file, each with its patterns."""
    triggers = [(_trigger(spec, macros), spec["patterns"]) for spec in raw["trigger"]]
    negatives = [(_negative(spec), spec["patterns"]) for spec in raw.get("negative", [])]
    return [*triggers, *negatives]


@cache
def _rules(language: str) -> _Rules:
    """The compiled rules of one language, loaded on first use."""
    raw = _load_toml(language)
    macros = dict(raw.get("macros", {}))
    macros["TITLE"] = _title_pattern(raw)
    return _Rules(
        language=language,
        stopwords=frozenset(raw["language"]["stopwords"]),
        hints=tuple(raw["language"].get("hints", [])),
        scoring=raw["scoring"],
        title=re.compile(macros["TITLE"], re.IGNORECASE),
        title_plain=re.compile(_title_pattern(raw, compounds=False), re.IGNORECASE),
        compound_stems=_compound_stems(raw),
        modifier=re.compile(_factor(_title_items(raw, "modifiers")), re.IGNORECASE),
        scanner=_scanner(_owners(raw, macros), macros),
        extraction=_extraction(raw, macros),
        markers={k: _alternation(v, macros) for k, v in raw["event_markers"].items()},
    )
