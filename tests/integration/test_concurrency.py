"""Atomic per member under real concurrency: four worker processes on PostgreSQL route
hundreds of moments for the same few members at the same time; no limit is broken."""

from __future__ import annotations

import multiprocessing
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models.schema import Member, Moment, Recruiter
from tests.integration.invariants import assert_within_limits
from workers.app import App
from workers.db import transaction
from workers.services.feedback import Outcome, mark_done
from workers.settings import Settings

START = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
MEMBERS = 6
MOMENTS_PER_ROUND = 240


def _route_all(args: tuple[str, list[int], str]) -> int:
    """Run in a worker process: route every moment id at ``now``; count deliveries owed."""
    url, moment_ids, now = args
    from workers.services.routing import route_moment

    app = App.build(Settings.from_values({"database_url": url}), migrate=False)
    try:
        return sum(
            route_moment(app, m, datetime.fromisoformat(now)) is not None for m in moment_ids
        )
    finally:
        app.close()


def _add_moments(app: App, now: datetime, rng: random.Random) -> list[int]:
    kinds = [("company_news", 40), ("congratulate_new_role", 80), ("press_mention", 50)]
    with transaction(app.sessions) as session:
        rows = []
        for _ in range(MOMENTS_PER_ROUND):
            kind, priority = rng.choice(kinds)
            rows.append(
                Moment(
                    member_id=rng.randint(1, MEMBERS),
                    kind=kind,
                    priority=priority,
                    status="pending",
                    not_before=now,
                    expires_at=now + timedelta(days=rng.choice([14, 30, 120])),
                    created_at=now,
                )
            )
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


@pytest.mark.integration
def test_four_processes_never_break_the_contact_policy(pg_url: str) -> None:
    app = App.build(Settings.from_values({"database_url": pg_url}), migrate=True)
    rng = random.Random(11)
    with transaction(app.sessions) as session:
        owner = Recruiter(
            name="Anna",
            email="anna@agency.example",
            work_start="00:00",
            work_end="23:59",
            work_days="0,1,2,3,4,5,6",
            weekly_capacity=1000,
            created_at=START,
        )
        session.add(owner)
        session.flush()
        session.add_all(
            Member(
                name=f"Member {i}",
                email=f"m{i}@example.net",
                owner_id=owner.id,
                created_at=START,
                updated_at=START,
            )
            for i in range(MEMBERS)
        )
    context = multiprocessing.get_context("spawn")
    now = START
    with context.Pool(4) as pool:
        for _ in range(4):  # four rounds, 100 days apart, with feedback in between
            ids = _add_moments(app, now, rng)
            chunks = [(pg_url, rng.sample(ids, len(ids)), now.isoformat()) for _ in range(4)]
            owed = sum(pool.map(_route_all, chunks))
            with app.sessions() as session:
                routed = list(session.scalars(select(Moment).where(Moment.status == "routed")))
            assert owed == len(routed) <= MEMBERS
            assert len({m.member_id for m in routed}) == len(routed)  # one per member
            for moment in routed:
                mark_done(app, moment.id, Outcome.POSITIVE, now + timedelta(hours=1))
            now += timedelta(days=100)
    with app.sessions() as session:
        for member_id in range(1, MEMBERS + 1):
            touches = sorted(
                session.scalars(
                    select(Moment.routed_at).where(
                        Moment.member_id == member_id, Moment.routed_at.is_not(None)
                    )
                )
            )
            assert_within_limits(touches, app.settings.policy, member_id)
    app.close()
