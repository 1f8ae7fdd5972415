"""What the learned model sees and says, sentence by sentence: for training and ``explain``.

``text_features`` reads a whole labelled text as one unit (the way the training data is
labelled); ``sentence_decisions`` reads a text the way ``classify`` does, one sentence at
a time, and keeps each sentence's probabilities and the features that weighed most.
"""

from __future__ import annotations

from dataclasses import dataclass

from sources.events.classify import span_features
from sources.events.learned import FeatureSpec, Model
from sources.events.reading import _Candidate, _candidates, _keyword_masks, _Reading
from sources.events.rules import _rules


def _reading(text: str, language: str) -> tuple[_Reading, list[_Candidate]]:
    reading = _Reading(text, _rules(language))
    candidates = _candidates(reading)
    reading.masks = _keyword_masks(reading, candidates)
    return reading, candidates


def text_features(text: str, language: str, spec: FeatureSpec) -> list[str]:
    """The model's features of a whole text read as one unit, with ``language``'s rules."""
    reading, candidates = _reading(" ".join(text.split()), language)
    return span_features(reading, (0, len(reading.text)), candidates, spec)[0]


@dataclass(frozen=True)
class Decision:
    """The model's view of one sentence: its label, the probabilities and why."""

    sentence: str
    label: str
    probabilities: dict[str, float]
    reasons: list[tuple[str, float]]  # the features present, by their push towards label


def sentence_decisions(text: str, language: str, model: Model, top: int = 8) -> list[Decision]:
    """The model's decision for each sentence of each line of ``text``."""
    decisions = []
    for line in text.splitlines():
        part = " ".join(line.split())
        if not part:
            continue
        reading, candidates = _reading(part, language)
        for span in reading.sentences:
            group = [c for c in candidates if reading.sentence(c.start) == span]
            found, _ = span_features(reading, span, group, model.spec)
            probabilities = model.probabilities(found)
            label = max(probabilities, key=lambda name: probabilities[name])
            reasons = model.contributions(found, label)[:top]
            sentence = reading.text[span[0] : span[1]]
            decisions.append(Decision(sentence, label, probabilities, reasons))
    return decisions
