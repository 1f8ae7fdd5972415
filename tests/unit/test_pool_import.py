"""The pure half of the pool import: reading files, mapping headers, validating rows."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from workers.services.pool_rows import parse_row, read_rows
from workers.services.tables import ImportFileError, parse_date

GOOD = {"name": "Jan de Vries", "email": "jan@example.nl"}


def row(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


def test_minimal_row() -> None:
    parsed = parse_row(GOOD)

    filled = {k: v for k, v in asdict(parsed).items() if v is not None}
    assert filled.pop("topic_warning") is False
    assert filled == {"name": "Jan de Vries", "email": "jan@example.nl", "language": "en"}


def test_full_row_is_cleaned() -> None:
    parsed = parse_row(
        {
            "name": "  Anna   Bakker ",
            "email": " Anna.Bakker@Example.COM ",
            "external_id": 1234.0,
            "employer": "Noordzee Energie N.V.",
            "last_contact": "14-03-2024",
            "last_topic": "offshore wind",
            "owner": "Recruiter@Agency.nl",
            "language": "Nederlands",
            "profile_urls": "https://linkedin.com/in/anna, http://anna.example.nl;\n",
        }
    )

    assert parsed.name == "Anna Bakker"
    assert parsed.email == "anna.bakker@example.com"
    assert parsed.external_id == "1234"
    assert parsed.last_contact == date(2024, 3, 14)
    assert parsed.owner == "recruiter@agency.nl"
    assert parsed.language == "nl"
    assert parsed.profile_urls == "https://linkedin.com/in/anna\nhttp://anna.example.nl"


@pytest.mark.parametrize(
    ("values", "words"),
    [
        pytest.param(row(name=""), "name is empty", id="empty-name"),
        pytest.param(row(name="   "), "name is empty", id="blank-name"),
        pytest.param({"email": "jan@example.nl"}, "name is empty", id="missing-name"),
        pytest.param(row(email="jan.example.nl"), "email address", id="email-without-at"),
        pytest.param(row(email="jan@example"), "email address", id="email-without-domain-dot"),
        pytest.param(row(email="jan de vries@example.nl"), "email address", id="email-space"),
        pytest.param(row(email="a@b@c.nl"), "email address", id="email-two-ats"),
        pytest.param(
            {"name": "Jan"}, "neither an email address nor an external id", id="no-identity"
        ),
        pytest.param(
            {"name": "Jan", "email": "", "external_id": "  "}, "neither", id="blank-identity"
        ),
        pytest.param(row(owner="recruiter"), "owner", id="owner-not-an-email"),
        pytest.param(row(language="de"), "'de' is not nl or en", id="german"),
        pytest.param(row(language="Frans"), "not nl or en", id="dutch-word-for-french"),
        pytest.param(
            row(profile_urls="linkedin.com/in/jan"),
            "'linkedin.com/in/jan'",
            id="url-without-scheme",
        ),
        pytest.param(
            row(profile_urls="https://ok.nl ftp://files.nl"),
            "'ftp://files.nl'",
            id="second-url-bad",
        ),
        pytest.param(row(profile_urls="javascript:alert(1)"), "http(s)", id="javascript-url"),
        pytest.param(row(last_contact="31-02-2024"), "31-02-2024", id="impossible-date"),
    ],
)
def test_bad_rows_are_rejected_with_a_reason(values: dict[str, Any], words: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_row(values)

    assert words in str(caught.value)


def test_external_id_alone_is_enough() -> None:
    parsed = parse_row({"name": "Kees", "external_id": 42})

    assert (parsed.email, parsed.external_id) == (None, "42")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "en"),
        ("", "en"),
        ("en", "en"),
        ("EN", "en"),
        ("English", "en"),
        ("Engels", "en"),
        ("nl", "nl"),
        ("NL", "nl"),
        ("Dutch", "nl"),
        ("Nederlands", "nl"),
        ("nederlands ", "nl"),
        ("Vlaams", "nl"),
        ("nl-BE", "nl"),
        ("BE-nl", "nl"),
    ],
)
def test_language_words(raw: str | None, expected: str) -> None:
    assert parse_row(row(language=raw)).language == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("2024-03-05", date(2024, 3, 5)),
        (" 2024-03-05 ", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("5-3-2024", date(2024, 3, 5)),
        ("05/03/2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("2024/03/05", date(2024, 3, 5)),
        ("29-02-2024", date(2024, 2, 29)),
        (datetime(2024, 3, 5, 17, 45), date(2024, 3, 5)),
        (date(2024, 3, 5), date(2024, 3, 5)),
    ],
)
def test_parse_date(value: Any, expected: date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value", ["31-02-2024", "29-02-2023", "2024-13-01", "march 5th", "05-03-24", "yesterday"]
)
def test_parse_date_rejects_impossible_or_unknown_dates(value: str) -> None:
    with pytest.raises(ValueError, match="neither yyyy-mm-dd nor dd-mm-jjjj"):
        parse_date(value)


# --- files ------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def records(path: Path) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
    total, rows = read_rows(path)
    return total, list(rows)


def test_dutch_semicolon_csv(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pool.csv",
        "Naam;E-mailadres;Werkgever;Laatste contact;Onderwerp laatste gesprek;TAAL\n"
        "Jan de Vries;jan@example.nl;Acme, Inc.;05-03-2024;offshore wind;Nederlands\n"
        "Piet Jansen;piet@example.nl;Noordzee Energie N.V.;2024-01-02;;nl\n",
    )

    total, rows = records(path)

    assert total == 2
    assert rows == [
        (
            2,
            {
                "name": "Jan de Vries",
                "email": "jan@example.nl",
                "employer": "Acme, Inc.",
                "last_contact": "05-03-2024",
                "last_topic": "offshore wind",
                "language": "Nederlands",
            },
        ),
        (
            3,
            {
                "name": "Piet Jansen",
                "email": "piet@example.nl",
                "employer": "Noordzee Energie N.V.",
                "last_contact": "2024-01-02",
                "last_topic": "",
                "language": "nl",
            },
        ),
    ]
    assert parse_row(rows[0][1]).last_contact == date(2024, 3, 5)


def test_english_comma_csv_with_quoted_separators(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pool.csv",
        "FULL NAME,Email,Company,Last Contact,Language,Profile URLs,External ID\n"
        '"de Vries, Jan",jan@example.nl,"Acme; Inc",05/03/2024,en,"https://a.nl, https://b.nl",7\n'
        "Anna Bakker,anna@example.com,Acme,2024-01-02,English,,8\n",
    )

    total, rows = records(path)

    assert total == 2
    assert rows[0] == (
        2,
        {
            "name": "de Vries, Jan",
            "email": "jan@example.nl",
            "employer": "Acme; Inc",
            "last_contact": "05/03/2024",
            "language": "en",
            "profile_urls": "https://a.nl, https://b.nl",
            "external_id": "7",
        },
    )
    assert parse_row(rows[1][1]).external_id == "8"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("name", "name"),
        ("NAAM", "name"),
        ("Volledige naam", "name"),
        ("e-mail", "email"),
        ("E-mailadres", "email"),
        ("Emailadres", "email"),
        ("bedrijf", "employer"),
        ("Werkgever", "employer"),
        ("website werkgever", "website"),
        ("Functietitel", "title"),
        ("job title", "title"),
        ("Laatste Contact", "last_contact"),
        ("Onderwerp", "last_topic"),
        ("Interessegebieden", "interests"),
        ("Volgende actie", "next_action"),
        ("Eigenaar", "owner"),
        ("Taal", "language"),
        ("Profielen", "profile_urls"),
        ("Reden", "reason"),
        ("Externe ID", "external_id"),
        ("ID", "external_id"),
    ],
)
def test_header_words_in_either_language_and_any_case(
    tmp_path: Path, header: str, field: str
) -> None:
    others = {"name": "Externe ID,Email", "email": "Naam,Externe ID"}.get(field, "Naam,Email")
    path = write(tmp_path, "pool.csv", f"{others},{header}\nJan,jan@example.nl,value\n")

    _, rows = records(path)

    assert rows[0][1][field] == "value"


def test_unknown_columns_are_ignored_and_first_duplicate_wins(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pool.csv",
        "Name;Shoe size;Email;E-mail\nJan;44;jan@example.nl;other@example.nl\n",
    )

    _, rows = records(path)

    assert rows == [(2, {"name": "Jan", "email": "jan@example.nl"})]


def test_blank_rows_are_skipped_but_counted_in_line_numbers(tmp_path: Path) -> None:
    path = write(
        tmp_path, "pool.csv", "\ufeffName,Email\nJan,jan@example.nl\n,\nAnna,anna@example.nl\n"
    )

    total, rows = records(path)

    assert total == 3
    assert [(line, values["name"]) for line, values in rows] == [(2, "Jan"), (4, "Anna")]


def test_cp1252_csv_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "pool.csv", "Naam;Email\nJosé Müller;jose@example.nl\n", "cp1252")

    _, rows = records(path)

    assert rows[0][1]["name"] == "José Müller"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("Email;Werkgever\njan@example.nl;Acme\n", "no name/naam"),
        ("Naam;Werkgever\nJan;Acme\n", "email/e-mail or external id"),
        ("", "is empty"),
    ],
)
def test_unusable_files_are_rejected(tmp_path: Path, content: str, words: str) -> None:
    path = write(tmp_path, "pool.csv", content)

    with pytest.raises(ImportFileError, match=words):
        read_rows(path)


def test_other_file_types_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "pool.json", "[]")

    with pytest.raises(ImportFileError, match=r"expected a \.csv or \.xlsx"):
        read_rows(path)


def test_xlsx_with_dutch_headers_and_typed_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["NAAM", "E-mail", "Externe ID", "Laatste contact", "Taal"])
    sheet.append(["Jan de Vries", "Jan@Example.nl", 1001, datetime(2024, 3, 5), "NL"])
    sheet.append([None, None, None, None, None])
    sheet.append(["Anna Bakker", None, 1002, "14-03-2024", "Engels"])
    path = tmp_path / "pool.xlsx"
    book.save(path)

    total, rows = records(path)
    parsed = [parse_row(values) for _, values in rows]

    assert total == 3
    assert [line for line, _ in rows] == [2, 4]
    assert parsed[0].email == "jan@example.nl"
    assert parsed[0].external_id == "1001"
    assert parsed[0].last_contact == date(2024, 3, 5)
    assert parsed[0].language == "nl"
    assert (parsed[1].email, parsed[1].external_id, parsed[1].language) == (None, "1002", "en")
    assert parsed[1].last_contact == date(2024, 3, 14)


def test_broken_xlsx_is_an_import_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "pool.xlsx", "not a zip file")

    with pytest.raises(ImportFileError, match=r"not a readable \.xlsx"):
        read_rows(path)


def test_a_third_person_topic_and_the_form_of_address() -> None:
    parsed = parse_row({**GOOD, "last_topic": "what she wants next", "formal": "u"})
    assert parsed.topic_warning is True and parsed.formal is True
    assert parse_row({**GOOD, "last_topic": "her plans"}).topic_warning is False
    with pytest.raises(ValueError, match="neither je nor u"):
        parse_row({**GOOD, "formal": "sir"})
