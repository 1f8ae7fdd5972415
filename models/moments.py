"""Kinds of contact moments, their windows and priorities, and the drafts they carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from models.wording import (
    award_name,
    month_and_year,
    tone_for,
    topic_for_member,
    when_we_spoke,
)

DRAFT_LIMIT = 400


class MomentKind(StrEnum):
    """Why a recruiter should get in touch."""

    CONGRATULATE_NEW_ROLE = "congratulate_new_role"
    CONGRATULATE_AWARD = "congratulate_award"
    COMPANY_NEWS = "company_news"
    PRESS_MENTION = "press_mention"
    RELEVANT_VACANCY = "relevant_vacancy"
    CHECK_IN = "check_in"
    REENGAGE = "reengage"
    RENEW_CONSENT = "renew_consent"
    """Ask the member to stay in the pool before their retention date passes."""


class SignalKind(StrEnum):
    """What was detected in a source."""

    JOB_CHANGE = "job_change"
    PROMOTION = "promotion"
    AWARD = "award"
    PRESS_MENTION = "press_mention"
    COMPANY_NEWS = "company_news"


@dataclass(frozen=True)
class MomentRule:
    """How a signal becomes a moment: its kind, how long it stays relevant, its priority."""

    kind: MomentKind
    window: timedelta
    priority: int


MOMENT_FOR_SIGNAL: dict[SignalKind, MomentKind] = {
    SignalKind.JOB_CHANGE: MomentKind.CONGRATULATE_NEW_ROLE,
    SignalKind.PROMOTION: MomentKind.CONGRATULATE_NEW_ROLE,
    SignalKind.AWARD: MomentKind.CONGRATULATE_AWARD,
    SignalKind.PRESS_MENTION: MomentKind.PRESS_MENTION,
    SignalKind.COMPANY_NEWS: MomentKind.COMPANY_NEWS,
}
DEFAULT_WINDOWS: dict[MomentKind, timedelta] = {
    MomentKind.CONGRATULATE_NEW_ROLE: timedelta(days=30),
    MomentKind.CONGRATULATE_AWARD: timedelta(days=30),
    MomentKind.PRESS_MENTION: timedelta(days=30),
    MomentKind.COMPANY_NEWS: timedelta(days=14),
    MomentKind.RELEVANT_VACANCY: timedelta(days=30),  # or until the vacancy closes
    MomentKind.CHECK_IN: timedelta(days=30),
    MomentKind.REENGAGE: timedelta(days=30),
    MomentKind.RENEW_CONSENT: timedelta(days=45),  # or until the retention date
}
DEFAULT_PRIORITIES: dict[MomentKind, int] = {
    MomentKind.RENEW_CONSENT: 90,
    MomentKind.CONGRATULATE_NEW_ROLE: 80,
    MomentKind.CONGRATULATE_AWARD: 70,
    MomentKind.RELEVANT_VACANCY: 65,
    MomentKind.PRESS_MENTION: 50,
    MomentKind.COMPANY_NEWS: 40,
    MomentKind.REENGAGE: 35,
    MomentKind.CHECK_IN: 30,
}
DEPARTURE_PRIORITY = 75
"""Someone leaving their employer is open to a conversation: a check-in, soon."""


def rule_for(
    kind: SignalKind,
    event: str | None,
    *,
    windows: Mapping[MomentKind, timedelta] = DEFAULT_WINDOWS,
    priorities: Mapping[MomentKind, int] = DEFAULT_PRIORITIES,
) -> MomentRule | None:
    """The moment a signal calls for; None when it calls for none (a retirement)."""
    if kind is SignalKind.JOB_CHANGE and event == "retirement":
        return None
    if kind is SignalKind.JOB_CHANGE and event == "departure":
        return MomentRule(MomentKind.CHECK_IN, windows[MomentKind.CHECK_IN], DEPARTURE_PRIORITY)
    moment = MOMENT_FOR_SIGNAL[kind]
    return MomentRule(moment, windows[moment], priorities[moment])


@dataclass(frozen=True, kw_only=True)
class DraftFacts:
    """What a draft may refer to."""

    kind: MomentKind
    language: str
    first_name: str
    headline: str
    link: str | None
    employer: str | None
    last_topic: str | None
    last_contact: date | None
    event: str | None = None
    new_title: str | None = None
    new_employer: str | None = None
    old_employer: str | None = None
    vacancy: str | None = None
    formal: bool = False
    """Address the member as "u" (Dutch) rather than "je"."""
    sequence: int = 0
    """How many messages the member got before this one: picks the phrasing variant."""
    today: date | None = None


def draft_context(facts: DraftFacts) -> dict[str, Any]:
    """The values a draft template may use, shortened so the draft stays short. The
    headline is there for templates that want it; the bundled ones write from the
    event's parts (tone, title, employer, award) instead."""
    lang = facts.language if facts.language in ("en", "nl") else "en"
    month = (
        month_and_year(facts.last_contact, lang)
        if facts.last_topic and facts.last_contact
        else None
    )
    when = when_we_spoke(facts.last_contact, facts.today, lang) if facts.today else None
    topic = topic_for_member(facts.last_topic, lang, formal=facts.formal)
    return {
        "language": lang,
        "kind": facts.kind.value,
        "event": facts.event,
        "tone": tone_for(facts.kind.value, facts.event).value,
        "name": facts.first_name,
        "employer": facts.employer,
        "headline": shorten(facts.headline, 90),
        "link": facts.link,
        "title": shorten(facts.new_title, 60) if facts.new_title else None,
        "new_employer": shorten(facts.new_employer, 60) if facts.new_employer else None,
        "old_employer": shorten(facts.old_employer, 60) if facts.old_employer else None,
        "award": award_name(facts.headline)
        if facts.kind is MomentKind.CONGRATULATE_AWARD
        else None,
        "vacancy": shorten(facts.vacancy, 90) if facts.vacancy else None,
        "topic": shorten(topic, 80) if topic and when else None,
        "when": when,
        "month": month,
        "formal": facts.formal,
        "sequence": facts.sequence,
    }


def finish_draft(text: str) -> str:
    """A rendered draft on one line and within the length limit."""
    return shorten(text, DRAFT_LIMIT)


def shorten(text: str, limit: int) -> str:
    """``text`` with collapsed whitespace, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
