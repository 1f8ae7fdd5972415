"""One text read with one language's rules: sentences, titles, names and trigger matches.

A ``_Reading`` finds sentences, job titles and name runs lazily and caches them, so the
later stages (people, employers, deciding) ask for them as often as they like. Trigger
matches that a negative rules out never become candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sources.events.regex import _UPPER
from sources.events.rules import _Rules, _Trigger

_INFLECTIONS = ("s", "es", "ed", "d", "ing", "t", "en", "e", "er", "n")
_HONORIFICS = (
    *("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr"),
    *("dhr", "mevr", "drs", "dr", "ir", "mr", "prof"),
)
_NOT_AN_END = "".join(rf"(?<!\b{word})" for word in _HONORIFICS)
# A full stop ends a sentence unless it closes an initial ("J. Smit", "L.K. Evans", also
# the text's first letter) or an honorific; a semicolon always does, so "A wordt CEO; B
# vertrekt" is two sentences.
_SENTENCE_END = re.compile(
    rf"(?<=[\w)\"'’%]){_NOT_AN_END}(?<![\s.(-][^\W\d_])(?<!^[^\W\d_])[.!?]\s+"
    rf"(?=[{_UPPER}\"'‘“\d])|;\s+"
)
_ABBREVIATIONS = frozenset({"inc.", "co.", "corp.", "ltd.", "jr.", "sr.", "n.v.", "b.v.", "st."})
_CAMEL = re.compile(rf"[{_UPPER}]{{2,}}[a-z]{{2}}")  # "JPMorgan", not "McClymont"
_SURNAME_PARTICLES = frozenset({"van", "de", "der", "den", "t", "ter", "ten", "te", "von", "vom"})
# a capitalised word whose part after a hyphen is lower case, before a name, is a role, not
# part of the name: "Oud-voetballer Rafael van der Vaart" (names write "Klein-De Jong")
_ROLE_WORD = re.compile(rf"\b[{_UPPER}][a-z]+-[a-z]{{3,}}\b(?=\s+[{_UPPER}])")
_BRACKETED = re.compile(
    r"\s*\(([^()]{1,30})\)\s+(?:(?:van|de|der|den|ter|ten|te|von|'t)\s+)*", re.IGNORECASE
)
_INITIALS = re.compile(rf"(?:[{_UPPER}]\.)+")
_OWNS = re.compile(r"['’]s? ")
_POSSESSIVE = re.compile(r"['’]s?\b")
_WORD = re.compile(r"\w+")


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
    # where a negative ruled labels out: (labels, start, end); the whole text for scope "text"
    blocked: list[tuple[frozenset[str], int, int]] = field(default_factory=list)
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

    @property
    def sentences(self) -> list[tuple[int, int]]:
        """The spans of the text's sentences, in order."""
        if self._sentences is None:
            ends = [(m.start(), m.end()) for m in _SENTENCE_END.finditer(self.text)]
            starts = [0, *(end for _, end in ends)]
            stops = [*(start for start, _ in ends), len(self.text)]
            self._sentences = list(zip(starts, stops, strict=True))
        return self._sentences

    def sentence(self, position: int) -> tuple[int, int]:
        """The span of the sentence around ``position``."""
        spans = self.sentences
        return next((span for span in spans if position < span[1]), spans[-1])


def _find_chunks(reading: _Reading) -> list[_Chunk]:
    """Name runs in a text whose titles, trigger words and barrier words are blanked out."""
    spec = reading.rules.extraction
    barrier = spec.barrier_caps if reading.caps else spec.barrier
    chars = list(reading.text)
    for start, end in [
        *reading.titles,
        *reading.masks,
        *(m.span() for m in barrier.finditer(reading.text)),
        *((m.start(), m.start() + 1) for m in _SENTENCE_END.finditer(reading.text)),
        *(m.span() for m in _ROLE_WORD.finditer(reading.text)),
    ]:
        chars[start:end] = "|" * (end - start)
    masked = "".join(chars)
    chunks: list[_Chunk] = []
    for m in spec.chunk.finditer(masked):
        ticker = masked[m.start() - 1 : m.start()] == "<" and masked[m.end() : m.end() + 1] == ">"
        if ticker and m.group(0).isupper() and len(m.group(0)) <= 6:
            continue  # a stock ticker: "<AXP>"
        text, start = _trim(m.group(0)), m.start()
        if _is_adjective(reading, text, start):
            continue  # "Het Rotterdamse architectenbureau": not a name
        opener = _opener(reading, text, start)
        text, start = text[opener:], start + opener
        head = (
            spec.org_heads.search(reading.text, max(0, start - 25), start)
            if spec.org_heads
            else None
        )
        if head and text:
            text, start = reading.text[head.start() : start + len(text)], head.start()
        if text and not barrier.fullmatch(text) and text.casefold() not in spec.particles:
            chunks.extend(_chunk(reading, part, start + at) for part, at in _split(reading, text))
    return _with_possessive_names(reading, _with_bracketed_names(reading, chunks))


def _with_possessive_names(reading: _Reading, chunks: list[_Chunk]) -> list[_Chunk]:
    """Chunks with a possessive that is part of an organisation's name joined into one:
    "St. Luke's Hospital", "Children's Hospital" (not "Aviva's CEO", a title)."""
    if "'" not in reading.text and "’" not in reading.text:
        return chunks
    joined: list[_Chunk] = []
    for chunk in chunks:
        last = joined[-1] if joined else None
        between = reading.text[last.end : chunk.start] if last else ""
        if last and last.possessive and chunk.org and _OWNS.fullmatch(between):
            joined[-1] = _chunk(reading, reading.text[last.start : chunk.end], last.start)
        else:
            joined.append(chunk)
    return joined


def _with_bracketed_names(reading: _Reading, chunks: list[_Chunk]) -> list[_Chunk]:
    """Chunks with a name written with initials and its first name in brackets joined into
    one: "M.A.J. (Marieke) van den Berg", "Kitty (C.H.E.) Kwakman"."""
    if "(" not in reading.text:
        return chunks
    joined: list[_Chunk] = []
    index = 0
    while index < len(chunks):
        first = chunks[index]
        if index + 2 < len(chunks) and first.person:
            inner, last = chunks[index + 1], chunks[index + 2]
            around = _BRACKETED.fullmatch(reading.text, first.end, last.start)
            initials = _INITIALS.fullmatch(first.text) or _INITIALS.fullmatch(inner.text)
            if around and around.span(1) == (inner.start, inner.end) and initials:
                text = reading.text[first.start : last.end]
                joined.append(_chunk(reading, text, first.start))
                index += 3
                continue
        joined.append(first)
        index += 1
    return joined


def _opener(reading: _Reading, text: str, start: int) -> int:
    """The length of a name run that is a word opening its sentence and no name ("Enkele
    maanden na ...", "Six directors were elected"): one of the language's openers, alone,
    at the start of the sentence, before a lower-case word; else 0."""
    if (
        reading.sentence(start)[0] != start
        or text.casefold() not in reading.rules.extraction.openers
    ):
        return 0
    following = reading.text[start + len(text) : start + len(text) + 2]
    return len(text) if following[1:].islower() else 0


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
    # "Pieter van 't Hof": an organisation word after a name particle is a surname
    after_particle = [i > 0 and folded[i - 1] in _SURNAME_PARTICLES for i in range(len(folded))]
    if any(
        (t in spec.org_words or t + "." in spec.org_words) and not surname
        for t, surname in zip(folded, after_particle, strict=True)
    ):
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
            reading.blocked.append((owner.labels, 0, len(reading.text)))
        elif owner.scope == "sentence":
            blocked.append((owner.labels, *reading.sentence(m.start())))
        else:
            blocked.append((owner.labels, m.start(), max(m.end(), m.start() + 1)))
    reading.blocked += blocked
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
    particles = reading.rules.extraction.particles  # "volgt ... Frans van Houten op"
    for candidate in candidates:
        keywords = candidate.trigger.keywords
        for token in _WORD.finditer(reading.text[candidate.start : candidate.end]):
            word = token.group(0).casefold()
            if token.group(0) in particles:
                continue
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
