"""Adding sources in bulk from a spreadsheet: url, kind, employer, member, selectors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from workers.app import App
from workers.db import transaction
from workers.services.directory import add_source, employer_named, find_member
from workers.services.tables import ImportReport, Rejection, read_table

SOURCE_COLUMNS = {
    "url": "url",
    "feed": "url",
    "link": "url",
    "kind": "kind",
    "soort": "kind",
    "type": "kind",
    "employer": "employer",
    "werkgever": "employer",
    "company": "employer",
    "bedrijf": "employer",
    "member": "member",
    "lid": "member",
    "kandidaat": "member",
    "email": "member",
    "person selector": "person",
    "name selector": "name",
    "title selector": "title",
}


def import_sources(app: App, path: Path, now: datetime) -> ImportReport:
    """Add every row's source (idempotent by URL); a bad row is reported and skipped."""
    _, records = read_table(path, SOURCE_COLUMNS, required=("url",))
    report = ImportReport()
    for line, values in records:
        try:
            with transaction(app.sessions) as session:
                employer = values.get("employer")
                member = values.get("member")
                selectors = {
                    k: str(values[k]) for k in ("person", "name", "title") if values.get(k)
                }
                _, created = add_source(
                    session,
                    str(values.get("url") or ""),
                    now,
                    kind=str(values.get("kind") or "feed").strip(),
                    employer=employer_named(session, str(employer), now, app.settings)
                    if employer
                    else None,
                    member=find_member(session, str(member)) if member else None,
                    selectors=selectors or None,
                )
        except ValueError as exc:
            report.rejected.append(Rejection(line, str(exc)))
        else:
            report.created += created
            report.unchanged += not created
    return report
