"""Daily digests: what is routed on one day reaches the recruiter as one email at the start
of their next working day, in their timezone (real SMTP server on loopback)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models.schema import Delivery, Member, Moment, Recruiter
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, free_port
from workers.services.delivery import deliver
from workers.services.routing import route_member

NEW_YORK = ZoneInfo("America/New_York")


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NEW_YORK).astimezone(UTC)  # type: ignore[misc]


def test_three_moments_routed_on_one_day_arrive_as_one_digest_next_morning(
    app: App, mail: MailCatcher
) -> None:
    app.settings = replace(app.settings, smtp_port=mail.port)
    wednesday = ny(2026, 12, 2, 9, 30)
    with transaction(app.sessions) as session:
        recruiter = Recruiter(
            name="Dana",
            email="dana@agency.example",
            timezone="America/New_York",
            alerts="daily",
            weekly_capacity=10,
            language="en",
            created_at=wednesday,
        )
        session.add(recruiter)
        session.flush()
        for number, name in enumerate(("Ava Stone", "Ben Hill", "Cleo Park")):
            member = Member(
                name=name,
                email=f"m{number}@example.net",
                owner_id=recruiter.id,
                created_at=wednesday,
                updated_at=wednesday,
            )
            session.add(member)
            session.flush()
            session.add(
                Moment(
                    member_id=member.id,
                    kind="check_in",
                    status="pending",
                    priority=10 + number,
                    not_before=wednesday,
                    expires_at=wednesday + timedelta(days=30),
                    draft=f"Hi {name.split()[0]}",
                    created_at=wednesday,
                )
            )
    deliveries = []
    for hour, member_id in zip((10, 13, 16), (1, 2, 3), strict=True):
        delivery_id = route_member(app, member_id, ny(2026, 12, 2, hour, 0))
        assert delivery_id is not None
        deliveries.append(delivery_id)
    with app.sessions() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert {row.channel for row in rows} == {"digest"}
    assert {row.next_attempt_at for row in rows} == {ny(2026, 12, 3, 9, 0)}  # 14:00 UTC

    # Nothing goes out the same day, nor at 08:59 New York time the next morning.
    for early in (ny(2026, 12, 2, 17, 0), ny(2026, 12, 3, 8, 59)):
        assert [deliver(app, d, early) for d in deliveries] == ["not owed"] * 3
    assert mail.inbox == []

    thursday = ny(2026, 12, 3, 9, 0)
    assert [deliver(app, d, thursday) for d in deliveries] == ["sent", "not owed", "not owed"]
    assert len(mail.inbox) == 1
    digest = mail.inbox[0]
    assert digest["X-Envelope-To"] == "dana@agency.example"
    assert digest["Subject"] == "keepwarm: 3 moments to get in touch"
    body = digest.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    # Best first (highest priority), each with its own action links.
    assert text.index("Cleo Park") < text.index("Ben Hill") < text.index("Ava Stone")
    assert text.count("?do=positive") == 3
    with app.sessions() as session:
        assert {m.status for m in session.scalars(select(Moment))} == {"delivered"}
        assert {d.status for d in session.scalars(select(Delivery))} == {"sent"}


def _dana(app: App, cadence: str, members: int, expires: timedelta) -> list[int]:
    start = ny(2026, 12, 2, 9, 30)
    with transaction(app.sessions) as session:
        recruiter = Recruiter(
            name="Dana",
            email="dana@agency.example",
            timezone="America/New_York",
            alerts=cadence,
            weekly_capacity=10,
            created_at=start,
        )
        session.add(recruiter)
        session.flush()
        ids = []
        for number in range(members):
            member = Member(
                name=f"Lid {number}", owner_id=recruiter.id, created_at=start, updated_at=start
            )
            session.add(member)
            session.flush()
            session.add(
                Moment(
                    member_id=member.id,
                    kind="check_in",
                    status="pending",
                    priority=10,
                    not_before=start,
                    expires_at=start + expires,
                    draft="Hi",
                    created_at=start,
                )
            )
            ids.append(member.id)
    return ids


def test_a_digest_that_failed_is_retried_as_one_digest(app: App, mail: MailCatcher) -> None:
    members = _dana(app, "daily", 3, timedelta(days=30))
    deliveries = [route_member(app, m, ny(2026, 12, 2, 10, 0)) for m in members]
    app.settings = replace(app.settings, smtp_port=free_port())  # nothing listens there
    thursday = ny(2026, 12, 3, 9, 0)
    assert deliver(app, deliveries[0] or 0, thursday) == "failed"
    with app.sessions() as session:
        rows = session.scalars(select(Delivery)).all()
    assert {r.status for r in rows} == {"failed"} and len({r.next_attempt_at for r in rows}) == 1
    app.settings = replace(app.settings, smtp_port=mail.port)
    retry_at = rows[0].next_attempt_at
    assert [deliver(app, d or 0, retry_at) for d in deliveries] == ["sent", "not owed", "not owed"]
    assert len(mail.inbox) == 1 and mail.inbox[0]["Subject"].startswith("keepwarm: 3 moments")


def test_a_moment_that_would_expire_before_the_weekly_digest_goes_alone(app: App) -> None:
    [member] = _dana(app, "weekly", 1, timedelta(days=4))
    wednesday = ny(2026, 12, 2, 10, 0)
    delivery_id = route_member(app, member, wednesday)
    with app.sessions() as session:
        delivery = session.get_one(Delivery, delivery_id)
    assert delivery.channel == "email" and delivery.next_attempt_at == wednesday
