"""Importing contacts an ATS or CRM exported (CSV or XLSX, English or Dutch headers).

Each row is one contact, logged as the inbox logs one: it counts for the policy at once.
A row is stored whole or not at all; importing the same file twice stores nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from models.names import fold
from workers.app import App
from workers.services.contacts import ContactError, log_contact, natural_key, resolve_member
from workers.services.tables import (
    ImportReport,
    Progress,
    Rejection,
    cell_text,
    parse_date,
    read_table,
)

CONTACT_COLUMNS = {
    "email": "email",
    "e mail": "email",
    "emailadres": "email",
    "e mailadres": "email",
    "external id": "external_id",
    "externe id": "external_id",
    "candidate id": "external_id",
    "kandidaat id": "external_id",
    "date": "date",
    "datum": "date",
    "contact date": "date",
    "contactdatum": "date",
    "channel": "channel",
    "kanaal": "channel",
    "outcome": "outcome",
    "uitkomst": "outcome",
    "resultaat": "outcome",
    "note": "note",
    "notitie": "note",
    "opmerking": "note",
    "key": "key",
    "sleutel": "key",
}
CHANNEL_WORDS = {
    "email": "email",
    "e mail": "email",
    "mail": "email",
    "phone": "phone",
    "call": "phone",
    "telefoon": "phone",
    "gebeld": "phone",
    "meeting": "meeting",
    "afspraak": "meeting",
    "gesprek": "meeting",
    "koffie": "meeting",
    "message": "message",
    "bericht": "message",
    "linkedin": "message",
    "whatsapp": "message",
    "other": "other",
    "anders": "other",
    "overig": "other",
}
OUTCOME_WORDS = {
    "positive": "positive",
    "positief": "positive",
    "negative": "negative",
    "negatief": "negative",
    "no response": "no-response",
    "no answer": "no-response",
    "geen reactie": "no-response",
    "geen antwoord": "no-response",
    "later": "later",
}


def import_contacts(
    app: App, path: Path, now: datetime, progress: Progress | None = None
) -> ImportReport:
    """Log every good row's contact; report each bad row with its line and skip it."""
    total, records = read_table(path, CONTACT_COLUMNS, required=("date",))
    report = ImportReport()
    for line, values in records:
        if progress and line % 1000 == 0:
            progress(min(line - 1, total), total)
        try:
            logged = _import_row(app, values, now)
        except (ContactError, ValueError) as exc:
            report.rejected.append(Rejection(line, str(exc)))
            continue
        report.created += logged
        report.unchanged += not logged
    return report


def _import_row(app: App, values: dict[str, Any], now: datetime) -> bool:
    """Log one row's contact; False when it was imported before."""
    member_id = resolve_member(
        app, external_id=cell_text(values.get("external_id")), email=cell_text(values.get("email"))
    )
    day = parse_date(values.get("date"))
    if day is None:
        raise ContactError("the date is missing")
    # A row names a day: noon of it stands for the contact (now, when today's noon is
    # still ahead). The key is taken from the day itself, so that the same file imported
    # again in the morning and in the afternoon is the same contacts.
    stated = datetime.combine(day, time(12), tzinfo=UTC)
    at = min(stated, now)
    channel = _word(values.get("channel"), CHANNEL_WORDS, "channel") or "other"
    outcome = _word(values.get("outcome"), OUTCOME_WORDS, "outcome")
    note = cell_text(values.get("note"))
    key = cell_text(values.get("key"))
    logged = log_contact(
        app,
        member_id,
        now,
        at=at,
        channel=channel,
        outcome=outcome,
        note=note,
        origin="import",
        key=f"import:{key}" if key else natural_key(member_id, stated, channel, outcome, note),
    )
    return logged.created


def _word(value: Any, words: dict[str, str], what: str) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    found = words.get(fold(text))
    if found is None:
        raise ContactError(f"unknown {what} {text!r}")
    return found
