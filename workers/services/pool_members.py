"""The pool import's member queries: finding the members a batch names (by external id, by
email) and writing them: new ones in one INSERT, changed ones by primary key, objections
stopping their moments, profile pages as sources.

Members are read as plain column dicts, not ORM objects: a batch of 2,000 rows compares
and writes them in bulk, and ORM identity tracking would cost more than the queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from models.schema import Member, Moment, Source
from sources.watch import PROFILE_PAGE
from workers.db import insert_or_ignore
from workers.services.pool_rows import PoolRow

MEMBERS = cast(Table, Member.__table__)
FIELDS = (
    "name",
    "title",
    "city",
    "last_contact_on",
    "last_topic",
    "interests",
    "next_action",
    "language",
    "profile_urls",
    "reason",
    "employer_id",
    "owner_id",
    "email",
    "external_id",
    "do_not_contact",
    "consent_until",
    "legal_basis",
    "consent_given_on",
    "formal",
)
COLUMNS = (Member.id, *(getattr(Member, name) for name in FIELDS))
COLUMN_NAMES = ("id", *FIELDS)
NEW_MEMBER = {  # what a new member gets for a column the file leaves out
    "email": None,
    "external_id": None,
    "do_not_contact": False,
    "consent_until": None,
    "legal_basis": None,
    "consent_given_on": None,
    "formal": False,
}

OBJECTION = "the member asked not to be contacted"

Line = tuple[int, PoolRow]
Found = dict[str, dict[str, dict[str, Any]]]
"""Members as column dicts, by ``external_id`` and by ``email``."""


def find_members(session: Session, rows: Iterable[PoolRow]) -> Found:
    """The members the rows name, by external id and by email. An email is looked up only
    where the member found by external id has another one."""
    rows = list(rows)
    found: Found = {"external_id": {}, "email": {}}
    by_id = found["external_id"]
    _find(session, by_id, "external_id", {row.external_id for row in rows if row.external_id})
    emails = {
        row.email
        for row in rows
        if row.email and by_id.get(row.external_id or "", {}).get("email") != row.email
    }
    _find(session, found["email"], "email", emails)
    for member in by_id.values():
        found["email"].setdefault(member["email"], member)
    return found


def _find(session: Session, into: dict[str, dict[str, Any]], key: str, wanted: set[str]) -> None:
    if not wanted:
        return
    query = select(*COLUMNS).where(getattr(Member, key).in_(list(wanted)))
    for values in session.execute(query):
        member = dict(zip(COLUMN_NAMES, values, strict=True))
        into[member[key]] = member


def existing(found: Found, row: PoolRow) -> dict[str, Any] | None:
    """The member a row names, if any; ValueError when its two keys name two members."""
    by_id = found["external_id"].get(row.external_id or "")
    by_email = found["email"].get(row.email or "")
    if by_id and by_email and by_id["id"] != by_email["id"]:
        raise ValueError(
            f"external id {row.external_id!r} and email belong to two different members"
        )
    return by_id or by_email


def insert_members(
    session: Session, inserts: list[tuple[Line, dict[str, Any]]], now: datetime
) -> list[tuple[int | None, Line]]:
    """New members in one executemany INSERT (multi-row VALUES on PostgreSQL); the ids
    of those with profile pages, looked up after, with their rows."""
    if not inserts:
        return []
    stamps = {"created_at": now, "updated_at": now}
    values = [{**NEW_MEMBER, **fields, **stamps} for _, fields in inserts]
    session.execute(insert(MEMBERS), values)
    with_pages = [line for line, _ in inserts if line[1].profile_urls]
    found = find_members(session, [row for _, row in with_pages])
    return [(_member_id(found, row), (line, row)) for line, row in with_pages]


def _member_id(found: Found, row: PoolRow) -> int | None:
    member = existing(found, row)
    return int(member["id"]) if member else None


def update_members(session: Session, updates: list[dict[str, Any]]) -> None:
    """Changed members, one UPDATE by primary key per set of changed columns."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for values in updates:
        groups.setdefault(frozenset(values), []).append(values)
    for group in groups.values():
        session.execute(update(Member), group)


def stop_moments(session: Session, member_ids: list[int], now: datetime) -> None:
    """An objection stops the member's moments at once, those with a recruiter too
    (their deliveries not yet sent are then cancelled when claimed)."""
    if not member_ids:
        return
    session.execute(
        update(Moment)
        .where(
            Moment.member_id.in_(member_ids),
            Moment.status.in_(("pending", "deferred", "routed", "delivered")),
        )
        .values(
            status="suppressed",
            closed_at=now,
            reason=OBJECTION,
        )
    )


def add_profile_pages(
    session: Session, members: Iterable[tuple[int | None, Line]], now: datetime
) -> None:
    """The rows' profile pages as sources (LinkedIn never: kept on the member only)."""
    pages = {
        url: member_id
        for member_id, (_, row) in members
        for url in (row.profile_urls or "").split()
        if "linkedin.com" not in url.lower()
    }
    if not pages:
        return
    values = [
        source_values(url, PROFILE_PAGE, now, member_id=member_id)
        for url, member_id in pages.items()
    ]
    session.execute(insert_or_ignore(session, Source, "url"), values)


def source_values(url: str, kind: str, now: datetime, **owner: int | None) -> dict[str, Any]:
    """A new source's columns, polled at once, owned by a member or an employer."""
    return {"url": url, "kind": kind, "next_poll_at": now, "created_at": now, **owner}
