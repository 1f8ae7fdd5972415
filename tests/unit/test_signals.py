"""Who a detected event is about, and how sure we are: namesakes, surnames, promotions."""

from __future__ import annotations

from datetime import UTC, datetime

from models.moments import SignalKind
from sources.detect import NameMatcher
from sources.events import Event
from sources.signals import (
    NAMESAKE,
    MemberContext,
    SignalDraft,
    drafts_for_observation,
    drafts_for_text,
)

MATCHER = NameMatcher(
    employers=[(1, "Acme Robotics B.V."), (2, "Bakker Logistiek")],
    members=[(10, "Jan de Vries", 1), (11, "Eva Smit", 2)],
)
CONTEXT = {
    10: MemberContext(
        employer_id=1, employer_key="acme robotics", title="Financieel directeur", city="Delft"
    ),
    11: MemberContext(employer_id=2, employer_key="bakker logistiek", title="Planner", city=None),
}


def event(label: str, kind: str | None = None, **extracted: str) -> Event:
    fields = {"person": None, "new_employer": None, "old_employer": None, "new_title": None}
    fields.update(extracted)
    return Event(label=label, event=kind, confidence=0.9, language="nl", **fields)  # type: ignore[arg-type]


def drafts(text: str, found: Event, source_employer: int | None = None) -> list[SignalDraft]:
    mentions = MATCHER.find(text)
    subject = MATCHER.find(found.person, employers=mentions.employer_ids) if found.person else None
    return drafts_for_text(
        found, mentions, subject, CONTEXT, text, source_employer_id=source_employer
    )


def test_an_appointment_of_a_member_named_with_their_employer_is_a_confident_job_change() -> None:
    text = "Jan de Vries, nu bij Acme Robotics, wordt CFO van Bakker Logistiek."
    found = event(
        "job_change",
        "appointment",
        person="Jan de Vries",
        new_employer="Bakker Logistiek",
        new_title="CFO",
    )
    [draft] = drafts(text, found)
    assert (draft.kind, draft.member_id, draft.new_title) == (SignalKind.JOB_CHANGE, 10, "CFO")
    assert draft.confidence > 0.7


def test_a_name_with_nothing_around_it_is_a_possible_namesake() -> None:
    text = "Jan de Vries wint de marathon van Rotterdam."
    [draft] = drafts(text, event("none"))
    assert (draft.kind, draft.member_id, draft.confidence) == (
        SignalKind.PRESS_MENTION,
        10,
        NAMESAKE,
    )


def test_the_members_title_or_city_nearby_corroborates_the_name() -> None:
    [draft] = drafts("Jan de Vries (Delft) spreekt op het congres.", event("none"))
    assert draft.confidence > NAMESAKE


def test_a_surname_alone_counts_only_with_the_employer_nearby() -> None:
    assert drafts("Smit zegt dat het goed gaat.", event("none")) == []
    found = event("job_change", "departure", person="Smit", old_employer="Bakker Logistiek")
    [draft] = drafts("Bakker Logistiek: Smit vertrekt.", found)
    assert (draft.kind, draft.member_id, draft.event) == (SignalKind.JOB_CHANGE, 11, "departure")


def test_a_new_title_at_the_same_employer_is_a_promotion() -> None:
    found = event(
        "job_change",
        "appointment",
        person="Eva Smit",
        new_employer="Bakker Logistiek",
        new_title="COO",
    )
    kinds = [(d.kind, d.event) for d in drafts("Eva Smit wordt COO van Bakker Logistiek.", found)]
    assert (SignalKind.PROMOTION, "promotion") in kinds


def test_company_news_concerns_named_employers_and_the_newsrooms_own() -> None:
    found = event("company_news", "acquisition")
    named = drafts("Acme Robotics neemt sectorgenoot over.", found)
    assert [(d.kind, d.employer_id) for d in named] == [(SignalKind.COMPANY_NEWS, 1)]
    unnamed = drafts("Wij nemen sectorgenoot Smit Transport over.", found, source_employer=2)
    assert [(d.kind, d.employer_id, d.event) for d in unnamed] == [
        (SignalKind.COMPANY_NEWS, 2, "acquisition")
    ]


def test_look_alikes_give_no_company_news() -> None:
    assert drafts("Acme Robotics wint order van Rijkswaterstaat.", event("none")) == []


def test_one_event_has_one_fingerprint_in_a_week_whatever_the_wording() -> None:
    draft = SignalDraft(
        SignalKind.JOB_CHANGE, member_id=10, event="appointment", new_employer="Bakker B.V."
    )
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    assert draft.fingerprint("Jan de Vries CFO bij Bakker", monday) == draft.fingerprint(
        "Bakker Logistiek benoemt De Vries", monday.replace(day=26)
    )
    mention = SignalDraft(SignalKind.PRESS_MENTION, member_id=10)
    assert mention.fingerprint("Jan de Vries spreekt op congres", monday) == mention.fingerprint(
        "Op congres spreekt Jan de Vries", monday
    )


def test_team_page_changes_become_job_changes_for_members() -> None:
    observation = {
        "change": "joined",
        "name": "Jan de Vries",
        "title": "CFO",
        "employer_id": 2,
        "employer": "Bakker Logistiek",
    }
    [draft] = drafts_for_observation(observation, MATCHER.find("Jan de Vries"), CONTEXT)
    assert (draft.kind, draft.new_employer, draft.new_title) == (
        SignalKind.JOB_CHANGE,
        "Bakker Logistiek",
        "CFO",
    )
    left = {**observation, "change": "left", "employer_id": 1, "employer": "Acme Robotics"}
    [draft] = drafts_for_observation(left, MATCHER.find("Jan de Vries"), CONTEXT)
    assert (draft.event, draft.old_employer) == ("departure", "Acme Robotics")


NAMESAKES = NameMatcher(
    employers=[(1, "Acme Robotics B.V.")],
    members=[(20 + i, "Jan Jansen", 1 if i == 0 else None) for i in range(5)],
)
NAMESAKE_CONTEXT = {
    20 + i: MemberContext(
        employer_id=1 if i == 0 else None,
        employer_key="acme robotics" if i == 0 else None,
        title=None,
        city="Utrecht",
    )
    for i in range(5)
}


def namesake_drafts(text: str) -> list[SignalDraft]:
    return drafts_for_text(event("none"), NAMESAKES.find(text), None, NAMESAKE_CONTEXT, text)


def test_a_shared_name_with_nothing_around_it_is_no_one() -> None:
    assert namesake_drafts("Jan Jansen wint de marathon.") == []


def test_a_shared_name_beside_one_namesakes_employer_is_that_one() -> None:
    [draft] = namesake_drafts("Jan Jansen van Acme Robotics wint de marathon.")
    assert (draft.member_id, draft.confidence) == (20, 0.9)


def test_a_city_that_many_namesakes_share_points_at_no_one() -> None:
    assert namesake_drafts("Jan Jansen (Utrecht) wint de marathon.") == []
