"""Kinds of contact moments, their windows and priorities, and the drafts they carry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

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


DEPARTURE = MomentRule(MomentKind.CHECK_IN, timedelta(days=30), 75)
"""Someone leaving their employer is open to a conversation: a check-in, soon."""

RULES: dict[SignalKind, MomentRule] = {
    SignalKind.JOB_CHANGE: MomentRule(MomentKind.CONGRATULATE_NEW_ROLE, timedelta(days=30), 80),
    SignalKind.PROMOTION: MomentRule(MomentKind.CONGRATULATE_NEW_ROLE, timedelta(days=30), 80),
    SignalKind.AWARD: MomentRule(MomentKind.CONGRATULATE_AWARD, timedelta(days=30), 70),
    SignalKind.PRESS_MENTION: MomentRule(MomentKind.PRESS_MENTION, timedelta(days=30), 60),
    SignalKind.COMPANY_NEWS: MomentRule(MomentKind.COMPANY_NEWS, timedelta(days=14), 40),
}


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


_MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

_OPENINGS = {
    "en": {
        MomentKind.COMPANY_NEWS: "Hi {name}, I just read the news about {employer}: “{headline}”.",
        MomentKind.PRESS_MENTION: "Hi {name}, I saw you in the news: “{headline}”.",
        MomentKind.CONGRATULATE_NEW_ROLE: "Hi {name}, congratulations on the new role!",
        MomentKind.CONGRATULATE_AWARD: "Hi {name}, congratulations on the award!",
    },
    "nl": {
        MomentKind.COMPANY_NEWS: "Hoi {name}, ik las net het nieuws over {employer}: “{headline}”.",
        MomentKind.PRESS_MENTION: "Hoi {name}, ik zag je in het nieuws: “{headline}”.",
        MomentKind.CONGRATULATE_NEW_ROLE: "Hoi {name}, gefeliciteerd met je nieuwe rol!",
        MomentKind.CONGRATULATE_AWARD: "Hoi {name}, gefeliciteerd met de prijs!",
    },
}
_FALLBACK_OPENING = {
    "en": "Hi {name}, it has been a while!",
    "nl": "Hoi {name}, het is alweer even geleden!",
}
_TOPIC = {
    "en": "When we spoke in {month} we talked about {topic}.",
    "nl": "Toen we elkaar in {month} spraken, hadden we het over {topic}.",
}
_QUESTION = {
    "en": "How are things going? Happy to catch up over a coffee some time.",
    "nl": "Hoe gaat het met je? Zin om een keer bij te praten bij een kop koffie?",
}


_ROLE = {
    "en": {
        "promotion": "Hi {name}, congratulations on becoming {title}!",
        "departure": "Hi {name}, I read that you are moving on from {old}. Exciting times!",
        "role": "Hi {name}, congratulations on your new role{as_title}{at_employer}!",
    },
    "nl": {
        "promotion": "Hoi {name}, gefeliciteerd met je nieuwe functie als {title}!",
        "departure": "Hoi {name}, ik las dat je vertrekt bij {old}. Spannende tijd!",
        "role": "Hoi {name}, gefeliciteerd met je nieuwe rol{as_title}{at_employer}!",
    },
}
_AS = {"en": (" as {}", " at {}"), "nl": (" als {}", " bij {}")}


def draft_message(facts: DraftFacts) -> str:
    """A short, personal message in the member's language (nl or en), under 400 characters."""
    lang = facts.language if facts.language in _OPENINGS else "en"
    parts = [_opening(facts, lang)]
    if facts.last_topic and facts.last_contact:
        month = _month_name(facts.last_contact, lang)
        parts.append(_TOPIC[lang].format(month=month, topic=_shorten(facts.last_topic, 80)))
    parts.append(_QUESTION[lang])
    text = " ".join(parts)
    return _shorten(text, DRAFT_LIMIT)


def _opening(facts: DraftFacts, lang: str) -> str:
    if facts.event == "departure" and facts.old_employer:
        template = _ROLE[lang]["departure"]
    elif facts.event == "promotion" and facts.new_title:
        template = _ROLE[lang]["promotion"]
    elif facts.kind is MomentKind.CONGRATULATE_NEW_ROLE:
        template = _ROLE[lang]["role"]
    else:
        template = _OPENINGS[lang].get(facts.kind, _FALLBACK_OPENING[lang])
    as_title, at_employer = _AS[lang]
    return template.format(
        name=facts.first_name,
        employer=facts.employer or ("your company" if lang == "en" else "je werkgever"),
        headline=_shorten(facts.headline, 90),
        title=_shorten(facts.new_title or "", 60),
        old=_shorten(facts.old_employer or "", 60),
        as_title=as_title.format(_shorten(facts.new_title, 60)) if facts.new_title else "",
        at_employer=at_employer.format(_shorten(facts.new_employer, 60))
        if facts.new_employer
        else "",
    )


def _month_name(day: date, lang: str) -> str:
    if lang == "nl":
        return f"{_MONTHS_NL[day.month - 1]} {day.year}"
    return f"{day:%B %Y}"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def window_for(kind: SignalKind, occurred_at: datetime) -> tuple[MomentRule, datetime]:
    """The moment rule for a signal kind and when such a moment expires."""
    rule = RULES[kind]
    return rule, occurred_at + rule.window


def rule_for(kind: SignalKind, event: str | None) -> MomentRule | None:
    """The moment a signal calls for; None when it calls for none (a retirement)."""
    if kind is SignalKind.JOB_CHANGE and event == "retirement":
        return None
    if kind is SignalKind.JOB_CHANGE and event == "departure":
        return DEPARTURE
    return RULES[kind]
