"""The contact policy in the database: capacity, working hours, assignment, merging,
feedback, check-ins, vacancies and the explanation of every decision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from models.schema import Delivery, Member, Moment, Recruiter
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.services import checkins, vacancies
from workers.services.checkins import create_check_ins
from workers.services.delivery import _claim
from workers.services.feedback import FeedbackError, skip, snooze
from workers.services.reporting import explain, stats
from workers.services.routing import route_member
from workers.services.vacancies import close_vacancy, match_vacancy
from workers.services.vacancy_import import import_vacancies

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
SATURDAY = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def recruiter(app: App, email: str = "anna@agency.example", **values: object) -> int:
    with transaction(app.sessions) as session:
        row = Recruiter(name=email.split("@")[0], email=email, created_at=NOW, **values)
        session.add(row)
        session.flush()
        return row.id


def member(app: App, name: str, *, owner: int | None, **values: object) -> int:
    with transaction(app.sessions) as session:
        row = Member(
            name=name,
            email=f"{name.split()[0].lower()}@example.net",
            owner_id=owner,
            created_at=NOW,
            updated_at=NOW,
            **values,
        )
        session.add(row)
        session.flush()
        return row.id


def moment(
    app: App,
    member_id: int,
    *,
    kind: str = "company_news",
    priority: int = 40,
    at: datetime = NOW,
    days: int = 30,
) -> int:
    with transaction(app.sessions) as session:
        row = Moment(
            member_id=member_id,
            kind=kind,
            status="pending",
            priority=priority,
            not_before=at,
            expires_at=at + timedelta(days=days),
            draft="Hoi",
            created_at=at,
        )
        session.add(row)
        session.flush()
        return row.id


def status(app: App, moment_id: int) -> tuple[str, str]:
    with app.sessions() as session:
        row = session.get_one(Moment, moment_id)
        return row.status, row.reason or ""


def test_a_recruiter_gets_moments_paced_by_weekly_capacity(app: App) -> None:
    anna = recruiter(app, weekly_capacity=2)
    moments = [moment(app, member(app, f"Member{i} Test", owner=anna), at=MONDAY) for i in range(3)]
    for moment_id in moments:
        route_member(app, status_member(app, moment_id), MONDAY)
    states = [status(app, m) for m in moments]
    assert [s for s, _ in states] == ["routed", "deferred", "deferred"]
    assert "1 of 2 moments allowed so far this week" in states[1][1]
    friday = MONDAY + timedelta(days=4)
    for moment_id in moments[1:]:
        route_member(app, status_member(app, moment_id), friday)
    assert [status(app, m)[0] for m in moments] == ["routed", "routed", "deferred"]


def status_member(app: App, moment_id: int) -> int:
    with app.sessions() as session:
        return session.get_one(Moment, moment_id).member_id


def test_alerts_wait_for_working_hours_in_the_recruiters_timezone(app: App) -> None:
    anna = recruiter(app)
    moment_id = moment(app, member(app, "Lisa Jansen", owner=anna), at=SATURDAY)
    delivery_id = route_member(app, status_member(app, moment_id), SATURDAY)
    with app.sessions() as session:
        delivery = session.get_one(Delivery, delivery_id)
    assert delivery.next_attempt_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 09:00 CET
    assert _claim(app, delivery.id, SATURDAY) is None


def test_without_an_owner_the_team_for_the_interest_area_with_least_load_gets_it(app: App) -> None:
    recruiter(app, "sales@agency.example", areas="sales, marketing")
    data_team = recruiter(app, "data@agency.example", areas="data, cloud")
    moment_id = moment(app, member(app, "Eva Smit", owner=None, interests="Data, machine learning"))
    route_member(app, status_member(app, moment_id), NOW)
    with app.sessions() as session:
        assert session.get_one(Moment, moment_id).recruiter_id == data_team


def test_the_best_moment_is_routed_and_the_others_ride_along(app: App) -> None:
    anna = recruiter(app)
    lisa = member(app, "Lisa Jansen", owner=anna)
    news = moment(app, lisa)
    new_role = moment(app, lisa, kind="congratulate_new_role", priority=80)
    delivery_id = route_member(app, lisa, NOW)
    assert status(app, new_role)[0] == "routed"
    assert status(app, news) == (
        "merged",
        f"rides along as context with moment {new_role} "
        "(congratulate_new_role), which ranked higher",
    )
    claimed = _claim(app, delivery_id or 0, NOW)
    assert claimed is not None
    assert claimed[2][0].also == ("company news",)


def test_snooze_frees_the_slot_and_skip_closes(app: App) -> None:
    anna = recruiter(app)
    lisa = member(app, "Lisa Jansen", owner=anna)
    first = moment(app, lisa, days=60)
    route_member(app, lisa, NOW)
    snooze(app, first, NOW + timedelta(days=7), NOW)
    assert status(app, first) == ("deferred", "snoozed by the recruiter until 2026-12-03")
    route_member(app, lisa, NOW + timedelta(days=7))
    assert status(app, first)[0] == "routed"
    skip(app, first, NOW + timedelta(days=8), not_relevant=True)
    assert status(app, first)[0] == "not_relevant"
    try:
        snooze(app, first, NOW + timedelta(days=9), NOW + timedelta(days=8))
    except FeedbackError as exc:
        assert "not_relevant" in str(exc)
    else:
        raise AssertionError("a closed moment cannot be snoozed")


def test_check_ins_and_reengagement_are_created_once(app: App) -> None:
    anna = recruiter(app)
    quiet = member(
        app, "Piet Quiet", owner=anna, last_contact_on=(NOW - timedelta(days=130)).date()
    )
    lost = member(app, "Lotte Lost", owner=anna, last_contact_on=(NOW - timedelta(days=200)).date())
    member(app, "Recent Contact", owner=anna, last_contact_on=(NOW - timedelta(days=10)).date())
    created = create_check_ins(app, NOW)
    assert create_check_ins(app, NOW) == []
    with app.sessions() as session:
        kinds = {
            m.member_id: m.kind
            for m in session.scalars(select(Moment).where(Moment.id.in_(created)))
        }
    assert kinds == {quiet: "check_in", lost: "reengage"}


def test_a_vacancy_gives_moments_to_fitting_members_until_it_closes(
    app: App, tmp_path: Path
) -> None:
    anna = recruiter(app)
    data_person = member(
        app, "Eva Smit", owner=anna, interests="data science; cloud", language="nl"
    )
    member(app, "Sam Sales", owner=anna, interests="verkoop", title="Accountmanager")
    path = tmp_path / "vacatures.csv"
    path.write_text(
        "Vacaturenummer;Functie;Werkgever;Vakgebied;Sluitingsdatum\n"
        "V1;Senior Data Engineer;Globex;data, cloud;31-12-2026\n",
        "utf-8",
    )
    report = import_vacancies(app, path, NOW)
    assert (report.created, report.rejected) == (1, [])
    created = match_vacancy(app, 1, NOW)
    with app.sessions() as session:
        moments = session.scalars(select(Moment).where(Moment.id.in_(created))).all()
        assert [(m.member_id, m.kind) for m in moments] == [(data_person, "relevant_vacancy")]
        assert moments[0].expires_at == datetime(2026, 12, 31, 23, 59, tzinfo=UTC)
        assert "Senior Data Engineer" in moments[0].draft
    assert close_vacancy(app, 1, NOW) == 1
    assert status(app, created[0]) == ("expired", "the vacancy was closed")


def test_a_vacancy_goes_to_its_best_fits_only_and_a_rematch_tops_them_up(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vacancies, "MAX_MATCHES", 3)
    anna = recruiter(app)
    halves = [member(app, f"Half{n} Smit", owner=anna, interests="data") for n in range(4)]
    wholes = [member(app, f"Whole{n} Smit", owner=anna, interests="data, cloud") for n in range(2)]
    spoke = date(2026, 9, 1)
    known = member(
        app, "Known Smit", owner=anna, title="Cloud data engineer", last_contact_on=spoke
    )
    member(app, "Private Smit", owner=anna, interests="data, cloud", do_not_contact=True)
    path = tmp_path / "vacatures.csv"
    path.write_text("Vacaturenummer;Functie;Vakgebied\nV1;Data Engineer;cloud\n", "utf-8")
    import_vacancies(app, path, NOW)

    first = match_vacancy(app, 1, NOW)
    again = match_vacancy(app, 1, NOW)
    monkeypatch.setattr(vacancies, "MAX_MATCHES", 5)
    topped = match_vacancy(app, 1, NOW)

    def members_of(ids: list[int]) -> list[int]:
        with app.sessions() as session:
            rows = session.scalars(select(Moment).where(Moment.id.in_(ids)).order_by(Moment.id))
            return [m.member_id for m in rows]

    # Both concepts beat one; among equals the member spoken to most recently comes first.
    assert members_of(first) == [known, wholes[1], wholes[0]]
    assert again == []
    assert members_of(topped) == [halves[3], halves[2]]


def test_every_decision_is_explained_and_counted(app: App) -> None:
    anna = recruiter(app)
    lisa = member(
        app, "Lisa Jansen", owner=anna, last_contact_on=date(2026, 10, 1), last_topic="a CFO role"
    )
    first = moment(app, lisa, days=14)
    route_member(app, lisa, NOW)
    header, events = explain(app, str(lisa))
    assert header.startswith(f"member {lisa}: Lisa Jansen")
    lines = [line for _, line in events]
    assert "last contact on record (topic: a CFO role)" in lines[0]
    assert f"moment {first} company_news" in lines[-1] and "suppressed" in lines[-1]
    assert "last contact 56 days ago" in lines[-1]
    report = stats(app, NOW)
    assert report.by_kind == {}  # nothing was routed
    assert [row[0] for row in report.at_risk] == []


def test_a_delivery_owed_for_a_moment_put_aside_is_cancelled_not_sent(app: App) -> None:
    anna = recruiter(app)
    lisa = member(app, "Lisa Jansen", owner=anna)
    skipped = moment(app, lisa, at=SATURDAY, days=60)
    first = route_member(app, lisa, SATURDAY)  # owed on Monday morning
    skip(app, skipped, SATURDAY + timedelta(hours=1))
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert _claim(app, first or 0, monday) is None
    with app.sessions() as session:
        assert session.get_one(Delivery, first).status == "cancelled"
    snoozed = moment(app, lisa, at=monday, days=60)
    second = route_member(app, lisa, monday)
    snooze(app, snoozed, monday + timedelta(days=1), monday)
    third = route_member(app, lisa, monday + timedelta(days=1))
    assert _claim(app, second or 0, monday + timedelta(days=1)) is None  # the old routing
    assert _claim(app, third or 0, monday + timedelta(days=1)) is not None  # sent once


def test_a_contact_can_be_recorded_on_an_expired_moment(app: App) -> None:
    lisa = member(app, "Lisa Jansen", owner=recruiter(app))
    late = moment(app, lisa, days=1)
    with transaction(app.sessions) as session:
        session.get_one(Moment, late).status = "expired"
    from workers.services.feedback import Outcome, mark_done

    mark_done(app, late, Outcome.POSITIVE, NOW + timedelta(days=2))
    assert status(app, late) == ("done", "done: positive")


def test_two_schedulers_at_once_create_one_check_in_per_member(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    anna = recruiter(app)
    quiet = [member(app, f"Quiet{i} Member", owner=anna) for i in range(3)]
    make_row = checkins._row
    other: list[int] = []

    def row_after_another_scheduler(*args: Any) -> dict[str, Any]:
        if not other:  # the other scheduler inserts between our query and our insert
            monkeypatch.setattr(checkins, "_row", make_row)
            other.extend(create_check_ins(app, NOW))
            monkeypatch.setattr(checkins, "_row", row_after_another_scheduler)
        return make_row(*args)

    monkeypatch.setattr(checkins, "_row", row_after_another_scheduler)

    assert create_check_ins(app, NOW) == []  # every key was taken: nothing twice, no error
    assert sorted(status_member(app, m) for m in other) == quiet
    with app.sessions() as session:
        assert len(session.scalars(select(Moment)).all()) == 3


def test_members_never_contacted_get_a_reengage_moment_each_period_without_starving_others(
    app: App,
) -> None:
    anna = recruiter(app)
    never = [member(app, f"Never{i} Contacted", owner=anna) for i in range(3)]
    late = member(
        app, "Late Joiner", owner=anna, last_contact_on=(NOW - timedelta(days=150)).date()
    )
    assert len(create_check_ins(app, NOW, limit=3)) == 3
    assert [status_member(app, m) for m in create_check_ins(app, NOW, limit=3)] == [late]
    with transaction(app.sessions) as session:
        for row in session.scalars(select(Moment)):
            row.status = "expired"
    again = create_check_ins(app, NOW + timedelta(days=31), limit=10)
    assert sorted(status_member(app, m) for m in again) == sorted([*never, late])


def test_explain_finds_a_member_by_a_numeric_external_id(app: App) -> None:
    anna = recruiter(app)
    member(app, "Anna First", owner=anna, external_id="2")
    bob = member(app, "Bob Second", owner=anna, external_id="1")
    header, _ = explain(app, "1")
    assert header.startswith(f"member {bob}: Bob Second")
