"""Fit the confidence calibration of event detection on the development data.

Usage: .venv/bin/python bench/calibrate.py

Reads the tuning half of the real data (tests/data/signals-real-*.jsonl, split "tune") and
the old development set, classifies each text with calibration switched off, and fits per
label an increasing curve from the rule score to the share of events with that score that
were right (the label said is the gold label): pool-adjacent-violators isotonic regression,
each block's share smoothed by one right and one wrong event so that a handful of examples
never states 0 or 1. Writes sources/rules/calibration.toml, which sources.events.calibration
reads. The held-out half is never read here; bench/eval_signals.py shows how well the curve
holds on it (its reliability table).

The fit is a dozen lines written here rather than scikit-learn's IsotonicRegression so that
the package has no run-time dependency on scikit-learn for a table of a few points.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sources.events import calibration, classify
from sources.events.learned import use_model

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "sources/rules/calibration.toml"
SOURCES = [*sorted((ROOT / "tests/data").glob("signals-real-*.jsonl"))]
DEV = ROOT / "tests/data/corpus/signals-dev.jsonl"


def development_records() -> list[dict[str, object]]:
    """The tuning half of the real data and the old development set."""
    records = []
    for path in [*SOURCES, DEV]:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record.get("split", "tune") == "tune":
                    records.append(record)
    return records


def isotonic(pairs: list[tuple[float, bool]]) -> list[tuple[float, float]]:
    """Points of an increasing fit of share right over score: each block's ends, by score."""
    blocks: list[list[float]] = []  # [lowest score, highest score, right, count]
    for score, right in sorted(pairs):
        blocks.append([score, score, float(right), 1.0])
        while len(blocks) > 1 and _share(blocks[-2]) >= _share(blocks[-1]):
            top = blocks.pop()
            blocks[-1] = [blocks[-1][0], top[1], blocks[-1][2] + top[2], blocks[-1][3] + top[3]]
    points = []
    for low, high, right, count in blocks:  # flat across a block, linear between blocks
        share = _share([low, high, right, count])
        points += [(low, share)] if low == high else [(low, share), (high, share)]
    return points


def _share(block: list[float]) -> float:
    return (block[2] + 1) / (block[3] + 2)


def main() -> int:
    """Fit and write the curves; print them."""
    calibration._curves = lambda: {}  # the raw rule scores
    use_model(False)  # the rules' scores only: the model has its own
    pairs: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for record in development_records():
        event = classify(str(record["text"]), str(record.get("language") or "") or None)
        if event.label != "none":
            pairs[event.label].append((event.confidence, event.label == record["label"]))
    lines = [
        "# Written by bench/calibrate.py from the tuning half of the real data and the old",
        "# development set: per label, (rule score, share of events with that score that were",
        "# right). Re-run it after changing the rules; do not edit by hand.",
    ]
    for label in sorted(pairs):
        points = isotonic(pairs[label])
        rendered = ", ".join(f"[{score:.3f}, {share:.3f}]" for score, share in points)
        lines += ["", f"[{label}]", f"events = {len(pairs[label])}", f"points = [{rendered}]"]
        print(f"{label}: {len(pairs[label])} events, {rendered}")
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"written to {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
