"""Which language a text is in: each language's common words, then its typical letter groups."""

from __future__ import annotations

import re

from sources.events.event import LANGUAGES
from sources.events.rules import _rules

_WORDS = re.compile(r"[a-zà-ÿ]+")


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
