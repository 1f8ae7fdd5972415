"""Measure event detection: the real data's two halves, the old development set, calibration, speed.

Usage: .venv/bin/python bench/eval_signals.py [FILE] [--errors]

Without FILE it reports, and writes to bench/results/eval_signals.json:

- the real development data (tests/data/signals-real-nl.jsonl and -en.jsonl), its tuning
  half and its held-out half apart, per language and per label: precision, recall, and
  for job changes the person and the new employer extracted where the text itself names
  them (the record may fill them from the page title or a neighbouring sentence; a job
  change the reader missed counts as wrong); the held-out half is the figure to quote,
  checked against the targets of issue 15 with each gap named. Slots are compared
  normalised: a person by the folded names without a leading honorific ("Dr", "mevrouw"),
  in any order; an employer by ``company_key`` without a leading "the", "de" or "het" (case,
  accents and legal suffixes do not count); a title folded, without leading articles and
  "new";
- the old development set (tests/data/corpus/signals-dev.jsonl);
- a reliability table: the stated confidence of the events said, in bins, against the
  share of them that were right, on the development data (tuning half and old set) and on
  the held-out half;
- classification speed: sentences per second of CPU on one core, rules already loaded;
- the held-out half read by the rules alone and with the learned model
  (bench/model_comparison.py), target by target.

The rest of the report is detection as configured: the rules alone unless
KEEPWARM_EVENT_MODEL=on.

With FILE, the scores of that one labelled file. ``--errors`` lists the wrong labels and
extractions of the tuning half and the old set (never of the held-out half, whose texts
are not to be read while writing rules).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.names import company_key, fold
from sources.events import Event, classify

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT / "tests/data/corpus/signals-dev.jsonl"
REAL_FILES = {lang: ROOT / f"tests/data/signals-real-{lang}.jsonl" for lang in ("nl", "en")}
RESULTS = ROOT / "bench/results/eval_signals.json"
LABELS = ("job_change", "company_news", "award", "none")
FIELDS = ("person", "new_employer", "new_title")
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
TARGETS = (  # (label or field, language or None for both, measure, at least)
    ("job_change", "nl", "precision", 0.9),
    ("job_change", "nl", "recall", 0.8),
    ("job_change", "en", "precision", 0.9),
    ("job_change", "en", "recall", 0.8),
    ("award", None, "precision", 0.9),
    ("award", None, "recall", 0.8),
    ("company_news", None, "precision", 0.85),
    ("company_news", None, "recall", 0.75),
    ("person", None, "accuracy", 0.85),
    ("new_employer", None, "accuracy", 0.75),
)
SPEED_TARGET = 2000.0

Record = dict[str, object]


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one label, with its support and how often it was said."""

    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def load(path: Path) -> list[Record]:
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


# Honorifics and forms of address are not part of a name: the labellers wrote "Mevrouw
# Greet Visser" as "Greet Visser" but kept "Dr Wanda Austin"; a reader is not scored on that.
_HONORIFIC = re.compile(
    r"^(?:(?:dr|prof|mr|mrs|ms|miss|sir|dame|mevrouw|mevr|mw|de heer|heer|dhr|drs|ir|ing)\s+)+"
)


def _person(value: str) -> str:
    """A person slot compared by its names, each folded and without a leading honorific, in
    any order ("A; B" equals "B; A")."""
    names = (_HONORIFIC.sub("", fold(name)) for name in value.split(";"))
    return "; ".join(sorted(name for name in names if name))


def _employer(value: str) -> str:
    return company_key(re.sub(r"^\s*(?:the|de|het)\s+", "", value, flags=re.IGNORECASE))


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


def named_in(gold: object, text: str) -> bool:
    """Whether every name of a gold value ("A; B") is written in the text itself, not only
    in the page's title or a neighbouring sentence."""
    names = [n for n in str(gold or "").split(";") if n.strip()]
    folded = fold(text)
    return bool(names) and all(
        fold(re.sub(r"^\s*the\s+", "", n, flags=re.I)) in folded for n in names
    )


def _share(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 1.0


def extraction_accuracy(
    records: Iterable[Record], events: Iterable[Event]
) -> dict[str, tuple[float, float, float, float]]:
    """Per field, over gold job changes: (accuracy over all, where the gold value is filled,
    where the text itself names the gold value, and that where the job change was found)."""
    pairs = [(r, e) for r, e in zip(records, events, strict=True) if r["label"] == "job_change"]
    result = {}
    for name in FIELDS:
        hits = [same(name, r.get(name), getattr(e, name)) for r, e in pairs]
        filled = [h for (r, _), h in zip(pairs, hits, strict=True) if r.get(name)]
        named = [
            h
            for (r, _), h in zip(pairs, hits, strict=True)
            if named_in(r.get(name), str(r["text"]))
        ]
        found = [
            h
            for (r, e), h in zip(pairs, hits, strict=True)
            if named_in(r.get(name), str(r["text"])) and e.label == "job_change"
        ]
        result[name] = (_share(hits), _share(filled), _share(named), _share(found))
    return result


def _classified(records: Sequence[Record]) -> list[Event]:
    """The best event of every record's text."""
    return [classify(str(r["text"]), str(r.get("language") or "") or None) for r in records]


def _warm_up() -> None:
    classify("warm-up: the rules load once", "en")
    classify("opwarmen: de regels worden eenmaal geladen", "nl")


def evaluate(
    path: Path,
) -> tuple[dict[str, Scores], dict[str, tuple[float, float, float, float]], float]:
    """Per-label scores, extraction accuracy and microseconds per text for one file."""
    records = load(path)
    _warm_up()
    started = time.perf_counter()
    events = _classified(records)
    micros = (time.perf_counter() - started) / max(len(records), 1) * 1e6
    scores, extraction = score_records(records, events)
    return scores, extraction, micros


def score_records(
    records: Sequence[Record], events: Sequence[Event]
) -> tuple[dict[str, Scores], dict[str, tuple[float, float, float, float]]]:
    """Per-label scores and extraction accuracy of records and the events said for them."""
    gold = [str(r["label"]) for r in records]
    predicted = [e.label for e in events]
    scores = {label: label_scores(gold, predicted, label) for label in LABELS}
    return scores, extraction_accuracy(records, events)


def reliability(
    records: Sequence[Record], events: Sequence[Event]
) -> list[dict[str, float | int | str]]:
    """Per confidence bin of the events said (label not none): count, mean stated, share right."""
    rows: list[dict[str, float | int | str]] = []
    said = [(e.confidence, e.label == r["label"]) for r, e in zip(records, events, strict=True)]
    said = [(c, right) for (c, right), e in zip(said, events, strict=True) if e.label != "none"]
    for low, high in pairwise(BINS):
        inside = [(c, right) for c, right in said if low <= c < high]
        if inside:
            rows.append(
                {
                    "bin": f"{low:.1f}-{min(high, 1.0):.1f}",
                    "events": len(inside),
                    "stated": sum(c for c, _ in inside) / len(inside),
                    "right": sum(right for _, right in inside) / len(inside),
                }
            )
    return rows


def speed(texts: Sequence[tuple[str, str | None]], rounds: int = 3) -> float:
    """Sentences classified per second of this process's CPU (one core), rules loaded."""
    _warm_up()
    started = time.process_time()
    for _ in range(rounds):
        for text, language in texts:
            classify(text, language)
    return rounds * len(texts) / max(time.process_time() - started, 1e-9)


def _report(records: Sequence[Record], events: Sequence[Event]) -> dict[str, object]:
    """The scores of a set of records as plain values."""
    scores, extraction = score_records(records, events)
    return {
        "records": len(records),
        "labels": {label: asdict(s) for label, s in scores.items()},
        "extraction": {
            name: {"all": overall, "filled": filled, "named": named, "found": found}
            for name, (overall, filled, named, found) in extraction.items()
        },
    }


def _print_scores(title: str, report: dict[str, object]) -> None:
    labels = report["labels"]
    extraction = report["extraction"]
    assert isinstance(labels, dict) and isinstance(extraction, dict)
    print(f"\n{title} ({report['records']} records)")
    print(f"  {'label':<14}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}{'said':>6}")
    for label, s in labels.items():
        figures = f"{s['precision']:>10.3f}{s['recall']:>8.3f}{s['f1']:>7.3f}"
        if not s["support"] and not s["predicted"]:
            figures = f"{'n/a':>10}{'n/a':>8}{'n/a':>7}"
        print(f"  {label:<14}{figures}{s['support']:>9}{s['predicted']:>6}")
    person, employer = extraction["person"], extraction["new_employer"]
    print(
        f"  job changes, where the text names them: person {person['named']:.3f} "
        f"({person['found']:.3f} of those found), new employer {employer['named']:.3f} "
        f"({employer['found']:.3f} of those found), title {extraction['new_title']['named']:.3f}"
    )


def _print_reliability(title: str, rows: Sequence[dict[str, float | int | str]]) -> None:
    print(f"\nreliability, {title}: stated confidence against the share right")
    print(f"  {'bin':<10}{'events':>8}{'stated':>9}{'right':>8}")
    for row in rows:
        print(f"  {row['bin']:<10}{row['events']:>8}{row['stated']:>9.2f}{row['right']:>8.2f}")


def _target_checks(heldout: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    """Each target of issue 15 against the held-out half, with its gap."""
    checks = []
    for name, language, measure, least in TARGETS:
        report = heldout[language or "all"]
        if measure == "accuracy":
            extraction = report["extraction"]
            assert isinstance(extraction, dict)
            value = extraction[name]["named"]
        else:
            labels = report["labels"]
            assert isinstance(labels, dict)
            value = labels[name][measure]
        checks.append(
            {
                "target": f"{name} {measure}" + (f" ({language})" if language else ""),
                "least": least,
                "value": round(float(value), 3),
                "met": float(value) >= least,
                "gap": round(max(0.0, least - float(value)), 3),
            }
        )
    return checks


def print_errors(records: Sequence[Record], events: Sequence[Event]) -> None:
    """Every wrong label and every wrong extracted field, one line each."""
    for record, event in zip(records, events, strict=True):
        text = str(record["text"])[:110]
        if event.label != record["label"]:
            print(f"LABEL {record['id']} gold={record['label']} got={event.label}: {text}")
        elif record["label"] == "job_change":
            for name in FIELDS:
                found = getattr(event, name)
                if not same(name, record.get(name), found):
                    print(f"FIELD {record['id']} {name}: gold={record.get(name)!r} got={found!r}")


def _one_file(path: Path, show_errors: bool) -> int:
    records = load(path)
    _warm_up()
    events = _classified(records)
    _print_scores(str(path), _report(records, events))
    if show_errors:
        print()
        print_errors(records, events)
    return 0


def main(argv: Sequence[str]) -> int:
    """Print every report and write bench/results/eval_signals.json."""
    args = [a for a in argv if not a.startswith("--")]
    if args:
        return _one_file(Path(args[0]), "--errors" in argv)
    _warm_up()
    real = [r for path in REAL_FILES.values() if path.exists() for r in load(path)]
    dev = load(DEFAULT_FILE)
    events = dict(zip(map(id, real + dev), _classified(real + dev), strict=True))
    halves: dict[str, dict[str, dict[str, object]]] = {}
    for half in ("tune", "heldout"):
        halves[half] = {}
        for language in ("nl", "en", "all"):
            chosen = [r for r in real if r["split"] == half and language in ("all", r["language"])]
            report = _report(chosen, [events[id(r)] for r in chosen])
            halves[half][language] = report
            _print_scores(f"real data, {half} half, {language}", report)
    dev_report = _report(dev, [events[id(r)] for r in dev])
    _print_scores("old development set", dev_report)
    development = [r for r in real if r["split"] == "tune"] + dev
    heldout = [r for r in real if r["split"] == "heldout"]
    tables = {
        "development (tuning half and old set)": reliability(
            development, [events[id(r)] for r in development]
        ),
        "held-out half": reliability(heldout, [events[id(r)] for r in heldout]),
    }
    for title, rows in tables.items():
        _print_reliability(title, rows)
    texts = [(str(r["text"]), str(r.get("language") or "") or None) for r in real + dev]
    per_second = speed(texts)
    print(f"\nspeed: {per_second:,.0f} sentences/s of CPU on one core (target {SPEED_TARGET:,.0f})")
    from bench.model_comparison import compare

    comparison = compare(heldout)
    checks = _target_checks(halves["heldout"])
    print("\ntargets on the held-out half")
    for check in checks:
        verdict = "met" if check["met"] else f"GAP {check['gap']:.3f}"
        print(f"  {check['target']:<32}{check['value']:>7.3f}  (>= {check['least']})  {verdict}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "real": halves,
                "dev": dev_report,
                "reliability": tables,
                "sentences_per_second": round(per_second),
                "targets": checks,
                "model_comparison": comparison,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    if "--errors" in argv:
        print()
        tune = [r for r in real if r["split"] == "tune"]
        print_errors(tune + dev, [events[id(r)] for r in tune + dev])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
