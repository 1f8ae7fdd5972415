"""The held-out half read by the rules alone and by the rules with the learned model.

bench/eval_signals.py prints this after its own report, so the model's gain (or loss) on
texts from sites neither the rules nor the model saw is visible in one run: each target of
issue 15 for both, the share of labels right, how many decisions the model changed and how
many of those it got right, and the stated confidence against the share right of the
events said with the model. Only aggregate figures: no held-out text is printed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from bench.eval_signals import Record, _classified, _report, _target_checks, reliability, speed
from sources.events import Event
from sources.events.learned import enabled, shipped_model, use_model


@contextmanager
def model_switched(on: bool) -> Iterator[None]:
    """Detection with the learned model on or off, as it was before afterwards."""
    before = enabled()
    use_model(on)
    try:
        yield
    finally:
        use_model(before)


def _reports(records: Sequence[Record], events: Sequence[Event]) -> dict[str, dict[str, object]]:
    """Per language and for both, the scores of the events said for the records."""
    reports = {}
    for language in ("nl", "en", "all"):
        chosen = [i for i, r in enumerate(records) if language in ("all", r["language"])]
        reports[language] = _report([records[i] for i in chosen], [events[i] for i in chosen])
    return reports


def compare(heldout: Sequence[Record]) -> dict[str, object] | None:
    """Print and return the comparison; None when no model is shipped."""
    if shipped_model() is None:
        print("\nno learned model in sources/rules/model.json: run bench/train_signals.py")
        return None
    with model_switched(False):
        rules = _classified(heldout)
    with model_switched(True):
        model = _classified(heldout)
    checks = {
        "rules": _target_checks(_reports(heldout, rules)),
        "model": _target_checks(_reports(heldout, model)),
    }
    gold = [str(r["label"]) for r in heldout]
    right = {
        name: sum(g == e.label for g, e in zip(gold, events, strict=True)) / len(gold)
        for name, events in (("rules", rules), ("model", model))
    }
    changed = [(g, a, b) for g, a, b in zip(gold, rules, model, strict=True) if a.label != b.label]
    print("\nheld-out half: the rules alone against the rules with the learned model")
    print(f"  {'target':<32}{'rules':>7}{'model':>7}")
    for before, after in zip(checks["rules"], checks["model"], strict=True):
        print(f"  {before['target']:<32}{before['value']:>7.3f}{after['value']:>7.3f}")
    print(f"  {'labels right':<32}{right['rules']:>7.3f}{right['model']:>7.3f}")
    before = sum(g == a.label for g, a, _ in changed)
    after = sum(g == b.label for g, _, b in changed)
    print(f"  the model changed {len(changed)} labels: right before {before}, right after {after}")
    with model_switched(True):
        per_second = speed([(str(r["text"]), str(r["language"])) for r in heldout])
    print(f"  speed with the model: {per_second:,.0f} sentences/s of CPU on one core")
    rows = reliability(heldout, model)
    print("  reliability with the model, held-out half: stated confidence against the share right")
    for row in rows:
        print(f"    {row['bin']:<10}{row['events']:>6}{row['stated']:>7.2f}{row['right']:>7.2f}")
    return {
        "targets": checks,
        "labels_right": right,
        "changed": len(changed),
        "changed_right_before": before,
        "changed_right_after": after,
        "reliability_with_model": rows,
        "sentences_per_second_with_model": round(per_second),
    }
