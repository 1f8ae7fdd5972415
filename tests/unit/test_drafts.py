"""Drafts that sound like the recruiter wrote them: from the event's parts, in a tone that
fits the news, a phrasing other than the last message's, the last conversation in the
member's own words, and templates a team or a recruiter can override."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from models.moments import DRAFT_LIMIT, DraftFacts, MomentKind
from models.wording import (
    Tone,
    award_name,
    tone_for,
    topic_for_member,
    when_we_spoke,
)
from workers.drafts import draft_message

TODAY = date(2026, 12, 2)
NEW_JOB = DraftFacts(
    kind=MomentKind.CONGRATULATE_NEW_ROLE,
    language="nl",
    first_name="Lisa",
    headline="Lisa Jansen benoemd tot CTO van Acme Robotics",
    link="https://news.example/1",
    employer="Bakker Logistiek",
    last_topic="haar plannen om een data-team op te bouwen",
    last_contact=date(2026, 4, 14),
    event="appointment",
    new_title="CTO",
    new_employer="Acme Robotics",
    old_employer="Bakker Logistiek",
    today=TODAY,
)
COMPANY = replace(
    NEW_JOB,
    kind=MomentKind.COMPANY_NEWS,
    headline="Bakker Logistiek schrapt 200 banen",
    new_title=None,
    new_employer=None,
)
CHEERS = re.compile(r"gefeliciteerd|congratulations|mooi nieuws|great news|well deserved", re.I)


def sentences(draft: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", draft) if s]


def test_the_seeds_example_has_its_four_parts_in_order() -> None:
    draft = draft_message(NEW_JOB)
    saw = draft.index("je nieuwe rol als CTO bij Acme Robotics")
    congratulations = draft.index("Gefeliciteerd")
    conversation = draft.index("in het voorjaar spraken, hadden we het over je plannen")
    invitation = draft.index("Zin om over een paar weken bij te praten? Koffie op mij.")
    assert draft.startswith("Hoi Lisa,") and saw < congratulations < conversation < invitation
    assert len(draft) < DRAFT_LIMIT


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_draft_quotes_a_headline_that_names_the_member(language: str) -> None:
    for kind in MomentKind:
        draft = draft_message(replace(NEW_JOB, kind=kind, language=language))
        assert "Jansen" not in draft and "“" not in draft


@pytest.mark.parametrize(
    ("event", "tone"),
    [
        ("layoffs", Tone.CARE),
        ("reorganisation", Tone.CARE),
        ("bankruptcy", Tone.CARE),
        ("acquisition", Tone.INTEREST),
        ("merger", Tone.INTEREST),
        ("results", Tone.INTEREST),
        ("funding", Tone.CHEER),
        ("expansion", Tone.CHEER),
        (None, Tone.INTEREST),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_company_news_sounds_like_the_news(event: str | None, tone: Tone, language: str) -> None:
    assert tone_for("company_news", event) is tone
    draft = draft_message(replace(COMPANY, event=event, language=language))
    assert bool(CHEERS.search(draft)) is (tone is Tone.CHEER), draft
    if tone is Tone.CARE:
        assert re.search(r"hoe gaat het met je|how are you doing", draft, re.I)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_departure_is_met_with_interest_not_congratulations(language: str) -> None:
    departure = replace(NEW_JOB, kind=MomentKind.CHECK_IN, event="departure", language=language)
    draft = draft_message(departure)
    assert "Bakker Logistiek" in draft and not CHEERS.search(draft)


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("kind", list(MomentKind))
def test_no_two_messages_in_a_row_open_or_close_alike(kind: MomentKind, language: str) -> None:
    facts = replace(NEW_JOB, kind=kind, language=language, event=None)
    drafts = [draft_message(replace(facts, sequence=n)) for n in range(6)]
    if kind is MomentKind.RENEW_CONSENT:
        return  # one careful wording: it asks for consent
    for earlier, later in pairwise(drafts):
        assert sentences(earlier)[-1] != sentences(later)[-1], (earlier, later)
    assert drafts[0] == draft_message(replace(facts, sequence=0))  # the same moment, same draft


@pytest.mark.parametrize(
    ("topic", "language", "formal", "said"),
    [
        ("her plans to build a team", "en", False, "your plans to build a team"),
        ("his move to Berlin", "en", False, "your move to Berlin"),
        ("what she wants next", "en", False, None),
        ("a role where he can lead", "en", False, None),
        ("the switch to offshore wind", "en", False, "the switch to offshore wind"),
        ("zijn ambitie om CTO te worden", "nl", False, "je ambitie om CTO te worden"),
        ("haar ambitie om CTO te worden", "nl", True, "uw ambitie om CTO te worden"),
        ("wat zij hierna wil", "nl", False, None),
        ("de overstap naar offshore wind", "nl", False, "de overstap naar offshore wind"),
    ],
)
def test_the_topic_is_said_to_the_member_or_left_out(
    topic: str, language: str, formal: bool, said: str | None
) -> None:
    assert topic_for_member(topic, language, formal=formal) == said
    draft = draft_message(replace(NEW_JOB, last_topic=topic, language=language, formal=formal))
    if said is None:
        assert "hadden we het over" not in draft and "we talked about" not in draft
    else:
        assert said in draft


@pytest.mark.parametrize(
    ("last", "language", "phrase"),
    [
        (date(2026, 10, 20), "nl", "in oktober"),
        (date(2026, 10, 20), "en", "in October"),
        (date(2026, 4, 14), "nl", "in het voorjaar"),
        (date(2026, 7, 1), "en", "last summer"),
        (date(2026, 1, 10), "nl", "in de winter"),
        (date(2025, 6, 1), "nl", "vorig jaar"),
        (date(2025, 6, 1), "en", "last year"),
        (None, "nl", None),
    ],
)
def test_when_we_last_spoke(last: date | None, language: str, phrase: str | None) -> None:
    assert when_we_spoke(last, TODAY, language) == phrase


def test_the_formal_address_says_u_throughout() -> None:
    draft = draft_message(replace(NEW_JOB, formal=True))
    assert draft.startswith("Beste Lisa,") and "uw nieuwe rol" in draft
    assert not re.search(r"\bje\b|\bjij\b", draft)


@pytest.mark.parametrize(
    ("headline", "award"),
    [
        ("Ruben Janssens wint de Nationale Innovatieprijs", "Nationale Innovatieprijs"),
        ("Fleur Peters heeft de Stevinpremie 2025 gekregen", "Stevinpremie 2025"),
        ("Jan de Vries benoemd tot Ridder in de Orde van Oranje-Nassau", None),
        ("Acme wins the Queen's Award for Enterprise", "Queen's Award"),
        ("Lisa wint prijs", None),
    ],
)
def test_award_names_come_from_the_headline_when_it_has_one(
    headline: str, award: str | None
) -> None:
    expected = award or ("Ridder in de Orde van Oranje-Nassau" if "Orde" in headline else None)
    assert award_name(headline) == expected
    facts = replace(NEW_JOB, kind=MomentKind.CONGRATULATE_AWARD, headline=headline, event=None)
    draft = draft_message(facts)
    assert (expected or "een prijs") in draft and "Gefeliciteerd" in draft


@pytest.mark.parametrize("language", ["de", "fr", "", "NL-BE"])
def test_an_unknown_language_falls_back_to_english(language: str) -> None:
    assert draft_message(replace(NEW_JOB, language=language)).startswith("Hi Lisa,")


def test_no_slot_ever_says_none_or_runs_past_the_limit() -> None:
    long = "x" * 500
    for kind in MomentKind:
        for facts in (
            replace(NEW_JOB, kind=kind, new_title=None, new_employer=None, employer=None),
            replace(NEW_JOB, kind=kind, new_title=long, headline=long, last_topic=long),
        ):
            draft = draft_message(facts)
            assert "None" not in draft and len(draft) <= DRAFT_LIMIT


# ------------------------------------------------------------------ templates of one's own


def override(folder: Path, language: str, template: str) -> Path:
    (folder / "drafts").mkdir(parents=True, exist_ok=True)
    (folder / "drafts" / f"{language}.txt").write_text(template, encoding="utf-8")
    return folder


def test_a_team_template_and_a_recruiters_own(tmp_path: Path) -> None:
    override(tmp_path, "nl", "Team: {{ name }}")
    override(tmp_path / "recruiters" / "anna@agency.example", "nl", "Anna: {{ name }}")
    assert draft_message(NEW_JOB, templates_dir=tmp_path) == "Team: Lisa"
    anna = draft_message(NEW_JOB, templates_dir=tmp_path, recruiter="Anna@agency.example")
    assert anna == "Anna: Lisa"
    bram = draft_message(NEW_JOB, templates_dir=tmp_path, recruiter="bram@agency.example")
    assert bram == "Team: Lisa"
    english = replace(NEW_JOB, language="en")
    assert draft_message(english, templates_dir=tmp_path) == draft_message(english)


def test_an_override_sees_every_value(tmp_path: Path) -> None:
    override(
        tmp_path,
        "nl",
        "{{ kind }}|{{ event }}|{{ tone }}|{{ title }}|{{ new_employer }}|{{ when }}|"
        "{{ topic }}|{{ formal }}|{{ sequence }}|{{ headline }}|{{ link }}",
    )
    assert draft_message(NEW_JOB, templates_dir=tmp_path) == (
        "congratulate_new_role|appointment|cheer|CTO|Acme Robotics|in het voorjaar|"
        "je plannen om een data-team op te bouwen|False|0|"
        "Lisa Jansen benoemd tot CTO van Acme Robotics|https://news.example/1"
    )


def test_an_override_is_still_one_line_within_the_limit(tmp_path: Path) -> None:
    override(tmp_path, "en", "Hello   {{ name }},\n\n{% for _ in range(300) %}la {% endfor %}")
    draft = draft_message(replace(NEW_JOB, language="en"), templates_dir=tmp_path)
    assert draft.startswith("Hello Lisa, la la") and len(draft) <= DRAFT_LIMIT
