"""Who a trigger match is about, and the role they take up.

A person is looked for where the trigger's subject says (before it, after it, inside it),
never past the trigger's sentence and never across another trigger word, a clause break
or a name that sits where an employer goes ("CFO van X").
"""

from __future__ import annotations

import re

from sources.events.reading import _bounds, _Candidate, _Chunk, _Reading

_DETERMINERS = r"(?:(?:its|the|a|an|new|next|his|her|their|de|het|een|nieuwe|zijn|haar|hun)\s+)*"
_AGENT = re.compile(r"\b(?:door|by)\s+(?:de\s+|het\s+|the\s+)?$", re.IGNORECASE)
_TITLE_JOINT = re.compile(r"(?:\s*,\s*|\s+(?:and|en|&)\s+|\s*/\s*)(?:(?:a|an|the|its)\s+)?")
_LETTER_RUN = re.compile(r"[^\W\d]+")
_SHORT_GAP = re.compile(r"[\s'’\w<>]{0,15}")
_AND = re.compile(r"\s+(?:and|en)\s+")
# between two names of a list, perhaps after the first one's bracket: "Keller (VVD), "
_LISTED = re.compile(r"(?:\s*\([^()]{1,40}\))?(?:\s*,\s*|\s*,?\s+(?:and|en|&)\s+)")
_OF_END = re.compile(r"\b(?:van|of)\s*$", re.IGNORECASE)
_LOWER_WORD = re.compile(r"\s*[a-zà-ÿ]")

_STOP = re.compile(r"[.;!?]")


def _gap_allows(reading: _Reading, start: int, end: int) -> bool:
    """Whether the words between a trigger and a name keep the name in reach of the trigger."""
    if end - start > 60:
        return False
    if reading.text.endswith(", ", start, end) and any(e == end - 2 for _, e in reading.titles):
        end -= 2  # "has named current chairman, David L. Calhoun, as": the title's apposition
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
    unknown = [w for w in words if w.casefold() not in skip]
    # "has hired acclaimed trial litigator David Marriott": a few lower-case words that are
    # no function words describe the person; anything more is another clause
    described = len(unknown) <= 3 and all(
        w.islower() and w not in reading.rules.stopwords for w in unknown
    )
    return ";" not in gap and "," not in gap and described


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
            return any(
                end <= c.start < end + 3 and not _STOP.search(reading.text, end, c.start)
                for c in reading.chunks
            )
    return False


def _person_before(reading: _Reading, position: int, floor: int) -> _Chunk | None:
    """The nearest person named before ``position`` in its sentence."""
    for chunk in reversed(reading.chunks):
        if chunk.end > position or chunk.end < floor:
            continue
        if _AGENT.search(reading.text, max(0, chunk.start - 12), chunk.start):
            continue  # "door de Kroon benoemd": who appoints, not who is appointed
        if _aside(reading, chunk, floor):
            continue
        if chunk.person and not _in_employer_slot(reading, chunk, position):
            return _apposition_head(reading, chunk, position, floor) or chunk
    return None


def _apposition_head(reading: _Reading, chunk: _Chunk, position: int, floor: int) -> _Chunk | None:
    """The person a name before a trigger describes when it sits in their apposition:
    "Ad van Tok, directeur Regie en Bedrijfsvoering, ... optreden", "Susan Desmond-Hellmann,
    the Chancellor of the University of California, San Francisco, becomes"."""
    text = reading.text
    closing = text.find(",", chunk.end, position)
    if closing < 0 or any(closing < c.start < position for c in reading.chunks):
        return None  # the name is not closed by a comma before the trigger
    for head in reading.chunks:
        if head.end >= chunk.start or head.start < floor or not head.person:
            continue
        # more commas inside only when the head opens the sentence: not a list of names
        inside = text.count(",", head.end + 1, chunk.start) == 0 or head.start - floor <= 3
        opened = text.startswith(",", head.end) and inside
        described = any(head.end < s < chunk.start for s, _ in reading.titles) or bool(
            _LOWER_WORD.match(text, head.end + 1)
        )
        if opened and described:
            return head
    return None


def _aside(reading: _Reading, chunk: _Chunk, floor: int) -> bool:
    """Whether a name is said in passing, not as the subject: in brackets ("Will Bakema
    (Ameland '82)"), or as where someone works ("na vijftig jaar bij PostNL", "topman van
    het Britse kledingmerk Ted Baker")."""
    text = reading.text
    if text.count("(", floor, chunk.start) > text.count(")", floor, chunk.start):
        return True
    introduced = reading.rules.extraction.introduced_by
    found = introduced.search(text, max(floor, chunk.start - 50), chunk.start)
    clause = reading.rules.extraction.clause_words
    if found is not None and clause is not None and clause.search(text, found.start(), chunk.start):
        found = None  # "de Raad van Toezicht gevraagd of Petra Reijnhoudt": a new clause
    # only when no other name stands between: not "Savings Bank of Albany said Thomas Bilbao"
    return found is not None and not any(
        c.end > found.start() and c.start < chunk.start for c in reading.chunks if c is not chunk
    )


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
        if found is not None and _OF_END.search(reading.text, candidate.start, candidate.end):
            # "De opvolger van Piet Bakker is Jan de Vries": the name after "van" is whose
            # successor; the person comes after it (kept when none does: the label is not
            # the slots' to decide)
            found = _person_after(reading, found.end, ceiling) or found
    return found or _person_inside(reading, candidate.start, candidate.end)


def _person_name(chunk: _Chunk | None, reading: _Reading | None = None) -> str | None:
    """A person's name as written; several people joined with "; ": the names of one chunk
    ("Jan Smit en Piet Jansen") and, given the reading, the list the chunk is part of."""
    if chunk is None:
        return None
    chunks = _listed(reading, chunk) if reading is not None else [chunk]
    return "; ".join(part.strip() for c in chunks for part in _AND.split(c.text))


def _listed(reading: _Reading, chunk: _Chunk) -> list[_Chunk]:
    """The people listed with a person: "GerdJan Keller (Gemeentebelangen), Sietske
    Klein-De Jong (VVD) en Daan Russchen (PvdA)". Only a list whose last two names are
    joined by "and"/"en" counts, so "Jan Smit, Amsterdam" stays one name."""
    text = reading.text
    chunks = [c for c in reading.chunks if text[c.start - 1 : c.end + 1] != f"({c.text})"]
    if chunk not in chunks:
        return [chunk]
    index = chunks.index(chunk)
    first = last = index
    while first > 0 and chunks[first - 1].person:
        if not _LISTED.fullmatch(text, chunks[first - 1].end, chunks[first].start):
            break
        first -= 1
    while last + 1 < len(chunks) and chunks[last + 1].person:
        if not _LISTED.fullmatch(text, chunks[last].end, chunks[last + 1].start):
            break
        last += 1
    if first == last or not _AND.search(text, chunks[last - 1].end, chunks[last].start + 1):
        return [chunk]
    return chunks[first : last + 1]


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
    body = reading.rules.extraction.title_body
    found = body.match(reading.text, end) if body else None
    return reading.text[start : found.end() if found else end].strip()
