"""The learned model: a linear classifier over a sentence's words and the rules' findings.

The rules were written on the tuning half of the real data and know its sentences well;
on sentences from other sites they miss phrasings nobody wrote a trigger for. A small
multinomial logistic regression (trained by ``bench/train_signals.py`` with scikit-learn,
on the tuning half and the old development set only) reads each sentence's words, word
pairs and letter runs together with what the rules found in it (whether a job title, a
person or an organisation is named; which triggers matched and won are left out, since
the rules were written on the very texts the model learns from). Where the rules say
none, or another label, and the model is sure enough of an event, it adds that event;
the rules still fill its parts, and a negative (a vacancy, speculation) still rules it out.

The trained weights are plain data in ``sources/rules/model.json`` and inference is a few
dictionary look-ups written here, so detection needs neither scikit-learn nor numpy at run
time and costs tens of microseconds a sentence. The file also holds, per label, an
increasing curve from the model's probability to the share of events that were right in
cross-validation (out-of-fold, so not the training fit): that is the confidence stated.
Detection uses it only when turned on (``use_model``, from the setting
``KEEPWARM_EVENT_MODEL``); otherwise, or without the file, detection is the rules alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

from sources.events.calibration import interpolated

MODEL_FILE = "model.json"
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class FeatureSpec:
    """Which kinds of features a model reads."""

    words: bool = True
    pairs: bool = True
    letters: tuple[int, ...] = (3, 4, 5)  # lengths of letter runs inside " word "
    rules: tuple[str, ...] = ("title", "person", "org")  # kinds of the rules' findings read


@dataclass(frozen=True)
class Model:
    """A trained linear model: one weight per feature and label, and calibration curves."""

    labels: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    spec: FeatureSpec
    curves: Mapping[str, tuple[tuple[float, float], ...]]
    overrides: Mapping[str, float]  # per label, the probability from which it overrules the rules

    def logits(self, features: Iterable[str]) -> list[float]:
        """The score of each label: its intercept plus the weights of the features present."""
        rows = [w for f in features if (w := self.weights.get(f)) is not None]
        sums = [sum(column) for column in zip(*rows, strict=True)] if rows else None
        return (
            [b + s for b, s in zip(self.intercepts, sums, strict=True)]
            if sums
            else [*self.intercepts]
        )

    def probabilities(self, features: Iterable[str]) -> dict[str, float]:
        """The probability of each label (softmax of the logits)."""
        logits = self.logits(features)
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def confidence(self, label: str, probability: float) -> float:
        """The stated confidence of an event of ``label`` the model gives ``probability``."""
        points = self.curves.get(label)
        return round(interpolated(points, probability) if points else probability, 2)

    def contributions(self, features: Iterable[str], label: str) -> list[tuple[str, float]]:
        """The features present, by how much each pushes towards ``label`` over the others
        (its weight for ``label`` minus its mean weight for the other labels), largest first."""
        at = self.labels.index(label)
        others = len(self.labels) - 1
        found = []
        for feature in sorted(set(features)):
            weights = self.weights.get(feature)
            if weights is not None:
                rest = (sum(weights) - weights[at]) / others
                found.append((feature, round(weights[at] - rest, 4)))
        return sorted(found, key=lambda f: -f[1])


def features(
    text: str, language: str, rule_findings: Iterable[str], spec: FeatureSpec
) -> list[str]:
    """The features of one sentence: its words, word pairs and letter runs (folded), its
    language and the rules' findings (``rule_findings``, names such as "win:job_change")."""
    words = _TOKEN.findall(text.casefold())
    found = [f"lang:{language}"]
    if spec.words:
        found += [f"w:{w}" for w in words]
    if spec.pairs:
        found += [f"p:{a} {b}" for a, b in pairwise(words)]
    for n in spec.letters:
        for word in words:
            padded = f" {word} "
            found += [f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1)]
    found += [f"r:{f}" for f in rule_findings if f.split(":", 1)[0] in spec.rules]
    return found


def to_data(model: Model) -> dict[str, object]:
    """A model as plain JSON values (the inverse of ``from_data``)."""
    return {
        "labels": list(model.labels),
        "intercepts": list(model.intercepts),
        "spec": {
            "words": model.spec.words,
            "pairs": model.spec.pairs,
            "letters": list(model.spec.letters),
            "rules": list(model.spec.rules),
        },
        "curves": {label: [list(p) for p in points] for label, points in model.curves.items()},
        "overrides": dict(model.overrides),
        "weights": {f: list(w) for f, w in sorted(model.weights.items())},
    }


def from_data(raw: Mapping[str, object]) -> Model:
    """A model from the JSON values ``to_data`` wrote."""
    spec = raw["spec"]
    weights = raw["weights"]
    curves = raw.get("curves") or {}
    overrides = raw.get("overrides") or {}
    assert isinstance(spec, dict) and isinstance(weights, dict) and isinstance(curves, dict)
    assert isinstance(overrides, dict)
    labels = tuple(str(label) for label in _sequence(raw["labels"]))
    return Model(
        labels=labels,
        intercepts=tuple(float(v) for v in _sequence(raw["intercepts"])),
        weights={str(f): tuple(float(v) for v in w) for f, w in weights.items()},
        spec=FeatureSpec(
            words=bool(spec["words"]),
            pairs=bool(spec["pairs"]),
            letters=tuple(int(n) for n in spec["letters"]),
            rules=tuple(str(kind) for kind in spec["rules"]),
        ),
        curves={
            str(label): tuple((float(s), float(p)) for s, p in points)
            for label, points in curves.items()
        },
        overrides={str(label): float(p) for label, p in overrides.items()},
    )


def _sequence(value: object) -> Sequence[Any]:
    assert isinstance(value, list)
    return value


_switch = {"on": False}


def use_model(on: bool) -> None:
    """Turn the model on or off for this process (``App.build`` does, from the setting
    ``KEEPWARM_EVENT_MODEL``, so the config file and the environment both reach it)."""
    _switch["on"] = on


def enabled() -> bool:
    """Whether detection uses the model: off unless turned on, since on the held-out half
    it did not yet do clearly better than the rules (see README)."""
    return _switch["on"]


@cache
def shipped_model() -> Model | None:
    """The model in ``sources/rules/model.json``, loaded once; None when there is none."""
    resource = resources.files("sources").joinpath("rules", MODEL_FILE)
    if not resource.is_file():
        return None
    return from_data(json.loads(resource.read_text(encoding="utf-8")))


def active_model() -> Model | None:
    """The model detection uses now, or None for the rules alone."""
    return shipped_model() if enabled() else None
