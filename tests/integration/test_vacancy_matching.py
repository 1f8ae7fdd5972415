"""Vacancy matching in the database: candidates by indexed concepts, ranked, kept fresh."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models.schema import Member, MemberConcept, Moment, Vacancy
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.services import vacancies
from workers.services.vacancies import match_vacancy
from workers.services.vacancy_matching import refresh_concepts


def add_member(app: App, name: str, interests: str, **fields: object) -> int:
    with transaction(app.sessions) as session:
        member = Member(name=name, interests=interests, created_at=NOW, updated_at=NOW, **fields)
        session.add(member)
        session.flush()
        return member.id


def add_vacancy(app: App, key: str, title: str, areas: str) -> int:
    with transaction(app.sessions) as session:
        vacancy = Vacancy(
            key=key, title=title, areas=areas, status="open", created_at=NOW, updated_at=NOW
        )
        session.add(vacancy)
        session.flush()
        return vacancy.id


def matched(app: App, moment_ids: list[int]) -> list[tuple[int, float]]:
    with app.sessions() as session:
        moments = session.scalars(select(Moment).where(Moment.id.in_(moment_ids)))
        return sorted(((m.member_id, m.confidence) for m in moments), key=lambda p: -p[1])


def test_the_best_fitting_members_are_chosen_in_the_database_up_to_the_limit(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(vacancies, "MAX_MATCHES", 2)
    both = add_member(app, "Eva Smit", "data science; cloud")
    data = add_member(app, "Tom Bos", "machine learning", last_contact_on=date(2026, 11, 1))
    cloud = add_member(app, "Ann Vos", "kubernetes")
    add_member(app, "Sam Verkoop", "verkoop")
    add_member(app, "Do Not", "data; cloud", do_not_contact=True)
    vacancy = add_vacancy(app, "v1", "Data Engineer", "data, cloud")
    first = match_vacancy(app, vacancy, NOW)
    # Best fit first, then the member spoken to most recently; two at most.
    assert matched(app, first) == [(both, 1.0), (data, 0.5)]
    with transaction(app.sessions) as session:
        session.get_one(Vacancy, vacancy).matched_at = None
    assert match_vacancy(app, vacancy, NOW) == []  # a re-match tops up to the limit, no more
    monkeypatch.setattr(vacancies, "MAX_MATCHES", 3)
    with transaction(app.sessions) as session:
        session.get_one(Vacancy, vacancy).matched_at = None
    again = match_vacancy(app, vacancy, NOW)
    assert matched(app, again) == [(cloud, 0.5)]  # the others have their moment already


def test_a_member_whose_interests_changed_is_read_again(app: App) -> None:
    eva = add_member(app, "Eva Smit", "verkoop")
    assert refresh_concepts(app) == 1
    assert refresh_concepts(app) == 0  # nothing changed since
    with transaction(app.sessions) as session:
        member = session.get_one(Member, eva)
        member.interests, member.updated_at = "data science", NOW + timedelta(days=1)
    assert refresh_concepts(app) == 1
    with app.sessions() as session:
        assert list(session.scalars(select(MemberConcept.concept))) == ["data"]
    vacancy = add_vacancy(app, "v2", "Data Scientist", "data")
    assert matched(app, match_vacancy(app, vacancy, NOW)) == [(eva, 1.0)]
