"""The words a draft is made of: the tone news calls for, when we last spoke, the topic of
that conversation addressed to the member, an award's name, and which variant to use.

Pure functions of (facts, language, today); the templates in ``workers/templates/drafts``
put the pieces together.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum


class Tone(StrEnum):
    """How a message about this news should sound."""

    CHEER = "cheer"
    """Congratulations: a new role, a promotion, an award, funding, expansion."""
    INTEREST = "interest"
    """Curious, not cheering: their employer bought or merged, published results."""
    CARE = "care"
    """No congratulations: layoffs, a reorganisation, a bankruptcy, a departure."""


_CARE_EVENTS = frozenset({"layoffs", "reorganisation", "bankruptcy", "departure"})
_INTEREST_EVENTS = frozenset({"acquisition", "merger", "results"})


def tone_for(kind: str, event: str | None) -> Tone:
    """The tone of a moment of ``kind`` about an ``event`` (the detected event type)."""
    if event in _CARE_EVENTS:
        return Tone.CARE
    if event in _INTEREST_EVENTS:
        return Tone.INTEREST
    if kind in ("congratulate_new_role", "congratulate_award"):
        return Tone.CHEER
    if kind == "company_news":
        return Tone.CHEER if event in ("funding", "expansion") else Tone.INTEREST
    return Tone.INTEREST


_SEASONS = {
    "nl": ("de winter", "het voorjaar", "de zomer", "het najaar"),
    "en": ("winter", "spring", "summer", "autumn"),
}
_MONTHS = {
    "nl": (
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
RECENT_DAYS = 100
"""Within about three months the month is named; further back, the season."""


def month_and_year(day: date, language: str) -> str:
    """ "maart 2024" / "March 2024"."""
    return f"{_MONTHS[language if language in _MONTHS else 'en'][day.month - 1]} {day.year}"


def when_we_spoke(last: date | None, today: date, language: str) -> str | None:
    """ "in oktober" for a recent conversation, "in het voorjaar" / "last spring" for an
    older one in the past year, "vorig jaar" / "last year" before that."""
    if last is None or last > today:
        return None
    lang = language if language in _MONTHS else "en"
    days = (today - last).days
    if days <= RECENT_DAYS:
        month = _MONTHS[lang][last.month - 1]
        return f"in {month}"
    if days <= 365:
        season = _SEASONS[lang][(last.month % 12) // 3]
        return f"in {season}" if lang == "nl" else f"last {season}"
    return "vorig jaar" if lang == "nl" else "last year"


_EN_POSSESSIVE = re.compile(r"^(?:her|his|their)\s+", re.IGNORECASE)
_EN_THIRD = re.compile(r"\b(?:she|he|they|her|him|his|them|hers|herself|himself)\b", re.I)
_NL_POSSESSIVE = re.compile(r"^(?:haar|zijn|hun)\s+", re.IGNORECASE)
_NL_THIRD = re.compile(r"\b(?:zij|ze|hij|haar|hem|hun|zichzelf)\b", re.IGNORECASE)


def topic_for_member(topic: str | None, language: str, *, formal: bool = False) -> str | None:
    """The topic of the last conversation, fit to say to the member: "her plans to build a
    team" becomes "your plans to build a team"; a topic with any other third-person word
    ("what she wants next") is left out rather than said wrong."""
    if not topic:
        return None
    text = " ".join(topic.split()).rstrip(".")
    if language == "nl":
        text = _NL_POSSESSIVE.sub("uw " if formal else "je ", text, count=1)
        third = _NL_THIRD
    else:
        text = _EN_POSSESSIVE.sub("your ", text, count=1)
        third = _EN_THIRD
    if third.search(text):
        return None
    return text


def topic_reads_badly(topic: str | None, language: str) -> bool:
    """Whether a topic from the pool file would be left out of drafts (worth a warning)."""
    return bool(topic) and topic_for_member(topic, language) is None


_AWARD = re.compile(
    r"\b((?:[A-Z][\w'’-]*\s+){0,4}[\w'’-]*(?:[Pp]rijs|[Aa]ward|[Pp]rize|[Tt]rofee|[Pp]remie)"
    r"(?:\s+\d{4})?)\b"
)
_ORDER = re.compile(r"\b((?:Ridder|Officier|Lid|Commandeur) in de Orde van [A-Z][\w-]+)")


def award_name(headline: str) -> str | None:
    """The name of the award a headline reports ("de Nationale Innovatieprijs", "the
    Queen's Award"), when it names one; else None."""
    order = _ORDER.search(headline)
    if order:
        return order.group(1)
    found = _AWARD.search(headline)
    if found is None:
        return None
    name = found.group(1).strip()
    if name.lower() in ("prijs", "award", "prize", "trofee", "premie"):
        return None
    return name if len(name) <= 60 else None


def variant(sequence: int, count: int) -> int:
    """Which of ``count`` phrasings the ``sequence``-th message to a member uses: each next
    message another one than the last."""
    return sequence % count if count > 0 else 0
