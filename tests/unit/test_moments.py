"""Moment rules for signals, and draft messages rendered from (overridable) templates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.moments import (
    DEFAULT_PRIORITIES,
    DEFAULT_WINDOWS,
    DEPARTURE_PRIORITY,
    DRAFT_LIMIT,
    DraftFacts,
    MomentKind,
    MomentRule,
    SignalKind,
    rule_for,
)
from models.policy import PoolPolicy
from workers.drafts import draft_message

DAYS = timedelta(days=1)

# -------------------------------------------------------------------------------- rule_for

EVENTS = [None, "appointment", "hire", "promotion", "interim", "board", "departure", "retirement"]


@pytest.mark.parametrize(
    ("signal", "event", "kind"),
    [
        (SignalKind.COMPANY_NEWS, None, MomentKind.COMPANY_NEWS),
        (SignalKind.PRESS_MENTION, None, MomentKind.PRESS_MENTION),
        (SignalKind.JOB_CHANGE, None, MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.JOB_CHANGE, "appointment", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.JOB_CHANGE, "hire", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.PROMOTION, "promotion", MomentKind.CONGRATULATE_NEW_ROLE),
        (SignalKind.AWARD, None, MomentKind.CONGRATULATE_AWARD),
    ],
)
def test_rule_for_takes_window_and_priority_from_the_defaults(
    signal: SignalKind, event: str | None, kind: MomentKind
) -> None:
    expected = MomentRule(kind, DEFAULT_WINDOWS[kind], DEFAULT_PRIORITIES[kind])

    assert rule_for(signal, event) == expected


@pytest.mark.parametrize(
    ("signal", "days"),
    [
        (SignalKind.COMPANY_NEWS, 14),
        (SignalKind.PRESS_MENTION, 30),
        (SignalKind.JOB_CHANGE, 30),
        (SignalKind.PROMOTION, 30),
        (SignalKind.AWARD, 30),
    ],
)
def test_default_windows(signal: SignalKind, days: int) -> None:
    rule = rule_for(signal, None)

    assert rule is not None
    assert rule.window == days * DAYS


def test_a_new_role_outranks_an_award_which_outranks_company_news() -> None:
    rules = [
        rule_for(s, None)
        for s in (
            SignalKind.JOB_CHANGE,
            SignalKind.AWARD,
            SignalKind.PRESS_MENTION,
            SignalKind.COMPANY_NEWS,
        )
    ]

    priorities = [r.priority for r in rules if r is not None]
    assert priorities == sorted(priorities, reverse=True)
    assert len(set(priorities)) == 4


def test_departure_is_a_check_in_soon() -> None:
    rule = rule_for(SignalKind.JOB_CHANGE, "departure")

    assert rule == MomentRule(MomentKind.CHECK_IN, DEFAULT_WINDOWS[MomentKind.CHECK_IN], 75)
    assert DEPARTURE_PRIORITY == 75
    assert rule.priority > DEFAULT_PRIORITIES[MomentKind.CHECK_IN]


def test_retirement_calls_for_no_moment() -> None:
    assert rule_for(SignalKind.JOB_CHANGE, "retirement") is None


CUSTOM_WINDOWS = DEFAULT_WINDOWS | {
    MomentKind.COMPANY_NEWS: 3 * DAYS,
    MomentKind.CHECK_IN: 10 * DAYS,
    MomentKind.CONGRATULATE_NEW_ROLE: 60 * DAYS,
}
CUSTOM_PRIORITIES = DEFAULT_PRIORITIES | {
    MomentKind.COMPANY_NEWS: 99,
    MomentKind.CHECK_IN: 1,
    MomentKind.CONGRATULATE_AWARD: 5,
}


@pytest.mark.parametrize(
    ("signal", "event", "expected"),
    [
        (SignalKind.COMPANY_NEWS, None, MomentRule(MomentKind.COMPANY_NEWS, 3 * DAYS, 99)),
        (
            SignalKind.JOB_CHANGE,
            "appointment",
            MomentRule(
                MomentKind.CONGRATULATE_NEW_ROLE,
                60 * DAYS,
                DEFAULT_PRIORITIES[MomentKind.CONGRATULATE_NEW_ROLE],
            ),
        ),
        (
            SignalKind.AWARD,
            None,
            MomentRule(
                MomentKind.CONGRATULATE_AWARD, DEFAULT_WINDOWS[MomentKind.CONGRATULATE_AWARD], 5
            ),
        ),
        # A departure takes the pool's check-in window but keeps its own priority.
        (SignalKind.JOB_CHANGE, "departure", MomentRule(MomentKind.CHECK_IN, 10 * DAYS, 75)),
        (SignalKind.JOB_CHANGE, "retirement", None),
    ],
)
def test_rule_for_with_custom_windows_and_priorities(
    signal: SignalKind, event: str | None, expected: MomentRule | None
) -> None:
    rule = rule_for(signal, event, windows=CUSTOM_WINDOWS, priorities=CUSTOM_PRIORITIES)

    assert rule == expected


def test_rule_for_with_a_pool_policy_from_settings() -> None:
    policy = PoolPolicy.from_mapping(
        {"windows": {"press_mention": 7}, "priorities": {"press_mention": 90}}
    )

    rule = rule_for(
        SignalKind.PRESS_MENTION, None, windows=policy.windows, priorities=policy.priorities
    )

    assert rule == MomentRule(MomentKind.PRESS_MENTION, 7 * DAYS, 90)


@given(
    signal=st.sampled_from(SignalKind),
    event=st.sampled_from(EVENTS),
    windows=st.fixed_dictionaries({k: st.integers(1, 400).map(timedelta) for k in MomentKind}),
    priorities=st.fixed_dictionaries({k: st.integers(0, 100) for k in MomentKind}),
)
def test_rule_for_always_reads_the_mappings_it_is_given(
    signal: SignalKind,
    event: str | None,
    windows: dict[MomentKind, timedelta],
    priorities: dict[MomentKind, int],
) -> None:
    rule = rule_for(signal, event, windows=windows, priorities=priorities)

    if (signal, event) == (SignalKind.JOB_CHANGE, "retirement"):
        assert rule is None
        return
    assert rule is not None
    assert rule.window == windows[rule.kind]
    if (signal, event) == (SignalKind.JOB_CHANGE, "departure"):
        assert (rule.kind, rule.priority) == (MomentKind.CHECK_IN, DEPARTURE_PRIORITY)
    else:
        assert rule.priority == priorities[rule.kind]
        assert rule == rule_for(signal, None, windows=windows, priorities=priorities)


# ---------------------------------------------------------------------------------- drafts

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
NO_TOPIC = replace(FACTS, last_topic=None)


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
    [(1, "januari"), (3, "maart"), (5, "mei"), (8, "augustus"), (10, "oktober"), (12, "december")],
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
        (MomentKind.CONGRATULATE_AWARD, "en", "Hi Anna, congratulations on the award: “"),
        (MomentKind.CONGRATULATE_AWARD, "nl", "Hoi Anna, gefeliciteerd met de prijs: “"),
        (MomentKind.CHECK_IN, "en", "Hi Anna, it has been a while!"),
        (MomentKind.CHECK_IN, "nl", "Hoi Anna, het is alweer even geleden!"),
        (MomentKind.REENGAGE, "en", "Hi Anna, it has been far too long!"),
        (MomentKind.REENGAGE, "nl", "Hoi Anna, dat is veel te lang geleden!"),
        (MomentKind.RELEVANT_VACANCY, "en", "Hi Anna, a role came up that made me think of you: "),
        (
            MomentKind.RELEVANT_VACANCY,
            "nl",
            "Hoi Anna, er kwam een functie voorbij waarbij ik aan jou dacht: ",
        ),
    ],
)
def test_draft_opening_per_kind(kind: MomentKind, language: str, opening: str) -> None:
    facts = replace(FACTS, kind=kind, language=language, vacancy="Data Engineer")

    assert draft_message(facts).startswith(opening)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        pytest.param(
            replace(NO_TOPIC, kind=MomentKind.RELEVANT_VACANCY, vacancy="Data Engineer bij Acme"),
            "Hoi Anna, er kwam een functie voorbij waarbij ik aan jou dacht: Data Engineer bij "
            "Acme. Sta je open voor een kort gesprek?",
            id="relevant-vacancy",
        ),
        pytest.param(
            replace(FACTS, kind=MomentKind.RELEVANT_VACANCY, vacancy="Data Engineer bij Acme"),
            "Hoi Anna, er kwam een functie voorbij waarbij ik aan jou dacht: Data Engineer bij "
            "Acme. Toen we elkaar in maart 2024 spraken, hadden we het over de overstap naar "
            "offshore wind. Sta je open voor een kort gesprek?",
            id="relevant-vacancy-with-topic",
        ),
        pytest.param(
            replace(NO_TOPIC, kind=MomentKind.REENGAGE),
            "Hoi Anna, dat is veel te lang geleden! Hoe gaat het met je? Zin om een keer bij te "
            "praten bij een kop koffie?",
            id="reengage",
        ),
        pytest.param(
            replace(NO_TOPIC, kind=MomentKind.CHECK_IN),
            "Hoi Anna, het is alweer even geleden! Hoe gaat het met je? Zin om een keer bij te "
            "praten bij een kop koffie?",
            id="check-in",
        ),
        pytest.param(
            replace(
                NO_TOPIC,
                kind=MomentKind.CHECK_IN,
                event="departure",
                old_employer="Noordzee Energie",
            ),
            "Hoi Anna, ik las dat je vertrekt bij Noordzee Energie. Spannende tijd! Hoe gaat het "
            "met je? Zin om een keer bij te praten bij een kop koffie?",
            id="departure",
        ),
        pytest.param(
            replace(
                NO_TOPIC,
                kind=MomentKind.CONGRATULATE_NEW_ROLE,
                event="promotion",
                new_title="Head of Data",
            ),
            "Hoi Anna, gefeliciteerd met je nieuwe functie als Head of Data! Hoe gaat het met "
            "je? Zin om een keer bij te praten bij een kop koffie?",
            id="promotion",
        ),
        pytest.param(
            replace(
                NO_TOPIC,
                kind=MomentKind.CONGRATULATE_NEW_ROLE,
                event="appointment",
                new_title="CTO",
                new_employer="Acme",
            ),
            "Hoi Anna, gefeliciteerd met je nieuwe rol als CTO bij Acme! Hoe gaat het met je? "
            "Zin om een keer bij te praten bij een kop koffie?",
            id="new-role-with-title-and-employer",
        ),
        pytest.param(
            replace(NO_TOPIC, kind=MomentKind.COMPANY_NEWS, employer=None),
            "Hoi Anna, ik las net het nieuws over je werkgever: “Noordzee Energie opent nieuw "
            "kantoor in Rotterdam”. Hoe gaat het met je? Zin om een keer bij te praten bij een "
            "kop koffie?",
            id="company-news-without-employer",
        ),
    ],
)
def test_dutch_drafts(facts: DraftFacts, expected: str) -> None:
    assert draft_message(facts) == expected


@pytest.mark.parametrize(
    ("facts", "opening"),
    [
        pytest.param(
            replace(
                FACTS, kind=MomentKind.CHECK_IN, event="departure", old_employer="Noordzee Energie"
            ),
            "Hi Anna, I read that you are moving on from Noordzee Energie. Exciting times!",
            id="departure",
        ),
        pytest.param(
            replace(
                FACTS, kind=MomentKind.CONGRATULATE_NEW_ROLE, event="promotion", new_title="CFO"
            ),
            "Hi Anna, congratulations on becoming CFO!",
            id="promotion",
        ),
        pytest.param(
            replace(
                FACTS, kind=MomentKind.CONGRATULATE_NEW_ROLE, new_title="CTO", new_employer="Acme"
            ),
            "Hi Anna, congratulations on your new role as CTO at Acme!",
            id="new-role",
        ),
        # Without the name to mention, the event falls back to the kind's opening.
        pytest.param(
            replace(FACTS, kind=MomentKind.CHECK_IN, event="departure", old_employer=None),
            "Hi Anna, it has been a while!",
            id="departure-without-old-employer",
        ),
        pytest.param(
            replace(
                FACTS,
                kind=MomentKind.CONGRATULATE_NEW_ROLE,
                event="promotion",
                new_employer="Acme",
            ),
            "Hi Anna, congratulations on your new role at Acme!",
            id="promotion-without-title",
        ),
    ],
)
def test_english_role_openings(facts: DraftFacts, opening: str) -> None:
    assert draft_message(replace(facts, language="en")).startswith(opening)


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
    [
        (None, date(2024, 3, 14)),
        ("salary talks", None),
        ("", date(2024, 3, 14)),
        ("   ", date(2024, 3, 14)),
    ],
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


def test_long_role_facts_are_shortened() -> None:
    facts = replace(
        FACTS,
        kind=MomentKind.CONGRATULATE_NEW_ROLE,
        new_title="Head of " * 50,
        new_employer="Noordzee " * 50,
        last_topic="wind " * 100,
    )

    draft = draft_message(facts)

    assert len(draft) <= DRAFT_LIMIT
    assert draft.endswith("bij een kop koffie?")
    assert draft.count("…") == 3


@pytest.mark.parametrize("language", ["nl", "en"])
def test_relevant_vacancy_without_a_title_never_says_none(language: str) -> None:
    facts = replace(FACTS, kind=MomentKind.RELEVANT_VACANCY, language=language, vacancy=None)

    assert "None" not in draft_message(facts)


long_text = st.text(max_size=2000)
short_or_none = st.none() | st.text(max_size=500)


@given(
    kind=st.sampled_from(MomentKind),
    language=st.sampled_from(["nl", "en", "de"]),
    name=st.text(max_size=500),
    headline=long_text,
    employer=short_or_none,
    topic=st.none() | long_text,
    last_contact=st.none() | st.dates(),
    event=st.sampled_from(EVENTS),
    new_title=short_or_none,
    new_employer=short_or_none,
    old_employer=short_or_none,
    vacancy=st.text(max_size=1000),
)
def test_draft_never_exceeds_the_limit(
    kind: MomentKind,
    language: str,
    name: str,
    headline: str,
    employer: str | None,
    topic: str | None,
    last_contact: date | None,
    event: str | None,
    new_title: str | None,
    new_employer: str | None,
    old_employer: str | None,
    vacancy: str,
) -> None:
    facts = DraftFacts(
        kind=kind,
        language=language,
        first_name=name,
        headline=headline,
        link=None,
        employer=employer,
        last_topic=topic,
        last_contact=last_contact,
        event=event,
        new_title=new_title,
        new_employer=new_employer,
        old_employer=old_employer,
        vacancy=vacancy,
    )

    draft = draft_message(facts)

    assert 0 < len(draft) <= DRAFT_LIMIT
    assert draft.startswith("Hoi" if language == "nl" else "Hi")
    assert "\n" not in draft
    assert "  " not in draft


@given(
    headline=st.text(alphabet="abc xyz", min_size=300, max_size=3000),
    topic=st.text(alphabet="wind ", min_size=300, max_size=3000),
)
def test_long_headlines_and_topics_keep_the_closing_question(headline: str, topic: str) -> None:
    draft = draft_message(replace(FACTS, headline=headline, last_topic=topic))

    assert len(draft) <= DRAFT_LIMIT
    assert draft.endswith("Zin om een keer bij te praten bij een kop koffie?")


# ------------------------------------------------------------------------ template overrides


def override(tmp_path: Path, language: str, template: str) -> Path:
    folder = tmp_path / "drafts"
    folder.mkdir(exist_ok=True)
    (folder / f"{language}.txt").write_text(template, encoding="utf-8")
    return tmp_path


def test_an_override_template_is_used(tmp_path: Path) -> None:
    templates = override(tmp_path, "en", "Hello {{ name }}!")

    assert draft_message(replace(FACTS, language="en"), templates_dir=templates) == "Hello Anna!"


def test_an_override_for_one_language_leaves_the_other_bundled(tmp_path: Path) -> None:
    templates = override(tmp_path, "en", "Hello {{ name }}!")

    assert draft_message(FACTS, templates_dir=templates) == draft_message(FACTS)
    assert draft_message(replace(FACTS, language="de"), templates_dir=templates) == "Hello Anna!"


def test_an_override_sees_every_draft_value(tmp_path: Path) -> None:
    templates = override(
        tmp_path,
        "nl",
        "{{ kind }}|{{ language }}|{{ name }}|{{ employer }}|{{ month }}|{{ topic }}|{{ link }}",
    )

    draft = draft_message(FACTS, templates_dir=templates)

    assert draft == (
        "company_news|nl|Anna|Noordzee Energie|maart 2024|de overstap naar offshore wind|"
        "https://example.nl/nieuws/1"
    )


def test_an_override_is_still_one_line_within_the_limit(tmp_path: Path) -> None:
    templates = override(
        tmp_path, "en", "Hello   {{ name }},\n\n{% for _ in range(300) %}la {% endfor %}"
    )

    draft = draft_message(replace(FACTS, language="en"), templates_dir=templates)

    assert draft.startswith("Hello Anna, la la")
    assert DRAFT_LIMIT - 2 <= len(draft) <= DRAFT_LIMIT  # cut at a word, then "…"
    assert draft.endswith("la…")
