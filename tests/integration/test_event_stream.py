"""The event stream: every moment change appended to a Redis Stream, read by a consumer group
once each, in order per member (real PostgreSQL and Redis)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import select

from models.schema import Member, Moment, MomentEvent, Recruiter
from workers.app import App
from workers.db import transaction
from workers.services.feedback import Outcome, mark_done, skip, snooze
from workers.services.routing import route_member
from workers.services.scheduler import expire_moments
from workers.services.stream import publish_events
from workers.settings import Settings

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def streaming(tmp_path: Path, pg_url: str, redis_url: str) -> Iterator[tuple[App, str]]:
    stream = f"keepwarm-test-events-{uuid.uuid4().hex[:8]}"
    settings = Settings.from_values(
        {
            "data_dir": str(tmp_path),
            "database_url": pg_url,
            "broker_url": redis_url,
            "broker_namespace": f"kw-test-{uuid.uuid4().hex[:8]}",
            "event_stream": stream,
        }
    )
    app = App.build(settings, migrate=True)
    yield app, stream
    client = redis.Redis.from_url(redis_url)
    client.delete(stream)
    client.close()
    app.close()


def _seed(app: App) -> list[int]:
    with transaction(app.sessions) as session:
        anna = Recruiter(
            name="Anna",
            email="anna@agency.example",
            work_start="00:00",
            work_end="23:59",
            work_days="0,1,2,3,4,5,6",
            weekly_capacity=50,
            created_at=NOW,
        )
        session.add(anna)
        session.flush()
        members = []
        for number in range(2):
            member = Member(name=f"Lid {number}", owner_id=anna.id, created_at=NOW, updated_at=NOW)
            session.add(member)
            session.flush()
            for kind, priority in (("check_in", 10), ("company_news", 40)):
                session.add(
                    Moment(
                        member_id=member.id,
                        kind=kind,
                        status="pending",
                        priority=priority,
                        not_before=NOW,
                        expires_at=NOW + timedelta(days=20),
                        draft="Hoi",
                        created_at=NOW,
                    )
                )
            members.append(member.id)
    return members


def _moment_of(app: App, member_id: int, status: str) -> int:
    with app.sessions() as session:
        return (
            session.scalars(
                select(Moment.id).where(Moment.member_id == member_id, Moment.status == status)
            ).first()
            or 0
        )


def test_a_consumer_group_sees_each_moment_change_once_in_order_per_member(
    streaming: tuple[App, str], redis_url: str
) -> None:
    app, stream = streaming
    first, second = _seed(app)
    # Member 1: routed, snoozed, routed again, contacted. Member 2: routed, skipped, and its
    # other moment expires.
    route_member(app, first, NOW)
    snooze(app, _moment_of(app, first, "routed"), NOW + timedelta(days=2), NOW)
    route_member(app, second, NOW)
    assert publish_events(app, NOW) == 3  # published in between, as a tick would
    route_member(app, first, NOW + timedelta(days=2))
    mark_done(app, _moment_of(app, first, "routed"), Outcome.POSITIVE, NOW + timedelta(days=2))
    skip(app, _moment_of(app, second, "routed"), NOW + timedelta(days=2))
    expire_moments(app, NOW + timedelta(days=21))
    assert publish_events(app, NOW + timedelta(days=21)) >= 3
    assert publish_events(app, NOW + timedelta(days=21)) == 0  # nothing twice

    client = redis.Redis.from_url(redis_url, decode_responses=True)
    client.xgroup_create(stream, "ats", id="0")
    seen: list[dict[str, object]] = []
    while True:
        batch = client.xreadgroup("ats", "reader-1", {stream: ">"}, count=2, block=100)
        if not batch:
            break
        for entry_id, fields in batch[0][1]:
            seen.append(json.loads(fields["event"]))
            client.xack(stream, "ats", entry_id)
    client.close()

    with app.sessions() as session:
        stored = list(session.scalars(select(MomentEvent).order_by(MomentEvent.id)))
    assert [e["id"] for e in seen] == [f"evt_{e.id}" for e in stored]  # each once, in order
    assert all(e.published_at is not None for e in stored)
    for member_id in (first, second):
        mine = [e for e in seen if e["data"]["member"]["id"] == member_id]  # type: ignore[index]
        assert [e["id"] for e in mine] == [
            f"evt_{e.id}" for e in stored if e.member_id == member_id
        ]
    first_types = [e["type"] for e in seen if e["data"]["member"]["id"] == first]  # type: ignore[index]
    assert first_types[:4] == [
        "keepwarm.moment.routed.v1",
        "keepwarm.moment.snoozed.v1",
        "keepwarm.moment.routed.v1",
        "keepwarm.moment.contacted.v1",
    ]
    second_types = {e["type"] for e in seen if e["data"]["member"]["id"] == second}  # type: ignore[index]
    assert second_types == {"keepwarm.moment.routed.v1", "keepwarm.moment.closed.v1"}
