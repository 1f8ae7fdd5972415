"""Where a person goes and where they come from; the company a piece of news is about.

From the most telling cue down: the organisation that is the subject of the trigger
("Acme names X"), the cues after it ("joins X", "bij X", "from X"), the organisation
reporting the news ("KBC heeft ..."), and the one the person is introduced with
("Aviva's X", "ex-Shell X").
"""

from __future__ import annotations

import re

from sources.events.people import _before_title_and_name
from sources.events.reading import _Candidate, _Chunk, _Reading

_ARRIVALS = frozenset({"appointment", "hire", "promotion", "interim", "board"})
_ARTICLE = re.compile(r"(?:the|de|het|its)\s+", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:]")
# a place after an organisation: " in Houston ", " in Sweetwater, Texas, "
_PLACE = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*"
_LOCATED = re.compile(rf"\s+(?:in|at|te|uit)\s+{_PLACE}(?:,\s+{_PLACE})*,?\s+")
# a sentence's subject whose last word is of an organisation: "Het bestuur van de "
_OF_PHRASE = re.compile(
    r"(?:the|de|het)\s+[a-z]+(?:\s+(?:[a-z]+))*?\s+(?:van|of)\s+(?:de\s+|het\s+|the\s+)?",
    re.IGNORECASE,
)
# an organisation described before its name: "Het Amsterdamse bedrijf ", "The US carmaker "
_DESCRIBED = re.compile(r"(?:the|de|het)\s+(?:[\w-]+\s+){0,2}?(?-i:[a-z][\w-]*)\s+$", re.I)
_REFERRED = re.compile(
    r"\bthe\s+(?:company|firm|group|bank|organi[sz]ation)['’]s\s+(?:[a-z]+\s+){0,2}",
    re.IGNORECASE,
)
# what an organisation is, before its name: "Britse kledingketen ", "chipmaker "
_DESCRIPTION = re.compile(
    r"(?:[A-Z][a-z]+(?:se|sche|an|ish|ese)\s+)?([a-z][\w-]{2,}(?:\s+[a-z][\w-]{2,}){0,2})\s+"
)
# an organisation written into a title: "Unilever-topman", "KLM-CEO"
_COMPOUND_OWNER = re.compile(r"((?-i:[A-Z][\w&.]*(?:\s[A-Z][\w&.]*)?))-(?=\w)")
# the governing body an organisation's name goes before: " Board of " (Regents, Trustees)
_BODY_OF = re.compile(r"\b(?:Board|Raad|College)\s+(?:of|van)\s+$")
_ABBREVIATED_TITLE = re.compile(r"\b(?-i:[A-Z][a-z]{1,3})\.\s+$")  # "Gov. ", "Sen. "
_OF = re.compile(r"\b(?:van|of)\s+$", re.IGNORECASE)  # the cues that may also name a person
_OWNED = re.compile(r"['’]s?\s+(?:[a-z]+\s+){0,2}")  # "'s ninth ", "'s new chief "


def _chunk_at(reading: _Reading, position: int) -> _Chunk | None:
    """The name that starts at ``position``, perhaps after an article; or an organisation
    after a description of it: "bij de Britse kledingketen Topshop", "of chipmaker ASML"."""
    article = _ARTICLE.match(reading.text, position)
    starts = (position, article.end()) if article else (position,)
    found = next((c for c in reading.chunks if c.start in starts), None)
    if found is not None:
        return found
    described = _DESCRIPTION.match(reading.text, starts[-1])
    if described is None or not _a_description(reading, described):
        return None
    chunk = next((c for c in reading.chunks if c.start == described.end()), None)
    if chunk is None:
        return None
    spec = reading.rules.extraction
    what = described.group(1).split()[-1].casefold()  # "law firm", "kledingketen"
    return chunk if article or not _someone(chunk) or what.endswith(spec.org_nouns) else None


def _a_description(reading: _Reading, described: re.Match[str]) -> bool:
    """Whether the words before a name say what an organisation is, not who a person is:
    no title ("de directeur Jan Smit"), no word for a person ("de heer", "collega")."""
    start, end = described.span(1)
    words = described.group(1).casefold().split()
    spec = reading.rules.extraction
    return not any(start <= s < end for s, _ in reading.titles) and not any(
        (w in spec.skip_words and not w.endswith(spec.org_nouns)) or w in reading.rules.stopwords
        for w in words
    )


def _cue_employers(
    reading: _Reading, span: tuple[int, int], direction: str, person: _Chunk | None
) -> dict[str, str]:
    """Employers named after the cues ("joins X", "bij X", "from X") inside ``span``."""
    slots: dict[str, str] = {}
    for slot, cue in reading.rules.extraction.employer_cues:
        for m in cue.finditer(reading.text, *span):
            target = direction if slot == "event" else slot
            if slot == "event" and _formerly(reading, m.start()):
                target = "old"  # "former president and CEO of The Aerospace Corporation"
            chunk = _chunk_at(reading, m.end())
            if chunk and chunk is not person and target not in slots:
                titled = any(0 <= m.start() - end <= 1 for _, end in reading.titles)
                described = _DESCRIPTION.search(reading.text, m.end(), chunk.start)
                titled = titled or described is not None  # "van het Britse kledingmerk X"
                if slot == "event" and _someone(chunk) and _OF.search(m.group(0)) and not titled:
                    # "het vertrek van Erik Markus": a person; "directeur van Van Oord": not
                    continue
                slots[target] = chunk.text
    return slots


def _formerly(reading: _Reading, position: int) -> bool:
    """Whether the clause before ``position`` says the role was held before: "former
    president and CEO of", "voormalig directeur van"."""
    text = reading.text
    start = max(0, position - 50)
    clause = max(start, text.rfind(",", start, position), text.rfind("(", start, position))
    marker = reading.rules.extraction.former_clause.search(text, clause, position)
    # the marker is of this role, not of a name between: "Oud-minister X wordt voorzitter van"
    return marker is not None and not any(
        marker.end() <= c.start < position for c in reading.chunks
    )


def _someone(chunk: _Chunk) -> bool:
    """Whether a name reads as a person's full name (two or more words, no organisation
    word): after the ambiguous "van"/"of" it is someone, not where someone works."""
    return chunk.person and len(chunk.text.split()) >= 2


def _after_title(reading: _Reading, floor: int, ceiling: int, person: _Chunk | None) -> str | None:
    """An organisation right after a job title: "wordt interim-directeur KNMT"."""
    for _, end in reading.titles:
        if floor <= end < ceiling:
            chunk = next((c for c in reading.chunks if end < c.start <= end + 1), None)
            if chunk is not None and chunk is not person and chunk.org:
                return chunk.text
    return None


def _title_owner(reading: _Reading, floor: int, ceiling: int, person: _Chunk | None) -> str | None:
    """The organisation whose role it is: "becomes Facebook's ninth director"."""
    for chunk in reading.chunks:
        owner = floor <= chunk.start < ceiling and chunk.possessive and chunk is not person
        if owner and any(_OWNED.fullmatch(reading.text, chunk.end, s) for s, _ in reading.titles):
            return None if chunk.former else chunk.text
    return None


def _referred_owner(
    reading: _Reading, position: int, floor: int, ceiling: int, person: _Chunk | None
) -> str | None:
    """The organisation "the company's new CEO" refers back to: the one named with a
    possessive before it in the sentence ("IBM's current Senior Vice President")."""
    text = reading.text
    for start, _ in reading.titles:
        said = _REFERRED.search(text, max(position, start - 40), start)
        if position <= start < ceiling and said and said.end() == start:
            before = [c for c in reading.chunks if floor <= c.start and c.end <= said.start()]
            owners = [c for c in before if c.possessive and c is not person and not c.former]
            return owners[-1].text if owners else None
    return None


def _trailing_reporter(
    reading: _Reading, floor: int, ceiling: int, person: _Chunk | None
) -> str | None:
    """The organisation that reports at the end: "..., Infosys said."."""
    reporting = reading.rules.extraction.reporting
    for chunk in reading.chunks:
        if floor < chunk.start and chunk.end < ceiling and chunk is not person:
            opened = reading.text[max(floor, chunk.start - 2) : chunk.start] == ", "
            said = reporting.match(reading.text, chunk.end + 1)
            if opened and said and said.end() >= ceiling - 1:
                return chunk.text
    return None


def _subject_employer(
    reading: _Reading, position: int, floor: int, person: _Chunk | None
) -> str | None:
    """The organisation right before the trigger: "Barclays names ...", "X benoemt ..."."""
    before = [c for c in reading.chunks if c.end <= position and c.start >= floor]
    for chunk in before:  # "Memorial City Medical Center in Houston promoted ..."
        located = _LOCATED.match(reading.text, chunk.end, position)
        if chunk.org and chunk is not person and located and position - located.end() <= 25:
            return chunk.text
    for chunk in reversed(before):
        if chunk is not person:
            gap = reading.text[chunk.end : position]
            if len(gap) > 25 or _CLAUSE_BREAK.search(gap) or _appointer(reading, chunk):
                return None
            body = _BODY_OF.search(reading.text, max(floor, chunk.start - 20), chunk.start)
            owner = next((c for c in before if body and 0 <= body.start() - c.end <= 1), None)
            # "The University of Michigan Board of Regents on Thursday appointed"
            return owner.text if owner is not None and owner.org else chunk.text
    return None


def _appointer(reading: _Reading, chunk: _Chunk) -> bool:
    """Whether a name before the trigger is someone, not an employer: who appoints,
    introduced by a title or an abbreviated one ("Gov. Kathy Hochul on Tuesday appointed",
    "Governor Jared Polis"), or whose departure it was ("Na het vertrek van Piet Bakker")."""
    titled = any(0 <= chunk.start - end <= 1 for _, end in reading.titles)
    abbreviated = _ABBREVIATED_TITLE.search(reading.text, max(0, chunk.start - 6), chunk.start)
    of = _OF.search(reading.text, max(0, chunk.start - 4), chunk.start)
    return _someone(chunk) and (titled or abbreviated is not None or of is not None)


def _reporting_employer(
    reading: _Reading, position: int, floor: int, person: _Chunk | None = None
) -> str | None:
    """The organisation that opens a sentence and reports: "Acme Inc said ...", "KBC heeft"."""
    verb = reading.rules.extraction.reporting.search(reading.text, floor, position)
    if verb is None:
        return None
    adjacent = next(
        (c for c in reading.chunks if floor <= c.start and 0 <= verb.start() - c.end <= 2), None
    )
    described = adjacent is not None and _DESCRIBED.match(reading.text, floor, adjacent.start)
    if adjacent and (adjacent.org or described) and adjacent is not person:
        # "Cupertino, (Samajweekly) Apple Inc. has announced", "Het Amsterdamse bedrijf
        # Mollie heeft": the organisation right before the verb
        return adjacent.text
    first = next((c for c in reading.chunks if c.start >= floor), None)
    if verb and first and first is not person and first.end <= verb.start():
        opens = first.start - floor <= 3 or _OF_PHRASE.fullmatch(reading.text, floor, first.start)
        # "Het college van burgemeester en wethouders van de gemeente Woerden heeft ..."
        return first.text if opens and (first.org or first.start - floor <= 3) else None
    return None


def _affiliation(reading: _Reading, person: _Chunk | None) -> str | None:
    """The organisation a person is introduced with: "Aviva's X", "ex-Shell X", "Shell CEO X"."""
    if person is None:
        return None
    for start, end in reading.titles:  # "Unilever-topman Hein Schumacher", "KLM-CEO X"
        prefix = _COMPOUND_OWNER.match(reading.text, start, end)
        modifier = prefix is not None and (
            reading.rules.modifier.fullmatch(prefix.group(1))
            or reading.rules.extraction.former.search(prefix.group(0).casefold())  # "Oud-topman"
        )
        if prefix and not modifier and 0 <= person.start - end <= 1:
            return prefix.group(1)
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
        owner = _title_owner(reading, candidate.start, ceiling, person) or _referred_owner(
            reading, candidate.start, floor, ceiling, person
        )
        if owner:
            slots.setdefault(direction, owner)
    for found in (
        _after_title(reading, candidate.start, ceiling, person),
        _trailing_reporter(reading, floor, ceiling, person),
    ):
        if found:
            slots.setdefault(direction, found)
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
