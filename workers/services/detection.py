"""Detect: turn stored items into signals about the members and employers they concern.

Items are detected in batches: one transaction loads a batch, the process's shared name
matcher reads each item, one query loads what corroborates the members named anywhere in
the batch, and the batch's signals and evidence are stored by one insert each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models.schema import Employer, Item, Member, Source
from sources.detect import Mentions, NameMatcher
from sources.events import Event, classify
from sources.signals import MemberContext, SignalDraft, drafts_for_observation, drafts_for_text
from workers.app import App
from workers.db import transaction
from workers.services.name_matcher import matcher_for
from workers.services.signal_store import record_signals
from workers.services.vacancies import VACANCY_FEED, store_vacancy

log = structlog.get_logger(__name__)

DETECT_BATCH = 200
"""Items per detect message: enough to share the queries, small enough to bound memory."""


def batches(item_ids: Sequence[int]) -> list[list[int]]:
    """Item ids cut into detect messages of at most DETECT_BATCH."""
    return [list(item_ids[i : i + DETECT_BATCH]) for i in range(0, len(item_ids), DETECT_BATCH)]


def detect_items(app: App, item_ids: Sequence[int], now: datetime) -> list[int]:
    """Detect signals in a batch of items; return the ids of signals seen for the first
    time. Items detected already (a redelivered message) are skipped."""
    with transaction(app.sessions) as session:
        items = list(
            session.scalars(
                select(Item)
                .where(Item.id.in_(item_ids), Item.detected_at.is_(None))
                .order_by(Item.id)
                .with_for_update(skip_locked=True)
            )
        )
        if not items:
            return []
        sources = _sources(session, {item.source_id for item in items})
        matcher = matcher_for(session)
        readings: list[_Reading] = []
        for item in items:
            source = sources[item.source_id]
            if source.kind == VACANCY_FEED:
                store_vacancy(session, item, now)
            else:
                readings.append(_read(matcher, item, source))
        contexts = member_contexts(session, {m for r in readings for m in r.named()})
        drafts = [(r.item, draft) for r in readings for draft in r.drafts(contexts)]
        new_ids = record_signals(session, drafts, now)
        session.execute(
            update(Item)
            .where(Item.id.in_([item.id for item in items]))
            .values(detected_at=now)
            .execution_options(synchronize_session=False)
        )
    log.info("items.detected", items=len(items), signals=len(drafts), new_signals=len(new_ids))
    return new_ids


def detect_item(app: App, item_id: int, now: datetime) -> list[int]:
    """Detect signals in one item (a batch of one)."""
    return detect_items(app, [item_id], now)


@dataclass(frozen=True)
class _Reading:
    """What one item says, before the members it names are looked up."""

    item: Item
    source: Source
    mentions: Mentions
    event: Event | None = None
    subject: Mentions | None = None
    observation: dict[str, Any] | None = None

    def named(self) -> set[int]:
        named = set(self.mentions.member_ids)
        if self.observation is None:
            named |= self.mentions.surname_member_ids
        if self.subject is not None:
            named |= self.subject.member_ids | self.subject.surname_member_ids
        return named

    def drafts(self, contexts: dict[int, MemberContext]) -> list[SignalDraft]:
        if self.observation is not None:
            return drafts_for_observation(
                self.observation, self.mentions, contexts, page_member_id=self.source.member_id
            )
        assert self.event is not None
        text = _text_of(self.item)
        return drafts_for_text(
            self.event,
            self.mentions,
            self.subject,
            contexts,
            text,
            source_employer_id=self.source.employer_id,
        )


def _read(matcher: NameMatcher, item: Item, source: Source) -> _Reading:
    if item.payload:
        observation = json.loads(item.payload)
        mentions = matcher.find(str(observation.get("name") or ""))
        return _Reading(item, source, mentions, observation=observation)
    text = _text_of(item)
    event = classify(text)
    mentions = matcher.find(text)
    subject = _subject(matcher, event, mentions)
    return _Reading(item, source, mentions, event=event, subject=subject)


def _subject(matcher: NameMatcher, event: Event, mentions: Mentions) -> Mentions | None:
    """The members the event's person may be: read with the employers the text names."""
    if not event.person:
        return None
    return matcher.find(event.person, employers=mentions.employer_ids)


def _text_of(item: Item) -> str:
    return f"{item.title}\n{item.summary}"


def _sources(session: Session, source_ids: set[int]) -> dict[int, Source]:
    return {s.id: s for s in session.scalars(select(Source).where(Source.id.in_(source_ids)))}


def text_drafts(
    session: Session, text: str, source_employer_id: int | None = None
) -> tuple[Event, list[SignalDraft]]:
    """What a news text says happened, and the signals it gives for the pool."""
    matcher = matcher_for(session)
    event = classify(text)
    mentions = matcher.find(text)
    subject = _subject(matcher, event, mentions)
    named = mentions.member_ids | mentions.surname_member_ids
    if subject is not None:
        named |= subject.member_ids | subject.surname_member_ids
    contexts = member_contexts(session, named)
    drafts = drafts_for_text(
        event, mentions, subject, contexts, text, source_employer_id=source_employer_id
    )
    return event, drafts


def member_contexts(session: Session, member_ids: Iterable[int]) -> dict[int, MemberContext]:
    """What corroborates a person match for each member: employer, title, city."""
    ids = sorted(set(member_ids))
    contexts: dict[int, MemberContext] = {}
    for start in range(0, len(ids), 1_000):
        rows = session.execute(
            select(Member.id, Member.employer_id, Employer.key, Member.title, Member.city)
            .outerjoin(Employer, Member.employer_id == Employer.id)
            .where(Member.id.in_(ids[start : start + 1_000]))
        ).all()
        contexts.update({row[0]: MemberContext(row[1], row[2], row[3], row[4]) for row in rows})
    return contexts
