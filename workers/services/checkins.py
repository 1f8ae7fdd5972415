"""Check-ins: when nothing happened for too long, a light reason to get in touch anyway.

Members not contacted for ``check_in_after`` get a check_in moment; after
``reengage_after`` a reengage moment with a higher priority. One per member per
30-day period, keyed so that a second tick creates nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from models.moments import MomentKind
from models.schema import Member, Moment
from workers.app import App
from workers.drafts import member_draft, member_facts

LIVE = ("pending", "deferred", "routed", "delivered")
PERIOD_DAYS = 30
GRACE = timedelta(days=1)
"""A check-in waits a day, so news found meanwhile is the reason to get in touch instead."""


def create_check_ins(app: App, now: datetime, *, limit: int = 500) -> list[int]:
    """Create the check-in and reengage moments that are due; return their ids."""
    policy = app.settings.pool_policy
    cutoff = (now - policy.check_in_after).date()
    # Any moment waiting or open is already a reason to get in touch; a check-in made in
    # the last period is not made again, whatever became of it.
    live = exists().where(Moment.member_id == Member.id, Moment.status.in_(LIVE))
    recent = exists().where(
        Moment.member_id == Member.id,
        Moment.kind.in_((MomentKind.CHECK_IN.value, MomentKind.REENGAGE.value)),
        Moment.created_at > now - timedelta(days=PERIOD_DAYS),
    )
    with app.sessions() as session:
        due = list(
            session.scalars(
                select(Member)
                .where((Member.last_contact_on.is_(None)) | (Member.last_contact_on < cutoff))
                .where(Member.do_not_contact.is_(False), ~live, ~recent)
                .order_by(Member.id)
                .options(selectinload(Member.owner))
                .limit(limit)
            )
        )
        before = dict(
            session.execute(
                select(Moment.member_id, func.count(Moment.id))
                .where(Moment.member_id.in_([m.id for m in due]))
                .group_by(Moment.member_id)
            ).all()
        )
    if not due:
        return []
    # Drafted with the session closed: on SQLite an open one holds the write lock.
    rows = [_row(app, member, before.get(member.id, 0), now) for member in due]
    # One statement for them all; a key another scheduler took a moment ago is skipped.
    with app.engine.begin() as connection:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        return list(
            connection.scalars(
                insert(Moment)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["key"])
                .returning(Moment.id)
            )
        )


def _row(app: App, member: Member, sequence: int, now: datetime) -> dict[str, Any]:
    policy = app.settings.pool_policy
    days = (now.date() - member.last_contact_on).days if member.last_contact_on else None
    kind = (
        MomentKind.REENGAGE
        if days is None or days >= policy.reengage_after.days
        else MomentKind.CHECK_IN
    )
    # The period moves for members never contacted too, so they get a moment each period.
    period = (now - member.created_at).days // PERIOD_DAYS
    facts = member_facts(member, kind)
    return {
        "member_id": member.id,
        "kind": kind.value,
        "status": "pending",
        "key": f"{kind}:{member.id}:{member.last_contact_on}:{period}",
        "routings": 0,
        "priority": policy.priorities[kind],
        "confidence": 1.0,
        "not_before": now + GRACE,
        "expires_at": now + GRACE + policy.windows[kind],
        "draft": member_draft(member, facts, now, app.settings.templates_path, sequence=sequence),
        "created_at": now,
        "reason": f"no contact for {days} days" if days is not None else "no contact on record",
    }
