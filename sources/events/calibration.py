"""Calibrated confidence: a rule score turned into how often events with that score are right.

A trigger's weight and its bonuses rank matches well but are not probabilities. The
table in ``sources/rules/calibration.toml`` maps scores to the share of events that
were right on the tuning half of the real development data, per label, as points of an
increasing curve (written by ``bench/calibrate.py``, an isotonic fit); between points the
value is interpolated. Without a table for a label the score is given as it is.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

CALIBRATION_FILE = "calibration.toml"


@cache
def _curves() -> Mapping[str, tuple[tuple[float, float], ...]]:
    """Per label, the (score, share right) points of its curve, by score."""
    resource = resources.files("sources").joinpath("rules", CALIBRATION_FILE)
    if not resource.is_file():
        return {}
    raw = tomllib.loads(resource.read_text(encoding="utf-8"))
    return {
        label: tuple(sorted((float(s), float(p)) for s, p in spec["points"]))
        for label, spec in raw.items()
        if isinstance(spec, dict) and spec.get("points")
    }


def interpolated(points: Sequence[tuple[float, float]], score: float) -> float:
    """The curve through ``points`` at ``score``, flat beyond its ends."""
    scores = [s for s, _ in points]
    at = bisect_right(scores, score)
    if at == 0:
        return points[0][1]
    if at == len(points):
        return points[-1][1]
    (s0, p0), (s1, p1) = points[at - 1], points[at]
    return p0 + (p1 - p0) * (score - s0) / (s1 - s0) if s1 > s0 else p1


def calibrated(label: str, score: float) -> float:
    """The confidence an event of ``label`` with rule score ``score`` is stated with."""
    points = _curves().get(label)
    return round(interpolated(points, score) if points else score, 2)
