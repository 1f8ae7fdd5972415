"""Detect: turn a stored item into signals about the members and employers it names."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.moments import SignalKind
from models.names import fold
from models.schema import Employer, Item, Member, Signal, Source
from sources.detect import NameMatcher
from workers.app import App
from workers.db import transaction

log = structlog.get_logger(__name__)


@dataclass
class _CachedMatcher:
    version: tuple[object, ...]
    matcher: NameMatcher


_cache: _CachedMatcher | None = None
_cache_lock = threading.Lock()


def matcher_for(session: Session) -> NameMatcher:
    """The process's name matcher, rebuilt only when members or employers changed."""
    global _cache
    version = (
        session.scalar(select(func.count(Member.id))),
        session.scalar(select(func.max(Member.updated_at))),
        session.scalar(select(func.count(Employer.id))),
    )
    with _cache_lock:
        if _cache is None or _cache.version != version:
            employers = session.execute(select(Employer.id, Employer.name))
            members = session.execute(select(Member.id, Member.name))
            _cache = _CachedMatcher(version, NameMatcher(employers=employers, members=members))
            log.info("matcher.built", names=_cache.matcher.size)
        return _cache.matcher


def detect_item(app: App, item_id: int, now: datetime) -> list[int]:
    """Detect signals in one item; return the ids of signals seen for the first time."""
    with transaction(app.sessions) as session:
        item = session.get(Item, item_id)
        if item is None or item.detected_at is not None:
            return []
        source = session.get_one(Source, item.source_id)
        mentions = matcher_for(session).find(f"{item.title}\n{item.summary}")
        employer_ids = set(mentions.employer_ids)
        if source.employer_id is not None:
            employer_ids.add(source.employer_id)
        occurred = item.published_at or item.fetched_at
        signal_ids = [
            _record(session, item, SignalKind.PRESS_MENTION, occurred, now, member_id=member_id)
            for member_id in sorted(mentions.member_ids)
        ] + [
            _record(session, item, SignalKind.COMPANY_NEWS, occurred, now, employer_id=employer_id)
            for employer_id in sorted(employer_ids)
        ]
        item.detected_at = now
    new_ids = [s for s in signal_ids if s is not None]
    log.info("item.detected", item_id=item_id, new_signals=len(new_ids))
    return new_ids


def _record(
    session: Session,
    item: Item,
    kind: SignalKind,
    occurred: datetime,
    now: datetime,
    *,
    member_id: int | None = None,
    employer_id: int | None = None,
) -> int | None:
    """Store a signal unless its fingerprint is known; return its id if new."""
    subject = f"m{member_id}" if member_id is not None else f"e{employer_id}"
    fingerprint = hashlib.sha256(f"{kind}|{subject}|{fold(item.title)}".encode()).hexdigest()
    if session.scalar(select(Signal.id).where(Signal.fingerprint == fingerprint)) is not None:
        return None
    signal = Signal(
        fingerprint=fingerprint,
        kind=kind.value,
        member_id=member_id,
        employer_id=employer_id,
        item_id=item.id,
        headline=item.title,
        url=item.link,
        confidence=0.9 if member_id is not None else 0.6,
        occurred_at=occurred,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(signal)
    except IntegrityError:
        return None  # another worker stored the same event a moment ago
    return signal.id
