"""A simulated year: 200 members, four recruiters, a stream of signals, vacancies and
recruiter feedback on a fake clock. Every limit holds and every moment is explained."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from models.capacity import week_start
from models.schema import Contact, Delivery, Employer, Member, Moment, Recruiter, Signal, Vacancy
from tests.integration.invariants import assert_within_limits
from workers.app import App
from workers.db import transaction
from workers.services.checkins import create_check_ins
from workers.services.feedback import Outcome, mark_done, skip, snooze
from workers.services.planning import plan_signal
from workers.services.reporting import explain
from workers.services.routing import WAITING_STATUSES, route_member, working_week
from workers.services.scheduler import expire_moments
from workers.services.vacancies import close_vacancy, match_vacancy
from workers.settings import Settings

START = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)  # a Monday
DAYS = 365
MEMBERS = 200
TITLES = ["Data Engineer", "Supply Chain Planner", "Accountmanager", "Product Owner", "Controller"]
INTERESTS = ["data, cloud", "logistiek", "sales", "product", "finance"]


def seed(app: App, rng: random.Random) -> None:
    with transaction(app.sessions) as session:
        recruiters = [
            Recruiter(
                name=f"R{i}",
                email=f"r{i}@agency.example",
                weekly_capacity=5,
                areas=INTERESTS[i],
                timezone="Europe/London" if i == 3 else "Europe/Amsterdam",
                created_at=START,
            )
            for i in range(4)
        ]
        employers = [
            Employer(name=f"Employer {i}", key=f"employer {i}", created_at=START) for i in range(20)
        ]
        session.add_all([*recruiters, *employers])
        session.flush()
        for i in range(MEMBERS):
            last = (
                START.date() - timedelta(days=rng.randint(0, 400)) if rng.random() < 0.9 else None
            )
            session.add(
                Member(
                    name=f"Member {i}",
                    email=f"m{i}@example.net",
                    language=rng.choice(["nl", "en"]),
                    employer_id=employers[i % 20].id,
                    owner_id=recruiters[i % 4].id if i % 10 else None,
                    interests=INTERESTS[i % 5],
                    title=TITLES[i % 5],
                    last_contact_on=last,
                    last_topic="a new challenge",
                    created_at=START,
                    updated_at=START,
                )
            )


def signal(app: App, rng: random.Random, now: datetime, n: int) -> None:
    kind = rng.choice(["job_change", "promotion", "award", "press_mention", "company_news"])
    with transaction(app.sessions) as session:
        row = Signal(
            fingerprint=f"sim-{n}",
            kind=kind,
            headline=f"News {n}",
            confidence=rng.random(),
            occurred_at=now,
            created_at=now,
            event="appointment" if kind == "job_change" else None,
            member_id=rng.randint(1, MEMBERS) if kind != "company_news" else None,
            employer_id=rng.randint(1, 20) if kind == "company_news" else None,
        )
        session.add(row)
        session.flush()
        signal_id = row.id
    plan_signal(app, signal_id, now)


def route_due(app: App, now: datetime) -> None:
    with app.sessions() as session:
        members = session.scalars(
            select(Moment.member_id)
            .where(Moment.status.in_(WAITING_STATUSES), Moment.not_before <= now)
            .group_by(Moment.member_id)
        ).all()
    for member_id in members:
        route_member(app, member_id, now)


def deliver_due(app: App, now: datetime) -> None:
    with transaction(app.sessions) as session:
        for delivery in session.scalars(
            select(Delivery).where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        ):
            delivery.status, delivery.sent_at = "sent", now
            if delivery.moment.status == "routed":
                delivery.moment.status = "delivered"


def feedback(app: App, rng: random.Random, now: datetime) -> None:
    with app.sessions() as session:
        open_ids = session.scalars(select(Moment.id).where(Moment.status == "delivered")).all()
    for moment_id in open_ids:
        roll = rng.random()
        if roll < 0.25:
            mark_done(app, moment_id, rng.choice(list(Outcome)), now)
        elif roll < 0.30:
            skip(app, moment_id, now, not_relevant=rng.random() < 0.5)
        elif roll < 0.33:
            with app.sessions() as session:
                expires = session.get_one(Moment, moment_id).expires_at
            if now + timedelta(days=3) < expires:
                snooze(app, moment_id, now + timedelta(days=3), now)


def vacancies(app: App, rng: random.Random, now: datetime, n: int) -> None:
    with transaction(app.sessions) as session:
        row = Vacancy(
            key=f"v{n}",
            title=rng.choice(TITLES),
            status="open",
            closes_at=now + timedelta(days=rng.randint(10, 60)),
            created_at=now,
            updated_at=now,
        )
        session.add(row)
        session.flush()
        vacancy_id = row.id
    match_vacancy(app, vacancy_id, now)
    if n % 3 == 0 and n > 1:
        close_vacancy(app, vacancy_id - 1, now)


def test_a_simulated_year_keeps_every_limit(tmp_path: Path) -> None:
    app = App.build(Settings.from_values({"data_dir": str(tmp_path)}), migrate=True)
    rng = random.Random(2026)
    seed(app, rng)
    now, signals, vacancy_count = START, 0, 0
    for day in range(DAYS):  # once a day, at a wandering hour
        now = START + timedelta(days=day, hours=rng.randint(0, 23))
        for _ in range(rng.choice([0, 1, 2, 3, 4])):
            signals += 1
            signal(app, rng, now, signals)
        if rng.random() < 0.1:
            vacancy_count += 1
            vacancies(app, rng, now, vacancy_count)
        expire_moments(app, now)
        create_check_ins(app, now, limit=5)
        route_due(app, now)
        deliver_due(app, now)
        feedback(app, rng, now)
    expire_moments(app, now)
    check_invariants(app, now)
    app.close()


def check_invariants(app: App, end: datetime) -> None:
    policy = app.settings.pool_policy.contact
    with app.sessions() as session:
        moments = session.scalars(select(Moment)).all()
        statuses = Counter(m.status for m in moments)
        assert statuses["delivered"] + statuses["done"] > 100, statuses  # the year was busy
        assert statuses["deferred"] + statuses["suppressed"] + statuses["merged"] > 50, statuses
        for member in session.scalars(select(Member)):
            touches = sorted(
                [
                    c
                    for c in session.scalars(
                        select(Contact.contacted_at).where(Contact.member_id == member.id)
                    )
                ]
                + [
                    m.routed_at
                    for m in moments
                    if m.member_id == member.id
                    and m.status in ("routed", "delivered")
                    and m.routed_at
                ]
            )
            assert_within_limits(touches, policy, member.id)
        for recruiter in session.scalars(select(Recruiter)):
            week = working_week(recruiter)
            routed = [
                m.routed_at for m in moments if m.recruiter_id == recruiter.id and m.routed_at
            ]
            per_week = Counter(week_start(week, at) for at in routed)
            assert max(per_week.values()) <= week.capacity, (recruiter.id, per_week.most_common(3))
            for delivery in session.scalars(
                select(Delivery).join(Moment).where(Moment.recruiter_id == recruiter.id)
            ):
                local = delivery.next_attempt_at.astimezone(week.zone)
                assert local.weekday() in week.days and week.start <= local.time() < week.end
        for moment in moments:
            assert moment.reason, moment.id
            if moment.status in WAITING_STATUSES:
                assert moment.expires_at > end, moment.id  # nothing waits past its window
    for member_id in range(1, MEMBERS + 1, 17):
        _, lines = explain(app, str(member_id))
        explained = " ".join(line for _, line in lines)
        for moment in (m for m in moments if m.member_id == member_id):
            assert f"moment {moment.id} " in explained
