"""Detect: turn a stored item into signals about the members and employers it concerns."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.schema import Employer, EmployerAlias, Item, Member, Signal, SignalEvidence, Source
from sources.detect import NameMatcher
from sources.events import Event, classify
from sources.signals import MemberContext, SignalDraft, drafts_for_observation, drafts_for_text
from workers.app import App
from workers.db import transaction
from workers.services.vacancies import VACANCY_FEED, store_vacancy

log = structlog.get_logger(__name__)


@dataclass
class _CachedMatcher:
    version: tuple[object, ...]
    matcher: NameMatcher
    checked: float


RECHECK_SECONDS = 30.0
"""How often a process asks whether the pool changed: the question costs full counts on a
680,000-member table, so it is not asked for every item."""

_cache: dict[str, _CachedMatcher] = {}
_cache_lock = threading.Lock()


def matcher_for(session: Session) -> NameMatcher:
    """The process's name matcher for this database, rebuilt when members or employers
    changed (noticed within RECHECK_SECONDS)."""
    key = str(session.get_bind().engine.url)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and time.monotonic() - cached.checked < RECHECK_SECONDS:
            return cached.matcher
        version = (
            session.scalar(select(func.count(Member.id))),
            session.scalar(select(func.max(Member.updated_at))),
            session.scalar(select(func.count(Employer.id))),
            session.scalar(select(func.count(EmployerAlias.id))),
        )
        if cached is None or cached.version != version:
            employers = [
                *session.execute(select(Employer.id, Employer.name)).all(),
                *session.execute(select(EmployerAlias.employer_id, EmployerAlias.name)).all(),
            ]
            members = session.execute(select(Member.id, Member.name)).all()
            matcher = NameMatcher(employers=employers, members=members)
            log.info("matcher.built", names=matcher.size)
        else:
            matcher = cached.matcher
        _cache[key] = _CachedMatcher(version, matcher, time.monotonic())
        return matcher


def detect_item(app: App, item_id: int, now: datetime) -> list[int]:
    """Detect signals in one item; return the ids of signals seen for the first time."""
    with transaction(app.sessions) as session:
        item = session.get(Item, item_id)
        if item is None or item.detected_at is not None:
            return []
        source = session.get_one(Source, item.source_id)
        if source.kind == VACANCY_FEED:
            store_vacancy(session, item, now)
            drafts: list[SignalDraft] = []
        else:
            drafts = _drafts(session, item, source)
        occurred = item.published_at or item.fetched_at
        new_ids = [
            sid
            for draft in drafts
            if (sid := _record(session, item, draft, occurred, now)) is not None
        ]
        item.detected_at = now
    log.info("item.detected", item_id=item_id, signals=len(drafts), new_signals=len(new_ids))
    return new_ids


def _drafts(session: Session, item: Item, source: Source) -> list[SignalDraft]:
    if item.payload:
        matcher = matcher_for(session)
        observation = json.loads(item.payload)
        mentions = matcher.find(observation.get("name", ""))
        contexts = member_contexts(session, mentions.member_ids)
        return drafts_for_observation(
            observation, mentions, contexts, page_member_id=source.member_id
        )
    _, drafts = text_drafts(session, f"{item.title}\n{item.summary}", source.employer_id)
    return drafts


def text_drafts(
    session: Session, text: str, source_employer_id: int | None = None
) -> tuple[Event, list[SignalDraft]]:
    """What a news text says happened, and the signals it gives for the pool."""
    matcher = matcher_for(session)
    event = classify(text)
    mentions = matcher.find(text)
    subject = matcher.find(event.person) if event.person else None
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
    if not ids:
        return {}
    rows = session.execute(
        select(Member.id, Member.employer_id, Employer.key, Member.title, Member.city)
        .outerjoin(Employer, Member.employer_id == Employer.id)
        .where(Member.id.in_(ids))
    ).all()
    return {row[0]: MemberContext(row[1], row[2], row[3], row[4]) for row in rows}


def _record(
    session: Session, item: Item, draft: SignalDraft, occurred: datetime, now: datetime
) -> int | None:
    """Store a new signal, or add this item as evidence to the same event seen before."""
    fingerprint = draft.fingerprint(item.title, occurred)
    earlier = draft.fingerprint(item.title, occurred - timedelta(days=7))
    existing = session.scalars(
        select(Signal).where(Signal.fingerprint.in_({fingerprint, earlier}))
    ).first()
    if existing is None:
        signal = _new_signal(draft, fingerprint, item, occurred, now)
        try:
            with session.begin_nested():
                session.add(signal)
        except IntegrityError:  # another worker stored the same event a moment ago
            existing = session.scalars(
                select(Signal).where(Signal.fingerprint == fingerprint)
            ).one()
        else:
            _add_evidence(session, signal, item, now)
            return signal.id
    existing.confidence = max(existing.confidence, draft.confidence)
    _add_evidence(session, existing, item, now)
    return None


def _new_signal(
    draft: SignalDraft, fingerprint: str, item: Item, occurred: datetime, now: datetime
) -> Signal:
    return Signal(
        fingerprint=fingerprint,
        kind=draft.kind.value,
        member_id=draft.member_id,
        employer_id=draft.employer_id,
        item_id=item.id,
        event=draft.event,
        person=draft.person,
        new_employer=draft.new_employer,
        old_employer=draft.old_employer,
        new_title=draft.new_title,
        headline=item.title,
        url=item.link,
        confidence=draft.confidence,
        occurred_at=occurred,
        created_at=now,
    )


def _add_evidence(session: Session, signal: Signal, item: Item, now: datetime) -> None:
    known = session.scalar(
        select(SignalEvidence.id).where(
            SignalEvidence.signal_id == signal.id, SignalEvidence.item_id == item.id
        )
    )
    if known is None:
        session.add(
            SignalEvidence(
                signal_id=signal.id,
                item_id=item.id,
                url=item.link,
                title=item.title,
                snippet=item.summary[:500],
                published_at=item.published_at,
                created_at=now,
            )
        )
