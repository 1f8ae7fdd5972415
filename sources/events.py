"""Detecting events in news text: job changes, awards and company news, in Dutch and English.

``classify`` reads a headline, sentence or short passage and says what happened (a
person's job change, an award, news about a company) and, when the text says so, who
it is about, where they go, where they come from and in which role. The rules are
data, one TOML file per language in ``sources/rules`` (the format is described at the
top of ``en.toml``): trigger phrases per label and event, job titles, negatives and
extraction cues. This module compiles them once, on first use, and applies them; it
reads nothing else and keeps no other state.

How one text is read::

    triggers ──► negatives ──► requirements ──► best match ──► extraction
    (regexes     (look-alikes   (a title, a      (score, then   (person, title,
    per event)   drop them)     person nearby)   label order)   employers)
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from models.names import company_key

LANGUAGES = ("nl", "en")
NONE = "none"
_ARRIVALS = frozenset({"appointment", "hire", "promotion", "interim", "board"})
_UPPER = "A-ZÀ-ÖØ-Þ"
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ESCAPES = re.compile(r"\\[a-zA-Z]|\(\?[a-zA-Z-]*[:=!<]|\{[A-Z0-9_]+\}")
_LITERAL_WORD = re.compile(r"[a-zà-ÿ]{3,}")
_INFLECTIONS = ("s", "es", "ed", "d", "ing", "t", "en", "e", "er", "n")
_WORDS = re.compile(r"[a-zà-ÿ]+")
_SENTENCE_END = re.compile(rf"(?<=[a-z0-9)\"'’])[.!?]\s+(?=[{_UPPER}\"'‘“])")
_DETERMINERS = r"(?:(?:its|the|a|an|new|next|his|her|their|de|het|een|nieuwe|zijn|haar|hun)\s+)*"
_ABBREVIATIONS = frozenset({"inc.", "co.", "corp.", "ltd.", "jr.", "sr.", "n.v.", "b.v.", "st."})
_AGENT = re.compile(r"\b(?:door|by)\s+(?:de\s+|het\s+|the\s+)?$", re.IGNORECASE)
_TITLE_JOINT = re.compile(r"(?:\s*,\s*|\s+(?:and|en|&)\s+|\s*/\s*)(?:(?:a|an|the|its)\s+)?")
_ARTICLE = re.compile(r"(?:the|de|het|its)\s+", re.IGNORECASE)
_NEVER = "(?!x)x"
_LABELS = frozenset({"job_change", "award", "company_news"})
_SUBJECTS = frozenset({"person", "auto", "after", "passive", "none"})
_CONDITIONS = frozenset({"", "title", "title_before", "person", "title_or_person"})
_SCOPES = frozenset({"span", "sentence", "text"})
_CAMEL = re.compile(rf"[{_UPPER}]{{2,}}[a-z]{{2}}")  # "JPMorgan", not "McClymont"
_POSSESSIVE = re.compile(r"['’]s?\b")
_WORD = re.compile(r"\w+")
_LETTER_RUN = re.compile(r"[^\W\d]+")
_SHORT_GAP = re.compile(r"[\s'’\w<>]{0,15}")
_AND = re.compile(r"\s+(?:and|en)\s+")
_CLAUSE_BREAK = re.compile(r"[,;:]")


@dataclass(frozen=True)
class Event:
    """What a text says happened, and to whom, as far as the rules can tell."""

    label: str  # "job_change" | "award" | "company_news" | "none"
    event: str | None  # appointment, hire, ..., funding, acquisition, ...; None for "none"
    person: str | None  # as written; several people joined with "; "
    new_employer: str | None
    old_employer: str | None
    new_title: str | None
    confidence: float  # 0..1
    language: str  # "nl" or "en"
    company: str | None = None  # the organisation the event is about


# ---------------------------------------------------------------- compiled rules


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
    skip_words: frozenset[str]
    particles: frozenset[str]
    affiliation: re.Pattern[str]
    affiliation_before: re.Pattern[str]
    adjective: re.Pattern[str] | None
    inversion: bool
    former: re.Pattern[str]
    title_cue: re.Pattern[str]
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
    scanner: _Scanner
    extraction: _Extraction
    markers: Mapping[str, re.Pattern[str]]


def _load_toml(language: str) -> dict[str, Any]:
    """The raw rule file of one language."""
    resource = resources.files("sources").joinpath("rules", f"{language}.toml")
    return tomllib.loads(resource.read_text(encoding="utf-8"))


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    """``pattern`` with every {MACRO} replaced, recursively."""
    for _ in range(6):
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


def _scan_groups(pattern: str) -> Iterator[tuple[int, str]]:
    """(index, character) of a regex, skipping escaped characters."""
    escaped = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            yield i, char


def _split_top(body: str) -> list[str]:
    """The alternatives of a regex body, split at its top-level ``|``."""
    parts, depth, start = [], 0, 0
    for i, char in _scan_groups(body):
        depth += (char in "([") - (char in ")]")
        if char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return [*parts, body[start:]]


def _closing(pattern: str) -> int:
    """The index of the parenthesis that closes the one the pattern starts with."""
    depth = 0
    for i, char in _scan_groups(pattern):
        depth += (char == "(") - (char == ")")
        if char == ")" and depth == 0:
            return i
    return len(pattern)


def _gate(pattern: str) -> tuple[str, ...] | None:
    """Lower-case literals one of which starts every match of ``pattern``, if that is known."""
    pattern = pattern.removeprefix(r"\b")
    if pattern.startswith(("(?:", "(?-i:")):
        return _group_gate(pattern)
    if re.match(r"\\[^\w\s]", pattern):
        return (pattern[1],)  # an escaped sign: "\?"
    literal = re.match(r"[a-zà-ÿ]+", pattern)
    if not literal:
        return None
    word = literal.group(0)
    if pattern[len(word) : len(word) + 1] in ("?", "*", "{"):
        word = word[:-1]
    return (word,) if word else None


def _group_gate(pattern: str) -> tuple[str, ...] | None:
    """The gate of a pattern that opens with a group: the gates of its alternatives."""
    end = _closing(pattern)
    parts = _split_top(pattern[pattern.index(":") + 1 : end])
    rest = pattern[end + 1 :]
    quantifier = re.match(r"[?*+]|\{\d*(?:,\d*)?\}", rest)
    if quantifier:
        rest = rest[quantifier.end() :]
        optional = quantifier.group(0)[:2] in ("?", "*", "{0", "{,")
        gates = [_gate(part) for part in parts] + ([_gate(rest)] if optional else [])
    else:
        gates = [_gate(part + rest) for part in parts]
    if any(g is None for g in gates):
        return None
    return tuple(literal for g in gates if g for literal in g)


def _required_literal(pattern: str) -> str | None:
    """The longest word every match of ``pattern`` must contain, outside any group."""
    if len(_split_top(pattern)) > 1:
        return None
    runs: list[str] = []
    depth, run, escaped = 0, "", False
    for char in pattern + "\0":
        if escaped:
            escaped, run = False, ""
        elif char == "\\":
            escaped = True
            runs.append(run)
        elif depth == 0 and re.match(r"[a-zà-ÿ]", char):
            run += char
            continue
        elif char in "?*{" and run:
            run = run[:-1]
        depth += (char in "([") - (char in ")]")
        runs.append(run)
        run = ""
    longest = max(runs, key=len)
    return longest if len(longest) >= 3 else None


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


def _keywords(patterns: Iterable[str]) -> frozenset[str]:
    """The literal words of trigger patterns: the words to blank out before finding names."""
    words: set[str] = set()
    for pattern in patterns:
        words.update(_LITERAL_WORD.findall(_ESCAPES.sub(" ", pattern)))
    return frozenset(words)


def _factor(alternatives: Iterable[str], depth: int = 2) -> str:
    """An alternation with shared first letters factored out ("ce(?:o|nt)"), longest first.

    Python's regex engine tries alternatives one by one; grouping them by their first
    letters makes a title scan several times faster.
    """
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for alternative in sorted(set(alternatives), key=len, reverse=True):
        if depth and re.match(r"[a-zà-ÿ][^?*+{\\]", alternative):
            groups.setdefault(alternative[0], []).append(alternative[1:])
        else:
            others.append(alternative)
    factored = [f"{letter}(?:{_factor(rests, depth - 1)})" for letter, rests in groups.items()]
    return "|".join(factored + others) or _NEVER


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


def _words_regex(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """Any of ``words`` as a whole word; "Mr." keeps its dot, "A." (an initial) is no match."""
    words = list(words)
    longer = "|".join(sorted((re.escape(w) for w in words if len(w) > 1), key=len, reverse=True))
    single = "|".join(re.escape(w) for w in words if len(w) == 1) or _NEVER
    return re.compile(
        rf"(?<![\w.-])(?:(?:{longer or _NEVER})(?:\.(?=\s))?|(?:{single}))(?![\w'’.-])", flags
    )


def _chunk_regex(connectors: Sequence[str]) -> re.Pattern[str]:
    """Runs of capitalised words ("L.K. Evans", "eBay"), joined by name particles."""
    word = (
        rf"(?:[{_UPPER}]\.(?:[{_UPPER}]\.)+|[{_UPPER}][\w&/-]*(?:['’][{_UPPER}][\w-]*)?\.?"
        rf"|[a-z][{_UPPER}][\w&/-]*)"
    )
    joints = "|".join(sorted(map(re.escape, connectors), key=len, reverse=True))
    return re.compile(rf"{word}(?:(?:\s+(?:(?:{joints})\s+)*|\s*-\s*){word})*")


def _alternation(patterns: Iterable[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    """One case-insensitive regex for a list of patterns."""
    body = "|".join(f"(?:{_expand(p, macros)})" for p in patterns)
    return re.compile(body or _NEVER, re.IGNORECASE)


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
        skip_words=frozenset(w.casefold() for w in spec["skip_words"]),
        particles=frozenset(w.casefold() for w in spec["connectors"]),
        affiliation=re.compile(rf"\s+(?:{words})\s+"),
        affiliation_before=re.compile(rf"(?:{words})\s+(?:{articles}\s+)?$", re.IGNORECASE),
        adjective=re.compile(spec["adjective"]) if spec.get("adjective") else None,
        inversion=bool(spec.get("inversion", False)),
        former=_alternation([f"(?:{p})$" for p in spec["former_markers"]], macros),
        title_cue=_alternation(spec["title_cues"], macros),
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
        scanner=_scanner(_owners(raw, macros), macros),
        extraction=_extraction(raw, macros),
        markers={k: _alternation(v, macros) for k, v in raw["event_markers"].items()},
    )


# ---------------------------------------------------------------- language


def _language_scores(text: str) -> dict[str, tuple[int, int]]:
    """Per language: (its common words in ``text``, its typical letter groups in ``text``)."""
    folded = text.casefold()
    words = _WORDS.findall(folded)
    scores = {}
    for language in LANGUAGES:
        rules = _rules(language)
        hits = sum(word in rules.stopwords for word in words)
        scores[language] = (hits, sum(folded.count(hint) for hint in rules.hints))
    return scores


def detect_language(text: str) -> str:
    """ "nl" or "en", by counting each language's common words (ties: letter groups, then en)."""
    scores = _language_scores(text)
    return "nl" if scores["nl"] > scores["en"] else "en"


# ---------------------------------------------------------------- one text


@dataclass(frozen=True)
class _Chunk:
    """A run of capitalised words: the name of a person or of an organisation."""

    start: int
    end: int
    text: str
    org: bool
    person: bool
    possessive: bool
    former: bool


@dataclass(frozen=True)
class _Candidate:
    """One trigger match that survived the negatives."""

    trigger: _Trigger
    start: int
    end: int


@dataclass
class _Reading:
    """One text read with one language's rules; sentences, titles and names found lazily."""

    text: str
    rules: _Rules
    masks: list[tuple[int, int]] = field(default_factory=list)
    persons: dict[_Candidate, _Chunk | None] = field(default_factory=dict)
    _sentences: list[tuple[int, int]] | None = None
    _titles: list[tuple[int, int]] | None = None
    _chunks: list[_Chunk] | None = None

    @property
    def caps(self) -> bool:
        """Whether the text is an all-capitals wire headline."""
        return self.text.isupper()

    @property
    def titles(self) -> list[tuple[int, int]]:
        """Spans of job titles."""
        if self._titles is None:
            stems, folded = self.rules.compound_stems, self.text.casefold()
            compounds = stems is None or any(stem in folded for stem in stems)
            regex = self.rules.title if compounds else self.rules.title_plain
            self._titles = [m.span() for m in regex.finditer(self.text)]
        return self._titles

    @property
    def chunks(self) -> list[_Chunk]:
        """Names, found with titles, trigger words and barrier words blanked out."""
        if self._chunks is None:
            self._chunks = _find_chunks(self)
        return self._chunks

    def sentence(self, position: int) -> tuple[int, int]:
        """The span of the sentence around ``position``."""
        if self._sentences is None:
            ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(self.text)]
            starts = [0, *(end for _, end in ends)]
            stops = [*(start for start, _ in ends), len(self.text)]
            self._sentences = list(zip(starts, stops, strict=True))
        return next((span for span in self._sentences if position < span[1]), self._sentences[-1])


def _find_chunks(reading: _Reading) -> list[_Chunk]:
    """Name runs in a text whose titles, trigger words and barrier words are blanked out."""
    spec = reading.rules.extraction
    barrier = spec.barrier_caps if reading.caps else spec.barrier
    chars = list(reading.text)
    for start, end in [
        *reading.titles,
        *reading.masks,
        *(m.span() for m in barrier.finditer(reading.text)),
    ]:
        chars[start:end] = "|" * (end - start)
    masked = "".join(chars)
    chunks: list[_Chunk] = []
    for m in spec.chunk.finditer(masked):
        ticker = masked[m.start() - 1 : m.start()] == "<" and masked[m.end() : m.end() + 1] == ">"
        if ticker and m.group(0).isupper() and len(m.group(0)) <= 6:
            continue  # a stock ticker: "<AXP>"
        text = _trim(m.group(0))
        if _is_adjective(reading, text, m.start()):
            continue  # "Het Rotterdamse architectenbureau": not a name
        if text and not barrier.fullmatch(text) and text.casefold() not in spec.particles:
            chunks.extend(
                _chunk(reading, part, m.start() + at) for part, at in _split(reading, text)
            )
    return chunks


def _is_adjective(reading: _Reading, text: str, start: int) -> bool:
    """Whether a capitalised word is an adjective before a noun: "Belgische topvrouw"."""
    adjective = reading.rules.extraction.adjective
    following = reading.text[start + len(text) : start + len(text) + 2]
    return adjective is not None and bool(adjective.fullmatch(text)) and following[1:].islower()


def _trim(text: str) -> str:
    """A name run without a sentence-final full stop or a dangling hyphen ("KPN-topman")."""
    text = text.rstrip("-")
    last = text.rsplit(None, 1)[-1].casefold() if text else ""
    initial = len(last) == 2 or (len(last) > 2 and last[-3] == ".")
    if text.endswith(".") and last not in _ABBREVIATIONS and not initial:
        text = text[:-1]
    return text


def _split(reading: _Reading, text: str) -> Iterator[tuple[str, int]]:
    """ "Jan de Vries van ING" as "Jan de Vries" and "ING"; "Jan van Dijk" stays whole."""
    for m in reading.rules.extraction.affiliation.finditer(text):
        left = text[: m.start()]
        if len(left.split()) >= 2 and not _is_org(reading, left):
            yield left, 0
            yield text[m.end() :], m.end()
            return
    yield text, 0


def _is_org(reading: _Reading, text: str) -> bool:
    """Whether a name run looks like an organisation rather than a person."""
    spec = reading.rules.extraction
    tokens = [t.strip(".,'’") for t in text.split()]
    folded = [t.casefold() for t in tokens]
    if any(t in spec.org_words or t + "." in spec.org_words for t in folded):
        return True
    if any(t.endswith(spec.org_suffixes) for t in folded) or "&" in text:
        return True
    if any(ch.isdigit() for ch in text):
        return True
    if any(_CAMEL.match(t) for t in tokens):
        return True
    return not reading.caps and any(
        len(t) >= 2 and t.isupper() and "." not in t and t not in ("II", "III", "IV")
        for t in tokens
    )


def _chunk(reading: _Reading, text: str, start: int) -> _Chunk:
    """A name run, classified."""
    spec = reading.rules.extraction
    end = start + len(text)
    former = bool(spec.former.search(reading.text[max(0, start - 25) : start]))
    possessive = bool(_POSSESSIVE.match(reading.text, end))
    org = _is_org(reading, text) or former or reading.text[start - 1 : start] == "<"
    words = [w for w in text.split() if w[:1].isupper()]
    named = any(w.casefold() not in spec.particles for w in words)
    person = not org and named and 1 <= len(words) <= 5 and not possessive
    return _Chunk(start, end, text, org, person, possessive, former)


# ---------------------------------------------------------------- triggers


def _candidates(reading: _Reading) -> list[_Candidate]:
    """Trigger matches of every label that no negative rules out."""
    found: list[_Candidate] = []
    blocked_labels: set[str] = set()
    blocked: list[tuple[frozenset[str], int, int]] = []
    for owner, m in reading.rules.scanner.matches(reading.text):
        if isinstance(owner, _Trigger):
            found.append(_Candidate(owner, m.start(), m.end()))
        elif owner.scope == "text":
            blocked_labels |= owner.labels
        elif owner.scope == "sentence":
            blocked.append((owner.labels, *reading.sentence(m.start())))
        else:
            blocked.append((owner.labels, m.start(), max(m.end(), m.start() + 1)))
    return [
        c
        for c in found
        if c.trigger.label not in blocked_labels
        and not any(
            c.trigger.label in labels and start < c.end and c.start < end
            for labels, start, end in blocked
        )
    ]


def _keyword_masks(reading: _Reading, candidates: Iterable[_Candidate]) -> list[tuple[int, int]]:
    """Spans of the trigger words themselves ("Names", "Appoints"), so they are not names."""
    masks = []
    for candidate in candidates:
        keywords = candidate.trigger.keywords
        for token in _WORD.finditer(reading.text[candidate.start : candidate.end]):
            word = token.group(0).casefold()
            if word in keywords or any(word.removesuffix(s) in keywords for s in _INFLECTIONS):
                masks.append((candidate.start + token.start(), candidate.start + token.end()))
    return masks


def _bounds(reading: _Reading, candidate: _Candidate) -> tuple[int, int]:
    """Where to look for what belongs to a trigger match: its sentence, or its own window."""
    floor, ceiling = reading.sentence(candidate.start)
    if candidate.trigger.window is not None:
        floor = max(floor, candidate.start - candidate.trigger.window)
        ceiling = min(ceiling, candidate.end + candidate.trigger.window)
    return floor, ceiling


def _near_title(reading: _Reading, candidate: _Candidate) -> bool:
    """Whether a job title is within the scoring window of a trigger match, in its sentence."""
    window = int(reading.rules.scoring["window"])
    floor, ceiling = reading.sentence(candidate.start)
    return any(
        start < candidate.end + window and candidate.start - window < end
        for start, end in reading.titles
        if floor <= start < ceiling
    )


def _title_before(reading: _Reading, candidate: _Candidate) -> bool:
    """Whether a job title ends right before a trigger match ("directeur a.i.")."""
    return any(0 <= candidate.start - end <= 2 for _, end in reading.titles)


def _condition_met(reading: _Reading, candidate: _Candidate, condition: str) -> bool:
    """Whether one of a trigger's requirements holds."""
    if condition == "title":
        return _near_title(reading, candidate)
    if condition == "title_before":
        return _title_before(reading, candidate)
    has_person = _find_person(reading, candidate) is not None
    if condition == "person":
        return has_person
    return condition != "title_or_person" or has_person or _near_title(reading, candidate)


def _requirements_met(reading: _Reading, candidate: _Candidate) -> bool:
    """Whether the words, title or person a trigger needs are there."""
    near = candidate.trigger.near
    if near is not None:
        window = candidate.trigger.window or int(reading.rules.scoring["window"])
        floor, ceiling = reading.sentence(candidate.start)
        start, end = max(floor, candidate.start - window), min(ceiling, candidate.end + window)
        if not near.search(reading.text, start, end):
            return False
    return all(_condition_met(reading, candidate, c) for c in candidate.trigger.requires if c)


# ---------------------------------------------------------------- people


def _gap_allows(reading: _Reading, start: int, end: int) -> bool:
    """Whether the words between a trigger and a name keep the name in reach of the trigger."""
    if end - start > 60:
        return False
    titles = [(s, e) for s, e in reading.titles if start <= s < end]
    if any(start <= s < end for s, e in reading.masks if (s, e) not in reading.titles):
        return False  # another trigger word comes first
    if titles and titles[-1][1] < end - 1:
        return False  # a title must come right before the name: "oil exec Woodburn"
    gap = list(reading.text[start:end])
    for s, e in titles:
        gap[s - start : e - start] = " " * (e - s)
    words = _LETTER_RUN.findall("".join(gap))
    skip = reading.rules.extraction.skip_words
    return ";" not in gap and all(w.casefold() in skip for w in words)


def _person_after(reading: _Reading, position: int, limit: int) -> _Chunk | None:
    """The first person named after ``position``, unless something else comes first."""
    cursor = position
    for chunk in reading.chunks:
        if chunk.start < position or chunk.start >= limit:
            continue
        if not _gap_allows(reading, cursor, chunk.start):
            return None
        if chunk.person and not _before_title_and_name(reading, chunk):
            return chunk
        cursor = chunk.end + (2 if chunk.possessive else 0)
    return None


def _before_title_and_name(reading: _Reading, chunk: _Chunk) -> bool:
    """True for "Sainsbury" in "Sainsbury CFO Rogers": an employer before a title and a name."""
    for start, end in reading.titles:
        between = reading.text[chunk.end : start]
        if chunk.end <= start <= chunk.end + 12 and between.strip(" '’s-") == "":
            return any(end <= c.start < end + 3 for c in reading.chunks)
    return False


def _person_before(reading: _Reading, position: int, floor: int) -> _Chunk | None:
    """The nearest person named before ``position`` in its sentence."""
    for chunk in reversed(reading.chunks):
        if chunk.end > position or chunk.end < floor:
            continue
        if _AGENT.search(reading.text, max(0, chunk.start - 12), chunk.start):
            continue  # "door de Kroon benoemd": who appoints, not who is appointed
        if chunk.person and not _in_employer_slot(reading, chunk, position):
            return chunk
    return None


def _in_employer_slot(reading: _Reading, chunk: _Chunk, position: int) -> bool:
    """True for a name where an employer goes: "CFO van X ...", "X chief ... to step down"."""
    before = reading.text[max(0, chunk.start - 40) : chunk.start]
    after_title = any(0 <= chunk.start - end <= 12 for _, end in reading.titles)
    if after_title and reading.rules.extraction.affiliation_before.search(before):
        return True
    return any(
        chunk.end <= start < position
        and _SHORT_GAP.fullmatch(reading.text, chunk.end, start) is not None
        and not any(chunk.end < c.start and c.end <= start for c in reading.chunks)
        and not any(end <= c.start and c.end <= position and c.person for c in reading.chunks)
        for start, end in reading.titles
    )


def _person_inside(reading: _Reading, start: int, end: int) -> _Chunk | None:
    """The first person named inside a trigger match ("stelt Jan Smit aan als")."""
    return next((c for c in reading.chunks if start <= c.start and c.end <= end and c.person), None)


def _find_person(reading: _Reading, candidate: _Candidate) -> _Chunk | None:
    """The person a trigger match is about, looked for where its subject says."""
    if candidate not in reading.persons:
        reading.persons[candidate] = _look_for_person(reading, candidate)
    return reading.persons[candidate]


def _look_for_person(reading: _Reading, candidate: _Candidate) -> _Chunk | None:
    """The person a trigger match is about, found without the cache."""
    floor, ceiling = _bounds(reading, candidate)
    subject = candidate.trigger.subject
    if subject == "none":
        return None
    if subject in ("after", "passive"):
        return _person_after(reading, candidate.end, ceiling)
    if subject == "auto":  # "Acme named X", "stelt X aan als", else "X was named"
        found = _person_after(reading, candidate.end, ceiling)
        found = found or _person_inside(reading, candidate.start, candidate.end)
        return found or _person_before(reading, candidate.start, floor)
    found = _person_before(reading, candidate.start, floor)
    if found is None and reading.rules.extraction.inversion:
        found = _person_after(reading, candidate.end, ceiling)  # "Na zes jaar vertrekt X"
    return found or _person_inside(reading, candidate.start, candidate.end)


def _person_name(chunk: _Chunk | None) -> str | None:
    """A person's name as written; several people joined with "; "."""
    if chunk is None:
        return None
    return "; ".join(part.strip() for part in _AND.split(chunk.text))


# ---------------------------------------------------------------- titles


def _new_title(reading: _Reading, candidate: _Candidate, person: _Chunk | None) -> str | None:
    """The role taken up: after "as"/"tot"/"to", else right after the person, else nearest."""
    _, ceiling = reading.sentence(candidate.start)
    former = reading.rules.extraction.former
    after = [
        (s, e)
        for s, e in reading.titles
        if candidate.start <= s < ceiling and not former.search(reading.text, max(0, s - 12), s)
    ]
    cue = re.compile(rf"(?:{reading.rules.extraction.title_cue.pattern})\s+{_DETERMINERS}$", re.I)
    window = int(reading.rules.scoring["window"])
    chosen = (
        next(
            (t for t in after if cue.search(reading.text, max(candidate.start, t[0] - 30), t[0])),
            None,
        )
        or next((t for t in after if person and person.end <= t[0] <= person.end + 8), None)
        or next((t for t in after if t[0] < candidate.end + window), None)
    )
    return _extend_title(reading, *chosen) if chosen else None


def _extend_title(reading: _Reading, start: int, end: int) -> str:
    """A title with the titles joined to it: "chairman and chief executive officer"."""
    starts = {s: e for s, e in reading.titles}
    while (joint := _TITLE_JOINT.match(reading.text, end)) and joint.end() in starts:
        end = starts[joint.end()]
    return reading.text[start:end].strip()


# ---------------------------------------------------------------- employers


def _chunk_at(reading: _Reading, position: int) -> _Chunk | None:
    """The name that starts at ``position``, perhaps after an article."""
    article = _ARTICLE.match(reading.text, position)
    starts = (position, article.end()) if article else (position,)
    return next((c for c in reading.chunks if c.start in starts), None)


def _cue_employers(
    reading: _Reading, span: tuple[int, int], direction: str, person: _Chunk | None
) -> dict[str, str]:
    """Employers named after the cues ("joins X", "bij X", "from X") inside ``span``."""
    slots: dict[str, str] = {}
    for slot, cue in reading.rules.extraction.employer_cues:
        target = direction if slot == "event" else slot
        for m in cue.finditer(reading.text, *span):
            chunk = _chunk_at(reading, m.end())
            if chunk and chunk is not person and target not in slots:
                slots[target] = chunk.text
    return slots


def _subject_employer(
    reading: _Reading, position: int, floor: int, person: _Chunk | None
) -> str | None:
    """The organisation right before the trigger: "Barclays names ...", "X benoemt ..."."""
    for chunk in reversed(reading.chunks):
        if chunk.end <= position and chunk.start >= floor and chunk is not person:
            gap = reading.text[chunk.end : position]
            return chunk.text if len(gap) <= 25 and not _CLAUSE_BREAK.search(gap) else None
    return None


def _reporting_employer(
    reading: _Reading, position: int, floor: int, person: _Chunk | None = None
) -> str | None:
    """The organisation that opens a sentence and reports: "Acme Inc said ...", "KBC heeft"."""
    verb = reading.rules.extraction.reporting.search(reading.text, floor, position)
    first = next((c for c in reading.chunks if c.start >= floor), None)
    if verb and first and first is not person and first.end <= verb.start():
        return first.text if first.start - floor <= 3 else None
    return None


def _affiliation(reading: _Reading, person: _Chunk | None) -> str | None:
    """The organisation a person is introduced with: "Aviva's X", "ex-Shell X", "Shell CEO X"."""
    if person is None:
        return None
    for chunk in reversed([c for c in reading.chunks if 0 <= person.start - c.end <= 40]):
        introduces = chunk.possessive or chunk.former or _before_title_and_name(reading, chunk)
        if introduces and not _CLAUSE_BREAK.search(reading.text, chunk.end, person.start):
            return chunk.text
    return None


def _subject_is_employer(candidate: _Candidate, person: _Chunk | None) -> bool:
    """Whether the name before the trigger is the employer: "Acme names X", "Acme ousts CEO"."""
    subject = candidate.trigger.subject
    person_after = person is not None and person.start >= candidate.start
    if subject in ("none", "after"):
        return True
    if subject == "auto":
        return person is None or person_after
    return subject == "person" and person_after


def _employers(
    reading: _Reading, candidate: _Candidate, person: _Chunk | None
) -> tuple[str | None, str | None]:
    """(new employer, old employer) of a job change, from the most telling cue down."""
    floor, ceiling = reading.sentence(candidate.start)
    direction = "new" if candidate.trigger.event in _ARRIVALS else "old"
    slots: dict[str, str] = {}
    subject = _subject_employer(reading, candidate.start, floor, person)
    if subject and _subject_is_employer(candidate, person):
        slots[direction] = subject
    for span in ((candidate.start, ceiling), (floor, candidate.start)):
        for slot, name in _cue_employers(reading, span, direction, person).items():
            slots.setdefault(slot, name)
        reporter = _reporting_employer(reading, candidate.start, floor, person)
        if reporter:
            slots.setdefault(direction, reporter)
    affiliation = _affiliation(reading, person)
    if affiliation:
        slots.setdefault("old", affiliation)
    return slots.get("new"), slots.get("old")


def _company(reading: _Reading, candidate: _Candidate) -> str | None:
    """The company a piece of company news is about: the reporter, else the subject."""
    floor, ceiling = reading.sentence(candidate.start)
    reporter = _reporting_employer(reading, candidate.start, floor)
    before = [c for c in reading.chunks if floor <= c.start and c.end <= candidate.start]
    after = [c for c in reading.chunks if candidate.end <= c.start < ceiling]
    chosen = before[-1] if before else after[0] if after else None
    return reporter or (chosen.text if chosen else None)


# ---------------------------------------------------------------- deciding


def _score(reading: _Reading, candidate: _Candidate) -> float:
    """How sure a trigger match makes us: its weight, plus bonuses for a person and a title."""
    scoring = reading.rules.scoring
    score = candidate.trigger.weight
    if candidate.trigger.label != "company_news" and _find_person(reading, candidate):
        score += float(scoring["person_bonus"])
    if candidate.trigger.label == "job_change" and _near_title(reading, candidate):
        score += float(scoring["title_bonus"])
    return min(score, float(scoring["max_confidence"]))


def _best(reading: _Reading, candidates: Sequence[_Candidate]) -> tuple[_Candidate, float] | None:
    """The winning trigger match: highest score, then label priority, then first in the text."""
    priority = list(reading.rules.scoring["priority"])
    threshold = float(reading.rules.scoring["threshold"])
    ranked = [
        (score, -priority.index(c.trigger.label), -c.start, c)
        for c in candidates
        if _requirements_met(reading, c) and (score := _score(reading, c)) >= threshold
    ]
    if not ranked:
        return None
    score, *_, winner = max(ranked, key=lambda r: r[:3])
    return winner, score


def _refine_event(
    reading: _Reading, candidate: _Candidate, title: str | None, new: str | None, old: str | None
) -> str:
    """Interim, board or promotion, when the words around an arrival say so."""
    event = candidate.trigger.event
    if event not in _ARRIVALS:
        return event
    floor, ceiling = reading.sentence(candidate.start)
    title_end = reading.text.find(title, candidate.start) + len(title) if title else 0
    around = reading.text[candidate.start : min(max(candidate.end, title_end) + 25, ceiling)]
    role = f"{reading.text[candidate.start : candidate.end]} {title or ''}"
    markers = reading.rules.markers
    if markers["interim"].search(around):
        return "interim"
    if event == "board" or markers["board"].search(role):
        return "board"
    same_employer = bool(new and old and company_key(new) == company_key(old))
    if same_employer or markers["promotion"].search(reading.text, floor, ceiling):
        return "promotion"
    return event


def _job_change(reading: _Reading, candidate: _Candidate, score: float) -> Event:
    """The event for a winning job-change trigger, with person, employers and title."""
    person = _find_person(reading, candidate)
    arrival = candidate.trigger.event in _ARRIVALS
    title = _new_title(reading, candidate, person) if arrival else None
    new, old = _employers(reading, candidate, person)
    event = _refine_event(reading, candidate, title, new, old)
    if event == "promotion":
        new, old = new or old, old or new
    return Event(
        label="job_change",
        event=event,
        person=_person_name(person),
        new_employer=new,
        old_employer=old,
        new_title=title,
        confidence=round(score, 2),
        language=reading.rules.language,
        company=new or old,
    )


def _other_event(reading: _Reading, candidate: _Candidate, score: float) -> Event:
    """The event for a winning award or company-news trigger."""
    label = candidate.trigger.label
    person = _find_person(reading, candidate) if label == "award" else None
    return Event(
        label=label,
        event=candidate.trigger.event,
        person=_person_name(person),
        new_employer=None,
        old_employer=None,
        new_title=None,
        confidence=round(score, 2),
        language=reading.rules.language,
        company=_company(reading, candidate) if label == "company_news" else None,
    )


def _classify(text: str, language: str) -> Event:
    """What ``text`` reports, read with the rules of ``language``."""
    reading = _Reading(text, _rules(language))
    candidates = _candidates(reading)
    reading.masks = _keyword_masks(reading, candidates)
    best = _best(reading, candidates)
    if best is None:
        confidence = 0.6 if candidates else 0.9
        return Event(NONE, None, None, None, None, None, confidence, language)
    winner, score = best
    if winner.trigger.label == "job_change":
        return _job_change(reading, winner, score)
    return _other_event(reading, winner, score)


def classify(text: str, language: str | None = None) -> Event:
    """What ``text`` reports: a job change, an award, company news, or none of these."""
    text = " ".join(text.split())
    if language in LANGUAGES:
        return _classify(text, str(language))
    scores = _language_scores(text)
    detected, other = ("nl", "en") if scores["nl"] > scores["en"] else ("en", "nl")
    event = _classify(text, detected)
    if event.label != NONE or (scores[other][0] == 0 and scores[detected][0] > 0):
        return event
    # Mixed or too short to tell ("... uitgeroepen tot Business Woman of the Year"):
    # the other language's rules get a turn.
    second = _classify(text, other)
    return second if second.label != NONE else event
