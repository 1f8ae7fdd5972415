"""Measure event detection on a labelled JSONL file: P/R/F1 per label, extraction accuracy.

Usage: .venv/bin/python bench/eval_signals.py [FILE] [--errors]

FILE defaults to tests/data/corpus/signals-dev.jsonl, a copy of the shared corpus
(records with ``text``, ``language``, ``label`` and, for job changes, ``person``,
``new_employer`` and ``new_title``). ``--errors`` also lists every wrong label and extraction.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.names import company_key, fold
from sources.events import Event, classify

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "tests/data/corpus/signals-dev.jsonl"
LABELS = ("job_change", "company_news", "award", "none")
FIELDS = ("person", "new_employer", "new_title")


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one label, with its support and how often it was said."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def load(path: Path) -> list[dict[str, object]]:
    """The records of a JSONL file."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def label_scores(gold: Sequence[str], predicted: Sequence[str], label: str) -> Scores:
    """Precision, recall and F1 of ``label``."""
    pairs = list(zip(gold, predicted, strict=True))
    true_pos = sum(g == p == label for g, p in pairs)
    predicted_pos = sum(p == label for _, p in pairs)
    gold_pos = sum(g == label for g, _ in pairs)
    precision = true_pos / predicted_pos if predicted_pos else 1.0
    recall = true_pos / gold_pos if gold_pos else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, gold_pos, predicted_pos)


def _person(value: str) -> str:
    return fold(value)


def _employer(value: str) -> str:
    return company_key(re.sub(r"^\s*the\s+", "", value, flags=re.IGNORECASE))


def _title(value: str) -> str:
    return re.sub(r"^(?:(?:its|new|next|the|a|an)\s+)+", "", fold(value))


NORMALISERS: dict[str, Callable[[str], str]] = {
    "person": _person,
    "new_employer": _employer,
    "new_title": _title,
}


def same(field_name: str, gold: object, found: str | None) -> bool:
    """Whether an extracted value equals the gold one (both empty counts as equal)."""
    if not gold or not found:
        return not gold and not found
    normalise = NORMALISERS[field_name]
    return normalise(str(gold)) == normalise(found)


def extraction_accuracy(
    records: Iterable[dict[str, object]], events: Iterable[Event]
) -> dict[str, tuple[float, float]]:
    """Per field: (accuracy over gold job changes, accuracy where the gold value is filled)."""
    pairs = [(r, e) for r, e in zip(records, events, strict=True) if r["label"] == "job_change"]
    result = {}
    for name in FIELDS:
        hits = [same(name, r.get(name), getattr(e, name)) for r, e in pairs]
        filled = [h for (r, _), h in zip(pairs, hits, strict=True) if r.get(name)]
        result[name] = (
            sum(hits) / len(hits) if hits else 1.0,
            sum(filled) / len(filled) if filled else 1.0,
        )
    return result


def evaluate(path: Path) -> tuple[dict[str, Scores], dict[str, tuple[float, float]], float]:
    """Per-label scores, extraction accuracy and microseconds per text for one file."""
    records = load(path)
    classify("warm-up: the rules load once", "en")
    classify("opwarmen: de regels worden eenmaal geladen", "nl")
    started = time.perf_counter()
    events = [classify(str(r["text"]), str(r.get("language") or "") or None) for r in records]
    micros = (time.perf_counter() - started) / max(len(records), 1) * 1e6
    gold = [str(r["label"]) for r in records]
    predicted = [e.label for e in events]
    scores = {label: label_scores(gold, predicted, label) for label in LABELS}
    return scores, extraction_accuracy(records, events), micros


def print_errors(path: Path) -> None:
    """Every wrong label and every wrong extracted field, one line each."""
    for record in load(path):
        event = classify(str(record["text"]), str(record.get("language") or "") or None)
        text = str(record["text"])[:110]
        if event.label != record["label"]:
            print(f"LABEL {record['id']} gold={record['label']} got={event.label}: {text}")
        elif record["label"] == "job_change":
            for name in FIELDS:
                found = getattr(event, name)
                if not same(name, record.get(name), found):
                    print(f"FIELD {record['id']} {name}: gold={record.get(name)!r} got={found!r}")


def main(argv: Sequence[str]) -> int:
    """Print the scores of one labelled file."""
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT_FILE
    scores, extraction, micros = evaluate(path)
    print(f"{path} ({sum(s.support for s in scores.values())} records)")
    print(f"{'label':<14}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}{'said':>6}")
    for label, s in scores.items():
        figures = f"{s.precision:>10.3f}{s.recall:>8.3f}{s.f1:>7.3f}"
        if not s.support and not s.predicted:
            figures = f"{'n/a':>10}{'n/a':>8}{'n/a':>7}"
        print(f"{label:<14}{figures}{s.support:>9}{s.predicted:>6}")
    print("\nextraction on gold job changes (all / where the gold value is filled)")
    for name, (overall, filled) in extraction.items():
        print(f"{name:<14}{overall:>8.3f}{filled:>8.3f}")
    print(f"\nclassify: {micros:.0f} µs per text on average (rules already loaded)")
    if "--errors" in argv:
        print()
        print_errors(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
