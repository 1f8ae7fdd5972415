"""Importing the pool from the spreadsheet recruiters keep (CSV or XLSX, English or Dutch)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from models.names import EMAIL, fold
from models.schema import Member, Moment
from models.wording import topic_reads_badly
from sources.watch import PROFILE_PAGE
from workers.app import App
from workers.services.directory import add_source, employer_named, recruiter_for_email
from workers.services.privacy import Suppressed, is_suppressed

HEADERS: dict[str, str] = {
    "name": "name",
    "naam": "name",
    "full name": "name",
    "volledige naam": "name",
    "email": "email",
    "e mail": "email",
    "emailadres": "email",
    "e mailadres": "email",
    "employer": "employer",
    "werkgever": "employer",
    "company": "employer",
    "bedrijf": "employer",
    "employer website": "website",
    "website": "website",
    "website werkgever": "website",
    "title": "title",
    "functie": "title",
    "job title": "title",
    "functietitel": "title",
    "last contact": "last_contact",
    "laatste contact": "last_contact",
    "last topic": "last_topic",
    "onderwerp laatste gesprek": "last_topic",
    "onderwerp": "last_topic",
    "interests": "interests",
    "interessegebied": "interests",
    "interessegebieden": "interests",
    "next action": "next_action",
    "volgende actie": "next_action",
    "owner": "owner",
    "eigenaar": "owner",
    "language": "language",
    "taal": "language",
    "profile urls": "profile_urls",
    "profielen": "profile_urls",
    "profiles": "profile_urls",
    "reason": "reason",
    "reden": "reason",
    "city": "city",
    "plaats": "city",
    "woonplaats": "city",
    "stad": "city",
    "do not contact": "do_not_contact",
    "niet benaderen": "do_not_contact",
    "dnc": "do_not_contact",
    "consent until": "consent_until",
    "toestemming tot": "consent_until",
    "bewaren tot": "consent_until",
    "address": "formal",
    "aanspreekvorm": "formal",
    "legal basis": "legal_basis",
    "grondslag": "legal_basis",
    "consent given": "consent_given_on",
    "toestemming gegeven": "consent_given_on",
    "external id": "external_id",
    "externe id": "external_id",
    "id": "external_id",
}
LANGUAGES = {
    "en": "en",
    "english": "en",
    "engels": "en",
    "nl": "nl",
    "dutch": "nl",
    "nederlands": "nl",
    "vlaams": "nl",
    "be nl": "nl",
    "nl be": "nl",
}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not a row problem)."""


@dataclass
class Rejection:
    """A row that was not imported, and why."""

    line: int
    reason: str


@dataclass
class ImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)
    """Rows imported with something worth a look (a topic drafts will leave out)."""


@dataclass(frozen=True)
class PoolRow:
    """One validated row of the pool file."""

    name: str
    email: str | None
    external_id: str | None
    employer: str | None
    website: str | None
    title: str | None
    city: str | None
    last_contact: date | None
    last_topic: str | None
    interests: str | None
    next_action: str | None
    owner: str | None
    language: str
    profile_urls: str | None
    reason: str | None
    do_not_contact: bool | None = None
    """None when the file has no such column: the member's flag is left as it is."""
    consent_until: date | None = None
    legal_basis: str | None = None
    consent_given_on: date | None = None
    formal: bool | None = None
    """None when the file has no such column."""
    topic_warning: bool = False


TOPIC_WARNING = (
    "the last topic speaks of the member in the third person (she, hij...); drafts leave "
    'it out: write it as you would say it to them ("your plans", "je ambitie")'
)
ADDRESS = {
    "u": True,
    "formal": True,
    "formeel": True,
    "je": False,
    "jij": False,
    "informal": False,
    "informeel": False,
}

BASES = {
    "consent": "consent",
    "toestemming": "consent",
    "legitimate interest": "legitimate_interest",
    "gerechtvaardigd belang": "legitimate_interest",
}

Records = Iterator[tuple[int, dict[str, Any]]]


def read_rows(path: Path) -> tuple[int, Records]:
    """The pool file's number of data rows and an iterator of (line number, {field: value})."""
    total, records = read_table(path, HEADERS, required=("name",))
    return total, records


def read_table(
    path: Path, headers: Mapping[str, str], *, required: Sequence[str]
) -> tuple[int, Records]:
    """Any spreadsheet whose header cells map (folded) through ``headers`` to field names."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt", ".tsv"):
        rows = _csv_rows(path)
    else:
        raise ImportFileError(f"{path.name}: expected a .csv or .xlsx file")
    if not rows:
        raise ImportFileError(f"{path.name} is empty")
    header, body = rows[0], rows[1:]
    columns = _map_header([str(h or "") for h in header[1]], headers, required)

    def records() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, values in body:
            if all(v in (None, "") for v in values):
                continue
            yield line, {columns[i]: v for i, v in enumerate(values) if i in columns}

    return len(body), records()


def _csv_rows(path: Path) -> list[tuple[int, list[Any]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    return [(reader.line_num, row) for row in reader]


def _xlsx_rows(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ImportFileError(f"{path.name} is not a readable .xlsx file: {exc}") from exc
    sheet = book.worksheets[0]
    rows = [
        (number, list(values))
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
    ]
    book.close()
    return rows


def _map_header(
    header: list[str], headers: Mapping[str, str], required: Sequence[str]
) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, title in enumerate(header):
        name = headers.get(fold(title))
        if name is not None and name not in columns.values():
            columns[index] = name
    for name in required:
        if name not in columns.values():
            spellings = "/".join(h for h, n in headers.items() if n == name)
            raise ImportFileError(f"the header has no {spellings} column")
    if headers is HEADERS and not {"email", "external_id"} & set(columns.values()):
        raise ImportFileError("the header needs an email/e-mail or external id column")
    return columns


LIMITS = {"name": 300, "email": 320, "external_id": 200, "employer": 300, "title": 300, "city": 200}
YES = {"1", "yes", "ja", "j", "y", "true", "waar", "x"}
NO = {"", "0", "no", "nee", "n", "false", "onwaar"}


def parse_row(values: dict[str, Any], today: date | None = None) -> PoolRow:
    """Validate one row; raise ValueError with a reason a recruiter understands."""
    text = {k: cell_text(v) for k, v in values.items()}
    for field_name, limit in LIMITS.items():
        if len(text.get(field_name) or "") > limit:
            raise ValueError(
                f"the {field_name.replace('_', ' ')} is longer than {limit} characters"
            )
    last_contact = parse_date(values.get("last_contact"))
    if today is not None and last_contact is not None and last_contact > today:
        raise ValueError(f"the last contact date {last_contact:%d-%m-%Y} is in the future")
    flag = fold(text.get("do_not_contact") or "") if "do_not_contact" in values else None
    if flag is not None and flag not in YES | NO:
        raise ValueError(
            f"do not contact must be yes/ja or no/nee, not {text.get('do_not_contact')!r}"
        )
    name = text.get("name")
    if not name:
        raise ValueError("the name is empty")
    email = (text.get("email") or "").lower() or None
    if email is not None and not EMAIL.match(email):
        raise ValueError(f"the email address {email!r} is not valid")
    external_id = text.get("external_id")
    if email is None and external_id is None:
        raise ValueError("the row has neither an email address nor an external id")
    owner = (text.get("owner") or "").lower() or None
    if owner is not None and not EMAIL.match(owner):
        raise ValueError(f"the owner {owner!r} is not a recruiter's email address")
    language = LANGUAGES.get(fold(text.get("language") or "en"))
    if language is None:
        raise ValueError(f"the language {text.get('language')!r} is not nl or en")
    urls = re.split(r"[\s,;]+", text.get("profile_urls") or "")
    urls = [u for u in urls if u]
    bad = [u for u in urls if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise ValueError(f"the profile URL {bad[0]!r} is not an http(s) address")
    basis_text = text.get("legal_basis")
    legal_basis = BASES.get(fold(basis_text)) if basis_text else None
    if basis_text and legal_basis is None:
        raise ValueError(
            f"the legal basis {basis_text!r} is neither consent/toestemming nor "
            "legitimate interest/gerechtvaardigd belang"
        )
    address = fold(text.get("formal") or "")
    if address and address not in ADDRESS:
        raise ValueError(f"the address {text.get('formal')!r} is neither je nor u")
    return PoolRow(
        name=name,
        email=email,
        external_id=external_id,
        employer=text.get("employer"),
        website=text.get("website"),
        title=text.get("title"),
        city=text.get("city"),
        last_contact=last_contact,
        last_topic=text.get("last_topic"),
        interests=text.get("interests"),
        next_action=text.get("next_action"),
        owner=owner,
        language=language,
        profile_urls="\n".join(urls) or None,
        reason=text.get("reason"),
        do_not_contact=None if flag is None else flag in YES,
        consent_until=parse_date(values.get("consent_until")),
        legal_basis=legal_basis,
        consent_given_on=parse_date(values.get("consent_given_on")),
        formal=ADDRESS[address] if address else None,
        topic_warning=topic_reads_badly(text.get("last_topic"), language),
    )


def parse_date(value: Any) -> date | None:
    """A date from a spreadsheet cell: a date, ISO text or Dutch dd-mm-jjjj."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"the date {raw!r} is neither yyyy-mm-dd nor dd-mm-jjjj")


def cell_text(value: Any) -> str | None:
    """A spreadsheet cell as tidy text (whole floats as integers), or None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = " ".join(str(value).split())
    return cleaned or None


def import_pool(
    app: App, path: Path, now: datetime, progress: Callable[[int], None] | None = None
) -> ImportReport:
    """Upsert every good row (by external id, else email); report and skip bad ones."""
    _, records = read_rows(path)
    report = ImportReport()
    with app.sessions() as session:
        for line, values in records:
            try:
                row = parse_row(values, now.date())
                with session.begin():
                    outcome = _upsert(session, row, now, app)
            except ValueError as exc:
                report.rejected.append(Rejection(line, str(exc)))
            except IntegrityError:
                report.rejected.append(
                    Rejection(line, "the email or external id belongs to another member")
                )
            except DBAPIError:  # reported without the values: they are personal data
                report.rejected.append(Rejection(line, "the database refused a value of this row"))
            else:
                setattr(report, outcome, getattr(report, outcome) + 1)
                if row.topic_warning:
                    report.warnings.append(Rejection(line, TOPIC_WARNING))
            if progress:
                progress(1)
    return report


def _upsert(session: Session, row: PoolRow, now: datetime, app: App) -> str:
    member = _existing(session, row)
    if member is None and is_suppressed(session, row.email, row.external_id):
        raise Suppressed
    employer = (
        employer_named(session, row.employer, now, app.settings, website=row.website)
        if row.employer
        else None
    )
    owner = recruiter_for_email(session, row.owner, now) if row.owner else None
    fields: dict[str, Any] = {
        "name": row.name,
        "title": row.title,
        "city": row.city,
        "last_contact_on": row.last_contact,
        "last_topic": row.last_topic,
        "interests": row.interests,
        "next_action": row.next_action,
        "language": row.language,
        "profile_urls": row.profile_urls,
        "reason": row.reason,
        "employer_id": employer.id if employer else None,
        "owner_id": owner.id if owner else None,
    }
    if row.email:
        fields["email"] = row.email
    if row.external_id:
        fields["external_id"] = row.external_id
    if row.do_not_contact is not None:
        fields["do_not_contact"] = row.do_not_contact
    consent_until = row.consent_until
    if consent_until is None and row.consent_given_on is not None:
        consent_until = app.settings.pool_policy.retention.renewed_until(row.consent_given_on)
    if consent_until is not None:
        fields["consent_until"] = consent_until
    if row.legal_basis is not None:
        fields["legal_basis"] = row.legal_basis
    if row.consent_given_on is not None:
        fields["consent_given_on"] = row.consent_given_on
    if row.formal is not None:
        fields["formal"] = row.formal
    if member is None:
        member = Member(**fields, created_at=now, updated_at=now)
        session.add(member)
        outcome = "created"
    else:
        changed = {k: v for k, v in fields.items() if getattr(member, k) != v}
        for key, value in changed.items():
            setattr(member, key, value)
        if changed:
            member.updated_at = now
        outcome = "updated" if changed else "unchanged"
        if changed.get("do_not_contact"):
            _stop_moments(session, member.id, now)
    session.flush()
    for url in (row.profile_urls or "").split():
        if "linkedin.com" not in url.lower():  # never scraped; kept on the member only
            add_source(session, url, now, kind=PROFILE_PAGE, member=member)
    return outcome


def _stop_moments(session: Session, member_id: int, now: datetime) -> None:
    """An objection stops the member's moments at once, those with a recruiter too (their
    deliveries not yet sent are then cancelled when claimed)."""
    session.execute(
        update(Moment)
        .where(
            Moment.member_id == member_id,
            Moment.status.in_(("pending", "deferred", "routed", "delivered")),
        )
        .values(status="suppressed", closed_at=now, reason="the member asked not to be contacted")
    )


def _existing(session: Session, row: PoolRow) -> Member | None:
    by_id = by_email = None
    if row.external_id:
        by_id = session.scalars(select(Member).where(Member.external_id == row.external_id)).first()
    if row.email:
        by_email = session.scalars(select(Member).where(Member.email == row.email)).first()
    if by_id and by_email and by_id.id != by_email.id:
        raise ValueError(
            f"external id {row.external_id!r} and email belong to two different members"
        )
    return by_id or by_email
