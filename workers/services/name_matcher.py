"""The process's name matcher: built once, shared by every thread, rebuilt when the pool
or the employers change.

Building it reads every member's name (680,000 at agency scale), so it is built by one
thread while the others wait for it, never once per thread or per message.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import Employer, EmployerAlias, Member
from sources.detect import NameMatcher

log = structlog.get_logger(__name__)

RECHECK_SECONDS = 30.0
"""How often a process asks whether the pool changed: the question costs full counts on a
680,000-member table, so it is not asked for every batch."""


@dataclass
class _CachedMatcher:
    version: tuple[object, ...]
    matcher: NameMatcher
    checked: float


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
        version = _pool_version(session)
        if cached is None or cached.version != version:
            matcher = _build(session)
            log.info("matcher.built", names=matcher.size)
        else:
            matcher = cached.matcher
        _cache[key] = _CachedMatcher(version, matcher, time.monotonic())
        return matcher


def _pool_version(session: Session) -> tuple[object, ...]:
    return (
        session.scalar(select(func.count(Member.id))),
        session.scalar(select(func.max(Member.updated_at))),
        session.scalar(select(func.count(Employer.id))),
        session.scalar(select(func.count(EmployerAlias.id))),
    )


def _build(session: Session) -> NameMatcher:
    employers = [
        *session.execute(select(Employer.id, Employer.name)).all(),
        *session.execute(select(EmployerAlias.employer_id, EmployerAlias.name)).all(),
    ]
    # Streamed: the rows of 680,000 members are never all held at once.
    members = session.execute(
        select(Member.id, Member.name, Member.employer_id).execution_options(yield_per=10_000)
    )
    return NameMatcher(employers=employers, members=((r[0], r[1], r[2]) for r in members))
