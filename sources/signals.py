"""From what a text says to signals: who each detected event is about, and how sure we are.

Pure: takes the classified event, the names matched in the text and what we know of
the members named, and returns signal drafts. The service stores them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from models.moments import SignalKind
from models.names import company_key, fold, padded
from sources.detect import Mentions
from sources.events import Event

CONFIDENT = 0.9
NAMESAKE = 0.4  # a full name with nothing around it that says it is our member
SURNAME_ONLY = 0.6
MAX_NAMESAKES = 2
"""A shared name whose title or city alone points at more members than this points at no
one: only namesakes at an employer the text names are kept then."""


@dataclass(frozen=True)
class MemberContext:
    """What supports a person match: the member's employer, title and city."""

    employer_id: int | None
    employer_key: str | None
    title: str | None
    city: str | None


@dataclass(frozen=True)
class SignalDraft:
    """A signal before it is stored."""

    kind: SignalKind
    member_id: int | None = None
    employer_id: int | None = None
    event: str | None = None
    person: str | None = None
    new_employer: str | None = None
    old_employer: str | None = None
    new_title: str | None = None
    confidence: float = 0.5

    def fingerprint(self, headline: str, occurred_at: datetime, week_offset: int = 0) -> str:
        """The identity of the event: subject, kind and what happened, within a week.

        An event with a detected kind is one signal per subject and week however it is
        worded; a plain mention is one per subject and headline wording (word order aside).
        """
        subject = f"m{self.member_id}" if self.member_id is not None else f"e{self.employer_id}"
        year, week, _ = occurred_at.isocalendar()
        if self.event is not None:
            what = (
                f"{self.event}|{company_key(self.new_employer or '')}|{year}-{week + week_offset}"
            )
        else:
            what = " ".join(sorted({w for w in fold(headline).split() if len(w) > 3})[:12])
        return hashlib.sha256(f"{self.kind}|{subject}|{what}".encode()).hexdigest()


PERSON_KINDS = {"job_change": SignalKind.JOB_CHANGE, "award": SignalKind.AWARD}


def drafts_for_text(
    event: Event,
    mentions: Mentions,
    subject_mentions: Mentions | None,
    members: Mapping[int, MemberContext],
    text: str,
    *,
    source_employer_id: int | None = None,
) -> list[SignalDraft]:
    """Signals for one text: the event's subject, other members named, and employers."""
    haystack = padded(text)
    drafts: list[SignalDraft] = []
    subjects: set[int] = set()
    strength = _Strength(mentions, members, haystack, event)
    if event.label in PERSON_KINDS:
        candidates = subject_mentions if subject_mentions is not None else mentions
        for member_id in sorted(candidates.member_ids | candidates.surname_member_ids):
            confidence = _person_confidence(member_id, candidates, strength)
            if confidence is None:
                continue
            subjects.add(member_id)
            drafts.append(_person_draft(event, member_id, members, confidence))
    for member_id in sorted(mentions.member_ids - subjects):
        confidence = _person_confidence(member_id, mentions, strength)
        if confidence is not None:
            drafts.append(
                SignalDraft(SignalKind.PRESS_MENTION, member_id=member_id, confidence=confidence)
            )
    if event.label == "company_news":
        employers = set(mentions.employer_ids)
        if source_employer_id is not None:
            employers.add(source_employer_id)
        drafts.extend(
            SignalDraft(
                SignalKind.COMPANY_NEWS,
                employer_id=e,
                event=event.event,
                confidence=event.confidence,
            )
            for e in sorted(employers)
        )
    return drafts


class _Strength:
    """How strongly the text around a name says it is each member: 2 their employer is
    named, 1 their title or city, 0 nothing; namesakes only by their title or city are
    too many to trust when more than MAX_NAMESAKES share that."""

    def __init__(
        self,
        mentions: Mentions,
        members: Mapping[int, MemberContext],
        haystack: str,
        event: Event,
    ) -> None:
        self._mentions, self._members, self._haystack = mentions, members, haystack
        self._named = {company_key(n) for n in (event.old_employer, event.new_employer) if n}
        self._of: dict[int, int] = {}
        weak_namesakes = [m for m in mentions.shared_member_ids if self._strength(m) == 1]
        self._doubtful = set(weak_namesakes) if len(weak_namesakes) > MAX_NAMESAKES else set()

    def of(self, member_id: int) -> int:
        """2, 1 or 0: employer, title or city, nothing."""
        return 0 if member_id in self._doubtful else self._strength(member_id)

    def _strength(self, member_id: int) -> int:
        if member_id not in self._of:
            context = self._members.get(member_id)
            self._of[member_id] = (
                0
                if context is None
                else _corroboration(context, self._mentions, self._named, self._haystack)
            )
        return self._of[member_id]


def _person_confidence(member_id: int, candidates: Mentions, strength: _Strength) -> float | None:
    """How sure we are that the name is our member; None when too unsure to keep. A name
    other members share needs something that points at this one."""
    corroborated = strength.of(member_id) > 0
    if member_id in candidates.member_ids:
        if corroborated:
            return CONFIDENT
        return None if member_id in candidates.shared_member_ids else NAMESAKE
    return SURNAME_ONLY if corroborated else None


def _corroboration(
    context: MemberContext, mentions: Mentions, named: set[str], haystack: str
) -> int:
    if context.employer_id is not None and context.employer_id in mentions.employer_ids:
        return 2
    if context.employer_key and context.employer_key in named:
        return 2
    nearby = any(
        value and len(value) > 3 and f" {fold(value)} " in haystack
        for value in (context.title, context.city)
    )
    return 1 if nearby else 0


def _person_draft(
    event: Event, member_id: int, members: Mapping[int, MemberContext], confidence: float
) -> SignalDraft:
    kind = PERSON_KINDS[event.label]
    context = members.get(member_id)
    promotion = event.event == "promotion" or (
        kind is SignalKind.JOB_CHANGE
        and event.new_employer is not None
        and context is not None
        and context.employer_key == company_key(event.new_employer)
        and event.event not in ("departure", "retirement")
    )
    return SignalDraft(
        SignalKind.PROMOTION if promotion else kind,
        member_id=member_id,
        event="promotion" if promotion else event.event,
        person=event.person,
        new_employer=event.new_employer,
        old_employer=event.old_employer,
        new_title=event.new_title,
        confidence=round(confidence * event.confidence, 2),
    )


JOINED_CONFIDENCE = 0.8
LEFT_CONFIDENCE = 0.6  # absence from a page is a likely departure, not a certain one


def drafts_for_observation(
    observation: Mapping[str, str | int | None],
    mentions: Mentions,
    members: Mapping[int, MemberContext],
    *,
    page_member_id: int | None = None,
) -> list[SignalDraft]:
    """Signals from a page change: someone joined, left or changed title on a team page,
    or a member's own profile page names a new employer or title."""
    change = observation.get("change")
    employer_id = observation.get("employer_id")
    employer = _text(observation.get("employer"))
    title = _text(observation.get("title"))
    if page_member_id is not None:
        context = members.get(page_member_id)
        if change != "profile" or context is None:
            return []
        return _profile_drafts(
            page_member_id, context, employer, title, _text(observation.get("name"))
        )
    drafts = []
    for member_id in sorted(mentions.member_ids):
        context = members.get(member_id)
        if context is None:
            continue
        here = context.employer_id is not None and context.employer_id == employer_id
        if not here and member_id in mentions.shared_member_ids:
            continue  # which of the namesakes joined, the page does not say
        draft = _team_draft(str(change), member_id, here, context, employer, title, observation)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _team_draft(
    change: str,
    member_id: int,
    here: bool,
    context: MemberContext,
    employer: str | None,
    title: str | None,
    observation: Mapping[str, str | int | None],
) -> SignalDraft | None:
    person = _text(observation.get("name"))
    if change == "joined" and not here:
        return _new_role(member_id, person, employer, title, JOINED_CONFIDENCE)
    if change == "left" and here:
        return SignalDraft(
            SignalKind.JOB_CHANGE,
            member_id=member_id,
            event="departure",
            person=person,
            old_employer=employer,
            confidence=LEFT_CONFIDENCE,
        )
    if change in ("retitled", "joined") and here and _retitled(title, context):
        return _promotion(member_id, person, employer, title, JOINED_CONFIDENCE, old=employer)
    return None


def _profile_drafts(
    member_id: int,
    context: MemberContext,
    employer: str | None,
    title: str | None,
    person: str | None,
) -> list[SignalDraft]:
    if employer and company_key(employer) != (context.employer_key or ""):
        return [_new_role(member_id, person, employer, title, CONFIDENT)]
    if _retitled(title, context):
        return [_promotion(member_id, person, employer, title, CONFIDENT)]
    return []


def _retitled(title: str | None, context: MemberContext) -> bool:
    return bool(title) and fold(title or "") != fold(context.title or "")


def _new_role(
    member_id: int, person: str | None, employer: str | None, title: str | None, confidence: float
) -> SignalDraft:
    return SignalDraft(
        SignalKind.JOB_CHANGE,
        member_id=member_id,
        event="appointment",
        person=person,
        new_employer=employer,
        new_title=title,
        confidence=confidence,
    )


def _promotion(
    member_id: int,
    person: str | None,
    employer: str | None,
    title: str | None,
    confidence: float,
    *,
    old: str | None = None,
) -> SignalDraft:
    return SignalDraft(
        SignalKind.PROMOTION,
        member_id=member_id,
        event="promotion",
        person=person,
        new_employer=employer,
        old_employer=old,
        new_title=title,
        confidence=confidence,
    )


def _text(value: str | int | None) -> str | None:
    return str(value) if value not in (None, "") else None
