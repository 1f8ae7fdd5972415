"""Deciding what a text reports: requirements, scores, the winning match and its event.

How one text is read::

    triggers ──► negatives ──► requirements ──► best match ──► extraction
    (regexes     (look-alikes   (a title, a      (score, then   (person, title,
    per event)   drop them)     person nearby)   label order)   employers)

With the learned model on (``sources.events.learned``), every sentence is also read by it:
where it is sure of an event the rules did not say and no negative rules that label out,
its event is said instead, with the parts the rules find for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from models.names import company_key, fold
from sources.events.calibration import calibrated
from sources.events.employers import _ARRIVALS, _company, _employers
from sources.events.event import LANGUAGES, NONE, Event
from sources.events.language import _language_scores
from sources.events.learned import FeatureSpec, Model, active_model, features
from sources.events.people import _find_person, _new_title, _person_name
from sources.events.reading import (
    _Candidate,
    _candidates,
    _Chunk,
    _keyword_masks,
    _near_title,
    _Reading,
    _title_before,
)
from sources.events.rules import _rules


def _condition_met(reading: _Reading, candidate: _Candidate, condition: str) -> bool:
    """Whether one of a trigger's requirements holds."""
    if condition == "title":
        return _near_title(reading, candidate)
    if condition == "title_before":
        return _title_before(reading, candidate)
    if condition == "company":
        return _names_an_organisation(reading, candidate)
    has_person = _find_person(reading, candidate) is not None
    if condition == "person":
        return has_person
    return condition != "title_or_person" or has_person or _near_title(reading, candidate)


def _names_an_organisation(reading: _Reading, candidate: _Candidate) -> bool:
    """Whether the sentence of a match names an organisation (or someone) it can be about:
    "Een overname houdt in dat ..." names nobody; "de overname van Sandd door PostNL" does."""
    floor, ceiling = reading.sentence(candidate.start)
    return any(
        floor <= c.start < ceiling
        and (c.org or c.start > floor or len(c.text.split()) > 1)
        and c.text.casefold() not in reading.rules.stopwords
        for c in reading.chunks
    )


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


def _job_change(
    reading: _Reading, candidate: _Candidate, person: _Chunk | None
) -> tuple[str, str | None, str | None, str | None]:
    """A winning job change's event (refined), new employer, old employer and new title."""
    arrival = candidate.trigger.event in _ARRIVALS
    title = _new_title(reading, candidate, person) if arrival else None
    new, old = _employers(reading, candidate, person)
    event = _refine_event(reading, candidate, title, new, old)
    if event == "promotion":
        new, old = new or old, old or new
    return event, new, old, title


def _event(reading: _Reading, winner: _Candidate, score: float) -> Event:
    """The event a winning trigger match reports, its confidence calibrated: a job change
    with its person, employers and title, an award with its person, company news with its
    company."""
    label, event = winner.trigger.label, winner.trigger.event
    person = _find_person(reading, winner) if label in ("job_change", "award") else None
    new: str | None = None
    old: str | None = None
    title: str | None = None
    company: str | None = None
    if label == "job_change":
        event, new, old, title = _job_change(reading, winner, person)
        company = new or old
    elif label == "company_news":
        company = _company(reading, winner)
    return Event(
        label=label,
        event=event,
        person=_person_name(person, reading),
        new_employer=new,
        old_employer=old,
        new_title=title,
        confidence=calibrated(label, score),
        language=reading.rules.language,
        company=company,
    )


def _read(text: str, language: str) -> tuple[list[Event], bool]:
    """The events of one text, one per sentence that reports one; and whether any trigger
    matched at all."""
    reading = _Reading(text, _rules(language))
    candidates = _candidates(reading)
    reading.masks = _keyword_masks(reading, candidates)
    by_sentence: dict[tuple[int, int], list[_Candidate]] = {}
    for candidate in candidates:
        by_sentence.setdefault(reading.sentence(candidate.start), []).append(candidate)
    model = active_model()
    if model is not None:
        events = [
            event
            for span in reading.sentences
            if (event := _learned_event(reading, span, by_sentence.get(span, []), model))
        ]
        return events, bool(candidates)
    events = [
        _event(reading, *best)
        for group in by_sentence.values()
        if (best := _best(reading, group)) is not None
    ]
    return events, bool(candidates)


# ---------------------------------------------------------------- the learned model


def rule_findings(
    reading: _Reading,
    span: tuple[int, int],
    group: Sequence[_Candidate],
    best: tuple[_Candidate, float] | None,
) -> list[str]:
    """What the rules found in one span, as the model's features name it: the labels whose
    triggers matched, whose requirements were met, the winner, a title, a person, a company."""
    found = {f"hit:{c.trigger.label}" for c in group}
    found |= {f"met:{c.trigger.label}" for c in group if _requirements_met(reading, c)}
    if best is not None:
        found.add(f"win:{best[0].trigger.label}")
    floor, ceiling = span
    if any(floor <= start < ceiling for start, _ in reading.titles):
        found.add("title")
    chunks = [c for c in reading.chunks if floor <= c.start < ceiling]
    found |= {"person" for c in chunks if c.person} | {"org" for c in chunks if c.org}
    return sorted(found)


def span_features(
    reading: _Reading, span: tuple[int, int], group: Sequence[_Candidate], spec: FeatureSpec
) -> tuple[list[str], tuple[_Candidate, float] | None]:
    """The model's features of one span of a reading, and the rules' winner there."""
    best = _best(reading, group)
    findings = rule_findings(reading, span, group, best)
    text = reading.text[span[0] : span[1]]
    return features(text, reading.rules.language, findings, spec), best


def _learned_event(
    reading: _Reading, span: tuple[int, int], group: Sequence[_Candidate], model: Model
) -> Event | None:
    """The event of one sentence: the rules' label, unless the model says another one with
    a probability at which cross-validation found it right often enough to overrule them;
    the rules fill in the parts."""
    found, best = span_features(reading, span, group, model.spec)
    probabilities = model.probabilities(found)
    said = max(probabilities, key=lambda name: probabilities[name])
    ruled = best[0].trigger.label if best is not None else NONE
    if said in (ruled, NONE) or _overruled(reading, span, said, probabilities[said], model):
        return _event(reading, *best) if best is not None else None
    confidence = model.confidence(said, probabilities[said])
    best = _best_of_label(reading, group, said)
    if best is None:
        return _bare_event(reading, span, said, confidence)
    return replace(_event(reading, *best), confidence=confidence)


def _overruled(
    reading: _Reading, span: tuple[int, int], label: str, probability: float, model: Model
) -> bool:
    """Whether the model's ``label`` must give way: it is not sure enough, or a negative
    rules that label out in the sentence (a vacancy, speculation, a question)."""
    floor, ceiling = span
    return probability < model.overrides.get(label, 2.0) or any(
        label in labels and start < ceiling and floor < end
        for labels, start, end in reading.blocked
    )


def _best_of_label(
    reading: _Reading, group: Sequence[_Candidate], label: str
) -> tuple[_Candidate, float] | None:
    """The best trigger match of ``label``: one whose requirements are met, else any."""
    matches = [c for c in group if c.trigger.label == label]
    met = [c for c in matches if _requirements_met(reading, c)]
    ranked = [(_score(reading, c), -c.start, c) for c in met or matches]
    if not ranked:
        return None
    score, _, winner = max(ranked, key=lambda r: r[:2])
    return winner, score


def _bare_event(reading: _Reading, span: tuple[int, int], label: str, confidence: float) -> Event:
    """An event no trigger names: its person (or, for company news, its organisation) is
    the first one the sentence names; what kind of event it is stays unsaid."""
    floor, ceiling = span
    chunks = [c for c in reading.chunks if floor <= c.start < ceiling]
    person = next((c.text for c in chunks if c.person), None)
    company = next((c.text for c in chunks if c.org), None)
    news = label == "company_news"
    return Event(
        label=label,
        event=None,
        person=None if news else person,
        new_employer=None,
        old_employer=None,
        new_title=None,
        confidence=confidence,
        language=reading.rules.language,
        company=company if news else None,
    )


def _read_any_language(text: str, language: str | None) -> tuple[list[Event], bool, str]:
    """The events of one text in the language given, else the one its words suggest."""
    if language in LANGUAGES:
        return (*_read(text, str(language)), str(language))
    scores = _language_scores(text)
    detected, other = ("nl", "en") if scores["nl"] > scores["en"] else ("en", "nl")
    events, matched = _read(text, detected)
    if events or (scores[other][0] == 0 and scores[detected][0] > 0):
        return events, matched, detected
    # Mixed or too short to tell ("... uitgeroepen tot Business Woman of the Year"):
    # the other language's rules get a turn.
    second, matched_second = _read(text, other)
    if second:
        return second, True, other
    return events, matched or matched_second, detected


def _same_news(kept: Event, other: Event) -> bool:
    """Whether two events are one piece of news told twice (a headline and its summary):
    one person's job change or award, or the same kind of news about one company."""
    if kept.label != other.label:
        return False
    if kept.label != "company_news" and other.person:
        return fold(kept.person or "") == fold(other.person)
    return kept.event == other.event and other.company in (None, kept.company)


def _merged(events: Sequence[Event]) -> list[Event]:
    """Events best first, a piece of news told twice kept once, its gaps filled."""
    ordered = sorted(events, key=lambda e: -e.confidence)  # stable: text order within a tie
    kept: list[Event] = []
    for event in ordered:
        twin = next((i for i, k in enumerate(kept) if _same_news(k, event)), None)
        if twin is None:
            kept.append(event)
        else:
            kept[twin] = _filled(kept[twin], event)
    return kept


def _filled(kept: Event, other: Event) -> Event:
    """``kept`` with the parts it misses taken from ``other``."""
    parts = ("person", "new_employer", "old_employer", "new_title", "company")
    return replace(kept, **{p: getattr(kept, p) or getattr(other, p) for p in parts})


MAX_TEXT_CHARS = 4_000
"""Characters of a text that are read: a feed item's title and the start of its summary,
where news says who moves where. The slot reading grows worse than quadratically in a
long sentence of names and connectors ('De opvolger van X van Y ...': 12,000 characters
took 4 s of CPU), and a hostile feed may hand over a summary of a megabyte; 4,000
characters of that shape cost 0.2 s."""


def _readings(text: str, language: str | None) -> list[tuple[list[Event], bool, str]]:
    """Each line of ``text`` read apart: a line break separates a feed item's title and
    summary, so a name or an employer never runs from one into the next. Only the first
    ``MAX_TEXT_CHARS`` are read."""
    parts = [" ".join(line.split()) for line in text[:MAX_TEXT_CHARS].splitlines()]
    return [_read_any_language(part, language) for part in parts if part]


def events_in(text: str, language: str | None = None) -> list[Event]:
    """Every event ``text`` reports, best first; empty when it reports none."""
    return _merged([event for found, _, _ in _readings(text, language) for event in found])


def classify(text: str, language: str | None = None) -> Event:
    """What ``text`` reports: its best job change, award or company news, or none of these."""
    readings = _readings(text, language)
    events = _merged([event for found, _, _ in readings for event in found])
    if events:
        return events[0]
    confidence = 0.6 if any(matched for _, matched, _ in readings) else 0.9
    said = readings[0][2] if readings else str(language if language in LANGUAGES else "en")
    return Event(NONE, None, None, None, None, None, confidence, said)
