"""Watching web pages: a team page's roster or a profile, diffed against the last snapshot.

Each change becomes an entry with a JSON payload that detection reads. The first look
at a page is its baseline and yields no entries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import datetime

from sources.feeds import Entry
from sources.pages import PagePerson, Selectors, diff_people, people_on_page, profile_of

TEAM_PAGE = "team_page"
PROFILE_PAGE = "profile_page"
PAGE_KINDS = (TEAM_PAGE, PROFILE_PAGE)


def observe_page(
    kind: str,
    html: bytes,
    *,
    url: str,
    previous: str | None,
    selectors: Selectors | None,
    employer: tuple[int, str] | None,
    now: datetime,
    content_type: str | None = None,
) -> tuple[list[Entry], str, str]:
    """Entries for what changed since ``previous``, the new snapshot and a status line."""
    if kind == PROFILE_PAGE:
        person = profile_of(html, url=url, selectors=selectors, content_type=content_type)
        people = [person] if person is not None else []
    else:
        people = people_on_page(html, url=url, selectors=selectors, content_type=content_type)
    snapshot = json.dumps([asdict(p) for p in people], sort_keys=True)
    if previous is None:
        return [], snapshot, f"baseline: {len(people)} people"
    before = [PagePerson(**p) for p in json.loads(previous)]
    observations = _observations(kind, before, people, employer)
    entries = [_entry(o, url, now) for o in observations]
    return entries, snapshot, f"{len(people)} people, {len(entries)} changes"


def _observations(
    kind: str, before: list[PagePerson], after: list[PagePerson], employer: tuple[int, str] | None
) -> list[dict[str, str | int | None]]:
    employer_id, employer_name = employer if employer else (None, None)
    if kind == PROFILE_PAGE:
        if not after or (
            before and (before[0].employer, before[0].title) == (after[0].employer, after[0].title)
        ):
            return []
        person = after[0]
        return [
            {
                "change": "profile",
                "name": person.name,
                "title": person.title,
                "employer": person.employer,
            }
        ]
    change = diff_people(before, after)
    base = {"employer_id": employer_id, "employer": employer_name}
    return [
        *({**base, "change": "joined", "name": p.name, "title": p.title} for p in change.joined),
        *({**base, "change": "left", "name": p.name, "title": p.title} for p in change.left),
        *(
            {
                **base,
                "change": "retitled",
                "name": new.name,
                "title": new.title,
                "old_title": old.title,
            }
            for old, new in change.retitled
        ),
    ]


_HEADLINES = {
    "joined": "{name} appears on the {employer} team page{as_title}",
    "left": "{name} is no longer on the {employer} team page",
    "retitled": "{name} is now listed as {title} at {employer}",
    "profile": "{name}'s profile now says {title} at {employer}",
}


def _entry(observation: dict[str, str | int | None], url: str, now: datetime) -> Entry:
    payload = json.dumps(observation, sort_keys=True)
    title = str(observation.get("title") or "")
    headline = _HEADLINES[str(observation["change"])].format(
        name=observation.get("name"),
        employer=observation.get("employer") or "their employer",
        title=title or "?",
        as_title=f" as {title}" if title else "",
    )
    key = hashlib.sha256(f"{payload}|{now.date().isoformat()}".encode()).hexdigest()
    return Entry(key=key, title=headline, link=url, summary="", published_at=now, payload=payload)
