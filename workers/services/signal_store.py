"""Store a batch's signal drafts: one query for the events seen before, one insert of the
new signals, one of their evidence; idempotent by the signal's fingerprint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.schema import Item, Signal, SignalEvidence
from sources.signals import SignalDraft

_CHUNK = 1_000
"""Fingerprints per IN list: well below every database's parameter limit."""


@dataclass
class _Planned:
    item: Item
    draft: SignalDraft
    fingerprint: str
    earlier: str
    occurred: datetime


def record_signals(
    session: Session, drafts: list[tuple[Item, SignalDraft]], now: datetime
) -> list[int]:
    """Store new signals and add every item as evidence to its signal (new or seen before,
    in the same week or the one before); return the ids of the signals seen first now."""
    planned = [_plan(item, draft) for item, draft in drafts]
    if not planned:
        return []
    known = _known(session, {p.fingerprint for p in planned} | {p.earlier for p in planned})
    fresh: dict[str, _Planned] = {}
    for entry in planned:
        if entry.fingerprint in known or entry.earlier in known or entry.earlier in fresh:
            continue
        first = fresh.setdefault(entry.fingerprint, entry)
        if entry.draft.confidence > first.draft.confidence:
            fresh[entry.fingerprint] = _Planned(
                first.item, entry.draft, first.fingerprint, first.earlier, first.occurred
            )
    # Rows in one order in every worker: two batches sharing events wait, never deadlock.
    inserted = _insert_new(session, [fresh[fp] for fp in sorted(fresh)], now)
    # Another worker may have stored one of them a moment ago: that one is known now.
    missing = set(fresh) - set(inserted)
    known |= _known(session, missing) if missing else {}
    known |= {fp: (signal_id, fresh[fp].draft.confidence) for fp, signal_id in inserted.items()}
    _raise_confidence(session, planned, known)
    _add_evidence(session, planned, known, now)
    return sorted(inserted.values())


def _plan(item: Item, draft: SignalDraft) -> _Planned:
    occurred = item.published_at or item.fetched_at
    return _Planned(
        item,
        draft,
        draft.fingerprint(item.title, occurred),
        draft.fingerprint(item.title, occurred - timedelta(days=7)),
        occurred,
    )


def _known(session: Session, fingerprints: set[str]) -> dict[str, tuple[int, float]]:
    """Signals stored before, by fingerprint: their id and confidence."""
    ordered = sorted(fingerprints)
    known: dict[str, tuple[int, float]] = {}
    for start in range(0, len(ordered), _CHUNK):
        rows = session.execute(
            select(Signal.fingerprint, Signal.id, Signal.confidence).where(
                Signal.fingerprint.in_(ordered[start : start + _CHUNK])
            )
        )
        known.update({fingerprint: (sid, conf) for fingerprint, sid, conf in rows})
    return known


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _insert_new(session: Session, fresh: list[_Planned], now: datetime) -> dict[str, int]:
    """Insert new signals, skipping any another worker stored meanwhile; their ids."""
    if not fresh:
        return {}
    rows = [_signal_row(entry, now) for entry in fresh]
    inserted: dict[str, int] = {}
    for start in range(0, len(rows), _CHUNK):
        statement = (
            _insert(session)(Signal)
            .values(rows[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=["fingerprint"])
            .returning(Signal.fingerprint, Signal.id)
        )
        inserted.update({fp: sid for fp, sid in session.execute(statement)})
    return inserted


def _signal_row(entry: _Planned, now: datetime) -> dict[str, Any]:
    draft, item = entry.draft, entry.item
    return {
        "fingerprint": entry.fingerprint,
        "kind": draft.kind.value,
        "member_id": draft.member_id,
        "employer_id": draft.employer_id,
        "item_id": item.id,
        "event": draft.event,
        "person": draft.person,
        "new_employer": draft.new_employer,
        "old_employer": draft.old_employer,
        "new_title": draft.new_title,
        "headline": item.title,
        "url": item.link,
        "confidence": draft.confidence,
        "occurred_at": entry.occurred,
        "created_at": now,
    }


def _signal_of(entry: _Planned, known: dict[str, tuple[int, float]]) -> tuple[int, float]:
    return known.get(entry.fingerprint) or known[entry.earlier]


def _raise_confidence(
    session: Session, planned: list[_Planned], known: dict[str, tuple[int, float]]
) -> None:
    """A signal seen again with more confidence keeps the higher one."""
    raised: dict[int, float] = {}
    for entry in planned:
        signal_id, confidence = _signal_of(entry, known)
        if entry.draft.confidence > max(confidence, raised.get(signal_id, 0.0)):
            raised[signal_id] = entry.draft.confidence
    if raised:
        session.execute(
            update(Signal)
            .where(Signal.id == bindparam("s_id"))
            .values(confidence=bindparam("s_confidence")),
            [{"s_id": sid, "s_confidence": raised[sid]} for sid in sorted(raised)],
            execution_options={"synchronize_session": False},
        )


def _add_evidence(
    session: Session,
    planned: list[_Planned],
    known: dict[str, tuple[int, float]],
    now: datetime,
) -> None:
    """Each item once as evidence of its signal; a redelivered batch adds nothing."""
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for entry in planned:
        signal_id, _ = _signal_of(entry, known)
        item = entry.item
        rows.setdefault(
            (signal_id, item.id),
            {
                "signal_id": signal_id,
                "item_id": item.id,
                "url": item.link,
                "title": item.title,
                "snippet": item.summary[:500],
                "published_at": item.published_at,
                "created_at": now,
            },
        )
    ordered = [rows[key] for key in sorted(rows)]
    for start in range(0, len(ordered), _CHUNK):
        session.execute(
            _insert(session)(SignalEvidence)
            .values(ordered[start : start + _CHUNK])
            .on_conflict_do_nothing(index_elements=["signal_id", "item_id"])
        )
