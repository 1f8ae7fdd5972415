"""The pool file's rows: its header words (English or Dutch) and the validation of one row,
pure and without a database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from models.names import EMAIL, fold
from models.wording import topic_reads_badly
from workers.services.tables import Records, cell_text, parse_date, read_table

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


@dataclass(slots=True)
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


def read_rows(path: Path) -> tuple[int, Records]:
    """The pool file's number of data rows and an iterator of (line number, {field: value})."""
    return read_table(
        path,
        HEADERS,
        required=("name",),
        one_of=("email", "external_id"),
        missing="the header needs an email/e-mail or external id column",
    )


LIMITS = {"name": 300, "email": 320, "external_id": 200, "employer": 300, "title": 300, "city": 200}
_URL_GAPS = re.compile(r"[\s,;]+")
YES = {"1", "yes", "ja", "j", "y", "true", "waar", "x"}
NO = {"", "0", "no", "nee", "n", "false", "onwaar"}


def _folded(text: str) -> str:
    """``fold`` for the short words of flag columns; plain ASCII words skip the regexes."""
    lowered = text.lower()
    return lowered if lowered.isalpha() and lowered.isascii() else fold(text)


def _word(words: dict[str, str], text: str) -> str | None:
    return words.get(_folded(text))


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
    flag = _folded(text.get("do_not_contact") or "") if "do_not_contact" in values else None
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
    language = _word(LANGUAGES, text.get("language") or "en")
    if language is None:
        raise ValueError(f"the language {text.get('language')!r} is not nl or en")
    urls = [u for u in _URL_GAPS.split(text.get("profile_urls") or "") if u]
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
    address = _folded(text.get("formal") or "")
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
