"""Sample drafts for a made-up member: every kind, tone and phrasing variant, for
``keepwarm drafts preview`` and ``bench/drafts_sample.py``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from models.moments import DraftFacts, MomentKind
from workers.drafts import draft_message

TODAY = date(2026, 12, 2)
EVENTS: dict[MomentKind, tuple[str | None, ...]] = {
    MomentKind.CONGRATULATE_NEW_ROLE: ("appointment", "promotion"),
    MomentKind.CHECK_IN: (None, "departure"),
    MomentKind.COMPANY_NEWS: (
        "funding",
        "expansion",
        "acquisition",
        "merger",
        "results",
        "layoffs",
        "reorganisation",
        "bankruptcy",
        None,
    ),
}
HEADLINES = {
    MomentKind.CONGRATULATE_NEW_ROLE: "Lisa Jansen benoemd tot CTO van Acme Robotics",
    MomentKind.CONGRATULATE_AWARD: "Lisa Jansen van Acme wint de Nationale Innovatieprijs",
    MomentKind.COMPANY_NEWS: "Bakker Logistiek in het nieuws",
    MomentKind.PRESS_MENTION: "Lisa Jansen over de toekomst van logistiek",
    MomentKind.RELEVANT_VACANCY: "Head of Data bij Noordzee Energie",
}


def sample(kind: MomentKind, language: str, **changes: object) -> DraftFacts:
    """A member just like a real one: a first name, an employer, a last conversation."""
    facts = DraftFacts(
        kind=kind,
        language=language,
        first_name="Lisa",
        headline=HEADLINES.get(kind, ""),
        link="https://news.example/1",
        employer="Bakker Logistiek",
        last_topic="haar plannen om een data-team op te bouwen"
        if language == "nl"
        else "her plans to build a data team",
        last_contact=TODAY - timedelta(days=230),
        new_title="CTO",
        new_employer="Acme Robotics",
        old_employer="Bakker Logistiek",
        vacancy="Head of Data bij Noordzee Energie",
        today=TODAY,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def preview(
    kind: MomentKind, language: str, *, templates_dir: Path | None = None, variants: int = 4
) -> list[tuple[str, str]]:
    """Every event and phrasing variant of one kind: (label, draft) pairs."""
    rows = []
    for event in EVENTS.get(kind, (None,)):
        for sequence in range(variants):
            facts = sample(kind, language, event=event, sequence=sequence)
            label = f"{kind.value}{'/' + event if event else ''} #{sequence}"
            rows.append((label, draft_message(facts, templates_dir=templates_dir)))
    return rows
