"""The pool and contacts imports under hostile files (CSV and XLSX): every data row is
either imported or rejected with its line, a rejected row writes nothing, and only
ImportFileError stops a whole file. Each example gets a fresh copy of a migrated SQLite
database, so what it finds there is what the import wrote."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import func, select

from models.schema import Contact, Employer, Member, Recruiter
from tests.fuzz.hostile import CONTACT_HEADERS, POOL_HEADERS, csv_bytes, mutated, tables
from tests.fuzz.profile import FUZZ, cpu_bound
from workers.app import App
from workers.db import transaction, upgrade
from workers.services.contact_import import CONTACT_COLUMNS, import_contacts
from workers.services.pool_import import import_pool
from workers.services.pool_rows import read_rows
from workers.services.tables import ImportFileError, ImportReport, read_table
from workers.settings import Settings

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, empty SQLite database to copy for each example."""
    folder = tmp_path_factory.mktemp("template")
    upgrade(f"sqlite:///{folder / 'keepwarm.db'}")
    return folder / "keepwarm.db"


def fresh_app(template: Path, folder: Path) -> App:
    shutil.copy(template, folder / "keepwarm.db")
    return App.build(Settings.from_values({"data_dir": str(folder)}), migrate=False)


@st.composite
def files(draw: st.DrawFn, headers: list[str]) -> tuple[str, bytes | list[list[Any]]]:
    """A CSV file's bytes, or an XLSX file's rows (written by the test, in its folder)."""
    table = draw(tables(headers))
    if draw(st.integers(0, 3)):
        return ".csv", draw(csv_bytes(table))
    return ".xlsx", [
        [ILLEGAL_CHARACTERS_RE.sub("", cell)[:32_767] for cell in row] for row in table
    ]


def write(folder: Path, file: tuple[str, bytes | list[list[Any]]], mutate: Any) -> Path:
    suffix, content = file
    path = folder / f"import{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
        return path
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in content:
        sheet.append(row)
    book.save(path)
    path.write_bytes(mutate(path.read_bytes()))
    return path


def records(path: Path, read: Any) -> int | None:
    """The data rows an import of the file must account for; None when it cannot be read."""
    try:
        return sum(1 for _ in read(path)[1])
    except ImportFileError:
        return None


def accounted(report: ImportReport, rows: int) -> None:
    lines = [r.line for r in report.rejected]
    assert report.created + report.updated + report.unchanged + len(lines) == rows
    assert len(set(lines)) == len(lines) and all(line >= 2 for line in lines)
    assert all(r.reason for r in report.rejected)


@pytest.fixture
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FUZZ
@given(files(POOL_HEADERS), st.data())
def test_every_pool_row_is_imported_or_rejected_and_a_rejected_row_writes_nothing(
    template: Path, file: tuple[str, bytes | list[list[Any]]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        mutate = data.draw(st.sampled_from([lambda b: b, lambda b: data.draw(mutated(b))]))
        path = write(folder, file, mutate)
        rows = records(path, read_rows)
        app = fresh_app(template, folder)
        try:
            with cpu_bound(10.0):
                try:
                    report = import_pool(app, path, NOW)
                except ImportFileError:
                    assert rows is None
                    return
            assert rows is not None
            accounted(report, rows)
            with app.sessions() as session:
                members = session.scalar(select(func.count(Member.id)))
                # Every employer and recruiter written is one an imported member has.
                orphans = session.scalar(
                    select(func.count(Employer.id)).where(
                        ~Employer.id.in_(
                            select(Member.employer_id).where(Member.employer_id.is_not(None))
                        )
                    )
                )
                idle = session.scalar(
                    select(func.count(Recruiter.id)).where(
                        ~Recruiter.id.in_(
                            select(Member.owner_id).where(Member.owner_id.is_not(None))
                        )
                    )
                )
            assert members == report.created
            assert (orphans, idle) == (0, 0)
        finally:
            app.close()


def _members(app: App) -> None:
    with transaction(app.sessions) as session:
        for external_id, email in (("x-1", "jan@example.nl"), ("x-2", "eva@example.nl")):
            session.add(
                Member(
                    name="Jan",
                    email=email,
                    external_id=external_id,
                    language="nl",
                    created_at=NOW,
                    updated_at=NOW,
                    last_contact_on=date(2025, 1, 1),
                )
            )


def _contact_rows(path: Path) -> tuple[int, Any]:
    return read_table(path, CONTACT_COLUMNS, required=("date",))


@FUZZ
@given(files(CONTACT_HEADERS), st.data())
def test_every_contact_row_is_logged_or_rejected_and_a_rejected_row_writes_nothing(
    template: Path, file: tuple[str, bytes | list[list[Any]]], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        mutate = data.draw(st.sampled_from([lambda b: b, lambda b: data.draw(mutated(b))]))
        path = write(folder, file, mutate)
        rows = records(path, _contact_rows)
        app = fresh_app(template, folder)
        try:
            _members(app)
            with cpu_bound(10.0):
                try:
                    report = import_contacts(app, path, NOW)
                except ImportFileError:
                    assert rows is None
                    return
            assert rows is not None
            accounted(report, rows)
            with app.sessions() as session:
                assert session.scalar(select(func.count(Contact.id))) == report.created
        finally:
            app.close()


# Crashes the fuzzing found, kept as plain tests.


def test_a_quote_that_never_closes_refuses_the_file_with_its_line(tmp_path: Path) -> None:
    # Shrunk from a UTF-16 file: csv.Error (field larger than field limit) escaped the import.
    path = tmp_path / "pool.csv"
    path.write_text('Name,Email\nJan,jan@example.nl\n"' + "x" * 200_000 + "\n", "utf-8")

    with pytest.raises(ImportFileError, match=r"pool\.csv line 3: a cell is over"):
        read_rows(path)


def test_excels_unicode_text_is_read_as_utf16(tmp_path: Path) -> None:
    # The same file was read as Windows-1252: a NUL after every letter, and no header found.
    path = tmp_path / "pool.txt"
    path.write_bytes("Naam\tE-mail\r\nJosé Müller\tjose@example.nl\r\n".encode("utf-16"))

    total, rows = read_rows(path)

    assert (total, list(rows)) == (1, [(2, {"name": "José Müller", "email": "jose@example.nl"})])


def test_a_rejected_pool_row_creates_no_employer_and_no_recruiter(
    template: Path, folder: Path
) -> None:
    # Found while writing the property above (the shapes it draws rarely collide this
    # way): the batch created every row's employer and owner before it rejected a row.
    path = folder / "pool.csv"
    path.write_text(
        "Name,External ID,Email,Employer,Owner\n"
        "Jan,x-1,jan@example.nl,,\n"
        "Eva,x-2,eva@example.nl,,\n"
        "Bad,x-1,eva@example.nl,NewCo,new@agency.example\n",
        "utf-8",
    )
    app = fresh_app(template, folder)
    try:
        report = import_pool(app, path, NOW)

        assert [(r.line, "two different members" in r.reason) for r in report.rejected] == [
            (4, True)
        ]
        with app.sessions() as session:
            assert session.scalar(select(func.count(Employer.id))) == 0
            assert session.scalar(select(func.count(Recruiter.id))) == 0
    finally:
        app.close()
