"""Forty drafts to read: every kind in both languages, good and bad company news, recent and
old last contacts, third-person topics, and one member's messages in a row.

Usage: .venv/bin/python bench/drafts_sample.py   (writes bench/results/drafts_sample.md)

Besides the table it checks what a reader would: no draft quotes a headline naming the
member, none congratulates bad news, no slot runs past its sentence, and no member gets
the same closing twice in a row; it prints each check's count of failures.
"""

from __future__ import annotations

import re
import sys
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.moments import DraftFacts, MomentKind
from models.wording import Tone, tone_for
from workers.draft_samples import TODAY, sample
from workers.drafts import draft_message

RESULTS = Path(__file__).resolve().parent / "results"
CHEERS = re.compile(r"gefeliciteerd|congratulations|mooi nieuws|great news|well deserved", re.I)


Variation = tuple[str, MomentKind, dict[str, object]]
COMPANY_EVENTS = ("funding", "acquisition", "results", "layoffs", "reorganisation")
VARIATIONS: list[Variation] = [
    *(
        (f"company_news/{event}", MomentKind.COMPANY_NEWS, {"event": event})
        for event in COMPANY_EVENTS
    ),
    ("check_in/departure", MomentKind.CHECK_IN, {"event": "departure"}),
    ("promotion", MomentKind.CONGRATULATE_NEW_ROLE, {"event": "promotion"}),
    ("recent contact", MomentKind.CHECK_IN, {"last_contact": TODAY - timedelta(days=40)}),
    ("formal (u)", MomentKind.CONGRATULATE_NEW_ROLE, {"formal": True}),
    ("contact over a year ago", MomentKind.REENGAGE, {"last_contact": TODAY - timedelta(500)}),
    ("no contact on record", MomentKind.REENGAGE, {"last_contact": None}),
]
THIRD_PERSON = {"nl": "wat zij hierna wil", "en": "what she wants next"}


def cases() -> list[tuple[str, DraftFacts]]:
    """Every kind, then the variations, in each language: forty cases."""
    rows: list[tuple[str, DraftFacts]] = []
    for language in ("nl", "en"):
        rows += [(kind.value, sample(kind, language)) for kind in MomentKind]
        rows += [(label, sample(kind, language, **how)) for label, kind, how in VARIATIONS]
        topic = {"last_topic": THIRD_PERSON[language]}
        rows.append(("third-person topic", sample(MomentKind.CHECK_IN, language, **topic)))
    return rows


def closing(draft: str) -> str:
    return re.split(r"(?<=[.!?])\s+", draft)[-1]


def main() -> int:
    rows = [(label, facts, draft_message(facts)) for label, facts in cases()]
    series = [
        draft_message(sample(kind, "nl", sequence=n, event=None))
        for n, kind in enumerate(
            [MomentKind.CONGRATULATE_NEW_ROLE, MomentKind.COMPANY_NEWS, MomentKind.CHECK_IN,
             MomentKind.CONGRATULATE_AWARD, MomentKind.CHECK_IN, MomentKind.REENGAGE]
        )
    ]  # fmt: skip
    problems = {
        "quotes a headline naming the member": sum("Jansen" in d for _, _, d in rows),
        "congratulates bad news": sum(
            bool(CHEERS.search(d)) and tone_for(f.kind.value, f.event) is Tone.CARE
            for _, f, d in rows
        ),
        "a slot runs past its sentence": sum(
            bool(re.search(r"None|\{\{|\}\}|“|”", d)) or len(d) > 400 for _, _, d in rows
        ),
        "the same closing twice in a row (one member's six messages)": sum(
            closing(a) == closing(b) for a, b in pairwise(series)
        ),
    }
    lines = ["# Forty drafts", "", "| # | case | language | draft |", "|---|---|---|---|"]
    for number, (label, facts, draft) in enumerate(rows, start=1):
        lines.append(f"| {number} | {label} | {facts.language} | {draft} |")
    lines += ["", "## One member's messages in a row", ""]
    lines += [f"{n + 1}. {draft}" for n, draft in enumerate(series)]
    lines += ["", "## Checks", "", "| check | failures |", "|---|---|"]
    lines += [f"| {name} | {count} |" for name, count in problems.items()]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "drafts_sample.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} drafts written to bench/results/drafts_sample.md")
    for name, count in problems.items():
        print(f"{name:<62} {count}")
    return 0 if not any(problems.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
