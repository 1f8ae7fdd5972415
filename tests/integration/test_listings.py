"""The listings behind ``keepwarm vacancies``, ``sources``, ``employers`` and ``moments``."""

from __future__ import annotations

from sqlalchemy import update

from models.schema import Moment, Source, Vacancy
from tests.integration.conftest import NOW, MomentFactory
from workers.app import App
from workers.db import transaction
from workers.services.directory import add_alias, add_source, employer_named
from workers.services.listings import (
    list_employers,
    list_sources,
    list_vacancies,
    moment_rows,
)


def _vacancy(title: str) -> Vacancy:
    return Vacancy(key=title.lower(), title=title, created_at=NOW, updated_at=NOW)


def test_vacancies_count_their_moments_in_one_query(app: App, make_moment: MomentFactory) -> None:
    first, second, third = make_moment(), make_moment(), make_moment()
    with transaction(app.sessions) as session:
        session.add_all([_vacancy("Nurse"), _vacancy("Welder"), _vacancy("Baker")])
        session.flush()
        session.execute(update(Moment).where(Moment.id.in_([first, second])).values(vacancy_id=1))
        session.execute(update(Moment).where(Moment.id == third).values(vacancy_id=3))

    rows = list_vacancies(app)

    assert [(v.title, v.moments) for v in rows] == [("Nurse", 2), ("Welder", 0), ("Baker", 1)]


def test_failing_sources_are_the_failing_and_the_disabled(app: App) -> None:
    with transaction(app.sessions) as session:
        acme = employer_named(session, "Acme", NOW, app.settings)
        for n in range(3):
            add_source(session, f"https://news{n}.example/feed.xml", NOW, employer=acme)
        session.flush()
        session.execute(update(Source).where(Source.id == 2).values(failing_since=NOW))
        session.execute(update(Source).where(Source.id == 3).values(enabled=False))

    every, failing = list_sources(app), list_sources(app, failing=True)

    assert [(s.id, s.employer, s.state) for s in every] == [
        (1, "Acme", "ok"),
        (2, "Acme", "failing"),
        (3, "Acme", "disabled"),
    ]
    assert [s.id for s in failing] == [2, 3]


def test_employers_come_with_their_aliases(app: App) -> None:
    with transaction(app.sessions) as session:
        kpn = employer_named(session, "Koninklijke KPN N.V.", NOW, app.settings)
        employer_named(session, "Acme", NOW, app.settings)
        add_alias(session, kpn, "KPN")

    assert [(e.name, e.aliases) for e in list_employers(app)] == [
        ("Koninklijke KPN N.V.", ("KPN",)),
        ("Acme", ()),
    ]


def test_moment_rows_name_the_member_and_recruiter(app: App, make_moment: MomentFactory) -> None:
    moment_id = make_moment()

    [row] = moment_rows(app)

    assert (row["id"], row["member"], row["status"]) == (moment_id, "Lisa Jansen", "pending")
    assert row["recruiter"] is None  # not routed yet
