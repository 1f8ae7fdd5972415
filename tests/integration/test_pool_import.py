"""Importing pool files into a real database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from models.schema import Employer, Member, Recruiter, Source
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.services import pool_import
from workers.services.directory import add_alias
from workers.services.pool_import import import_pool

CSV = """Name,E-mail,Employer,Title,Last contact,Owner,Language,External ID
Lisa Jansen,lisa@example.net,ACME B.V.,Engineer,14-03-2026,anna@agency.example,nl,x-1
Tom de Boer,tom@example.net,Acme bv,Analyst,2026-02-01,anna@agency.example,en,x-2
Eva Smit,eva@example.net,acme,,,,Nederlands,x-3
Broken Row,broken@example.net,New Company Ltd,,99-99-2026,,nl,x-4
"""


def test_importing_twice_changes_nothing_and_one_employer_per_company(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "pool.csv"
    path.write_text(CSV, "utf-8")
    first = import_pool(app, path, NOW)
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    assert [(r.line, "99-99-2026" in r.reason) for r in first.rejected] == [(5, True)]
    second = import_pool(app, path, NOW)
    assert (second.created, second.updated, second.unchanged, len(second.rejected)) == (0, 0, 3, 1)
    with app.sessions() as session:
        assert list(session.scalars(select(Employer.key))) == ["acme"]  # the bad row wrote nothing
        assert list(session.scalars(select(Recruiter.email))) == ["anna@agency.example"]
        lisa = session.scalars(select(Member).where(Member.external_id == "x-1")).one()
        assert (lisa.last_contact_on.isoformat() if lisa.last_contact_on else None) == "2026-03-14"
        assert (
            session.scalars(select(Member.language).where(Member.external_id == "x-3")).one()
            == "nl"
        )


def test_an_xlsx_with_dutch_headers_updates_by_external_id(app: App, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Naam", "E-mail", "Werkgever", "Functie", "Externe ID"])
    sheet.append(["Lisa Jansen", "lisa@example.net", "Acme", "Engineer", 17])
    book.save(tmp_path / "pool.xlsx")
    assert import_pool(app, tmp_path / "pool.xlsx", NOW).created == 1
    sheet["D2"] = "Lead Engineer"
    sheet["B2"] = "lisa.jansen@example.net"
    book.save(tmp_path / "pool.xlsx")
    report = import_pool(app, tmp_path / "pool.xlsx", NOW)
    assert (report.created, report.updated) == (0, 1)
    with app.sessions() as session:
        member = session.scalars(select(Member)).one()
        assert (member.external_id, member.title, member.email) == (
            "17",
            "Lead Engineer",
            "lisa.jansen@example.net",
        )


def test_rows_with_future_dates_or_overlong_values_are_rejected_and_flags_are_read(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "pool.csv"
    path.write_text(
        "Naam;E-mail;Laatste contact;Niet benaderen;Toestemming tot\n"
        "Ok Person;ok@example.net;01-01-2026;ja;31-12-2026\n"
        "Future Person;future@example.net;01-01-2062;nee;\n"
        f"{'x' * 301};long@example.net;;;\n"
        "Bad Flag;flag@example.net;;misschien;\n",
        "utf-8",
    )
    report = import_pool(app, path, NOW)
    assert report.created == 1
    assert [(r.line, r.reason.split(" ")[1]) for r in report.rejected] == [
        (3, "last"),
        (4, "name"),
        (5, "not"),
    ]
    with app.sessions() as session:
        ok = session.scalars(select(Member)).one()
        assert ok.do_not_contact is True and ok.consent_until is not None


def test_batches_keep_the_row_by_row_promises(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_import, "BATCH_ROWS", 3)
    path = tmp_path / "pool.csv"
    path.write_text(
        "Naam,E-mail,Werkgever,Eigenaar,Externe ID\n"
        "Jan Jansen,jan@example.net,Acme B.V.,anna@agency.example,j-1\n"
        "Piet de Vries,piet@example.net,acme,anna@agency.example,j-2\n"
        "Jan Jansen,jan.jansen@example.net,Acme,bob@agency.example,j-1\n"  # same member again
        "Els Peeters,els@example.be,Globex NV,bob@agency.example,j-3\n"
        "Els Peeters,els@example.be,Globex,bob@agency.example,\n"  # by email this time
        "Kees Bakker,kees@example.net,Initech,anna@agency.example,j-4\n"
        "Bas Visser,bas@example.net,Initech,anna@agency.example,j-5\n",
        "utf-8",
    )
    first = import_pool(app, path, NOW)
    assert (first.created, first.updated, first.unchanged, first.rejected) == (5, 1, 1, [])
    with app.sessions() as session:
        assert sorted(session.scalars(select(Employer.key))) == ["acme", "globex", "initech"]
        assert sorted(session.scalars(select(Recruiter.email))) == [
            "anna@agency.example",
            "bob@agency.example",
        ]
        jan = session.scalars(select(Member).where(Member.external_id == "j-1")).one()
        assert jan.email == "jan.jansen@example.net"
    second = import_pool(app, path, NOW)
    # the file's first row names jan's old email, so each run moves it back and forth
    assert (second.created, second.updated, second.unchanged) == (0, 2, 5)


def test_a_row_the_database_refuses_is_reported_and_the_rest_of_its_batch_written(
    app: App, tmp_path: Path
) -> None:
    path = tmp_path / "pool.csv"
    path.write_text(
        "Name,Email,Title\n"
        "Lisa Jansen,lisa@example.net,Engineer\n"
        "Tom de Boer,tom@example.net,Ana\x00lyst\n"
        "Eva Smit,eva@example.net,Designer\n",
        "utf-8",
    )
    report = import_pool(app, path, NOW)
    with app.sessions() as session:
        emails = sorted(session.scalars(select(Member.email)))
    if app.engine.dialect.name == "postgresql":  # PostgreSQL text cannot hold NUL
        assert [(r.line, r.reason) for r in report.rejected] == [(3, pool_import.REFUSED)]
        assert (report.created, emails) == (2, ["eva@example.net", "lisa@example.net"])
    else:
        assert (report.created, report.rejected, len(emails)) == (3, [], 3)


def test_an_interrupted_import_run_again_finishes_the_job(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool_import, "BATCH_ROWS", 4)
    path = tmp_path / "pool.csv"
    lines = [f"Member {n},m{n}@example.net,Company {n % 3},m-{n}" for n in range(10)]
    path.write_text("Name,Email,Employer,External ID\n" + "\n".join(lines) + "\n", "utf-8")

    def stop_after_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_pool(app, path, NOW, stop_after_first_batch)
    with app.sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == 4
    again = import_pool(app, path, NOW)
    assert (again.created, again.updated, again.unchanged) == (6, 0, 4)
    with app.sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == 10
        assert session.scalar(select(func.count(Employer.id))) == 3


def test_new_employers_get_their_news_search_once_and_an_alias_finds_its_employer(
    app: App, tmp_path: Path
) -> None:
    app.settings = replace(app.settings, news_search_url="https://news.example.com/?q={query}")
    with transaction(app.sessions) as session:
        acme = Employer(name="Acme Robotics", key="acme robotics", created_at=NOW)
        session.add(acme)
        session.flush()
        add_alias(session, acme, "ACME Nederland")
    path = tmp_path / "pool.csv"
    path.write_text(
        "Naam,E-mail,Werkgever,Website werkgever\n"
        "Jan Jansen,jan@example.net,Acme Nederland B.V.,https://acme.example\n"
        "Sanne de Boer,sanne@example.net,Van den Berg Logistiek,\n"
        "Pieter Visser,pieter@example.net,van den berg logistiek bv,https://vdb.example\n",
        "utf-8",
    )
    assert import_pool(app, path, NOW).created == 3
    assert import_pool(app, path, NOW).unchanged == 3
    with app.sessions() as session:
        employers = session.execute(
            select(Employer.name, Employer.website).order_by(Employer.id)
        ).all()
        assert employers == [
            ("Acme Robotics", "https://acme.example"),
            ("Van den Berg Logistiek", "https://vdb.example"),
        ]
        searches = session.scalars(select(Source.url).where(Source.kind == "news_search")).all()
        assert searches == ["https://news.example.com/?q=%22Van+den+Berg+Logistiek%22"]
