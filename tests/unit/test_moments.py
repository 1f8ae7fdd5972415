"""Draft messages and moment windows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.moments import (
    DRAFT_LIMIT,
    DraftFacts,
    MomentKind,
    SignalKind,
    draft_message,
    window_for,
)

FACTS = DraftFacts(
    kind=MomentKind.COMPANY_NEWS,
    language="nl",
    first_name="Anna",
    headline="Noordzee Energie opent nieuw kantoor in Rotterdam",
    link="https://example.nl/nieuws/1",
    employer="Noordzee Energie",
    last_topic="de overstap naar offshore wind",
    last_contact=date(2024, 3, 14),
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "nl",
            "Hoi Anna, ik las net het nieuws over Noordzee Energie: “Noordzee Energie opent nieuw "
            "kantoor in Rotterdam”. Toen we elkaar in maart 2024 spraken, hadden we het over de "
            "overstap naar offshore wind. Hoe gaat het met je? Zin om een keer bij te praten bij "
            "een kop koffie?",
        ),
        (
            "en",
            "Hi Anna, I just read the news about Noordzee Energie: “Noordzee Energie opent nieuw "
            "kantoor in Rotterdam”. When we spoke in March 2024 we talked about de overstap naar "
            "offshore wind. How are things going? Happy to catch up over a coffee some time.",
        ),
    ],
)
def test_draft_in_the_members_language(language: str, expected: str) -> None:
    assert draft_message(replace(FACTS, language=language)) == expected


@pytest.mark.parametrize(
    ("month", "dutch"),
    [(1, "januari"), (3, "maart"), (5, "mei"), (8, "augustus"), (10, "oktober"),
     (12, "december")],
)
def test_dutch_draft_names_the_month_in_dutch(month: int, dutch: str) -> None:
    draft = draft_message(replace(FACTS, last_contact=date(2023, month, 2)))

    assert f"in {dutch} 2023 spraken" in draft


@pytest.mark.parametrize(
    ("kind", "language", "opening"),
    [
        (MomentKind.PRESS_MENTION, "en", "Hi Anna, I saw you in the news: “"),
        (MomentKind.PRESS_MENTION, "nl", "Hoi Anna, ik zag je in het nieuws: “"),
        (MomentKind.CONGRATULATE_NEW_ROLE, "en", "Hi Anna, congratulations on your new role!"),
        (MomentKind.CONGRATULATE_NEW_ROLE, "nl", "Hoi Anna, gefeliciteerd met je nieuwe rol!"),
        (MomentKind.CONGRATULATE_AWARD, "nl", "Hoi Anna, gefeliciteerd met de prijs!"),
        (MomentKind.CHECK_IN, "en", "Hi Anna, it has been a while!"),
        (MomentKind.REENGAGE, "nl", "Hoi Anna, het is alweer even geleden!"),
    ],
)
def test_draft_opening_per_kind(kind: MomentKind, language: str, opening: str) -> None:
    assert draft_message(replace(FACTS, kind=kind, language=language)).startswith(opening)


@pytest.mark.parametrize("language", ["de", "fr", "", "NL-BE"])
def test_unknown_language_falls_back_to_english(language: str) -> None:
    draft = draft_message(replace(FACTS, language=language))

    assert draft == draft_message(replace(FACTS, language="en"))
    assert draft.startswith("Hi Anna")


def test_company_news_without_employer_says_your_company() -> None:
    draft = draft_message(replace(FACTS, language="en", employer=None))

    assert "the news about your company:" in draft


@pytest.mark.parametrize(
    ("topic", "last_contact"),
    [(None, date(2024, 3, 14)), ("salary talks", None), ("", date(2024, 3, 14))],
)
def test_no_topic_sentence_without_both_topic_and_date(
    topic: str | None, last_contact: date | None
) -> None:
    draft = draft_message(replace(FACTS, last_topic=topic, last_contact=last_contact))

    assert "spraken" not in draft
    assert draft.endswith("bij een kop koffie?")


def test_huge_headline_and_topic_are_shortened_but_still_referred_to() -> None:
    facts = replace(FACTS, headline="Groot nieuws " * 200, last_topic="offshore wind " * 200)

    draft = draft_message(facts)

    assert len(draft) <= DRAFT_LIMIT
    assert "“Groot nieuws Groot nieuws" in draft
    assert "hadden we het over offshore wind offshore wind" in draft
    assert "…" in draft
    assert draft.endswith("bij een kop koffie?")


@given(
    kind=st.sampled_from(MomentKind),
    language=st.sampled_from(["nl", "en", "de"]),
    name=st.text(max_size=500),
    headline=st.text(max_size=2000),
    employer=st.none() | st.text(max_size=500),
    topic=st.none() | st.text(max_size=2000),
    last_contact=st.none() | st.dates(),
)
def test_draft_never_exceeds_the_limit(
    kind: MomentKind,
    language: str,
    name: str,
    headline: str,
    employer: str | None,
    topic: str | None,
    last_contact: date | None,
) -> None:
    facts = DraftFacts(
        kind=kind, language=language, first_name=name, headline=headline, link=None,
        employer=employer, last_topic=topic, last_contact=last_contact,
    )

    draft = draft_message(facts)

    assert 0 < len(draft) <= DRAFT_LIMIT


@pytest.mark.parametrize(
    ("signal", "kind", "days", "priority"),
    [
        (SignalKind.COMPANY_NEWS, MomentKind.COMPANY_NEWS, 14, 40),
        (SignalKind.PRESS_MENTION, MomentKind.PRESS_MENTION, 30, 60),
        (SignalKind.JOB_CHANGE, MomentKind.CONGRATULATE_NEW_ROLE, 30, 80),
        (SignalKind.PROMOTION, MomentKind.CONGRATULATE_NEW_ROLE, 30, 80),
        (SignalKind.AWARD, MomentKind.CONGRATULATE_AWARD, 30, 70),
    ],
)
def test_window_for(signal: SignalKind, kind: MomentKind, days: int, priority: int) -> None:
    occurred = datetime(2024, 2, 20, 8, 30, tzinfo=UTC)

    rule, expires = window_for(signal, occurred)

    assert rule.kind is kind
    assert rule.priority == priority
    assert expires == occurred + timedelta(days=days)
