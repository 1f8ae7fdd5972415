"""``keepwarm check-source``: what a source would yield, without writing anything."""

from __future__ import annotations

from sources.feeds import parse_feed
from sources.pages import people_on_page, profile_of
from sources.watch import PROFILE_PAGE, TEAM_PAGE
from workers.app import App
from workers.services.detection import text_drafts
from workers.services.polling.politeness import polite_get


def inspect_source(app: App, url: str, kind: str, *, limit: int = 30) -> list[str]:
    """Fetch once, as polling would (robots.txt first, within the host's limits); describe
    the entries or people found and the signals they would give."""
    result = polite_get(app, url)
    if kind == TEAM_PAGE:
        people = people_on_page(result.body, url=result.url)
        return [f"{len(people)} people on the page"] + [
            f"  {p.name}: {p.title or '?'}" for p in people[:limit]
        ]
    if kind == PROFILE_PAGE:
        person = profile_of(result.body, url=result.url)
        if person is None:
            return ["no person found on the page"]
        return [f"profile of {person.name}: {person.title or '?'} at {person.employer or '?'}"]
    parsed = parse_feed(result.body, url=result.url, headers=result.headers)
    # A title is the server's text: cut to a line, as each entry's is.
    lines = [f"feed {parsed.title[:100]!r}: {len(parsed.entries)} entries"]
    if parsed.problem:
        lines.append(f"  (broken feed, salvaged what was readable: {parsed.problem[:150]})")
    with app.sessions() as session:
        for entry in parsed.entries[:limit]:
            text = f"{entry.title}\n{entry.summary}"
            event, drafts = text_drafts(session, text)
            lines.append(f"- {entry.title[:100]}")
            detail = f"    {event.label}" + (f"/{event.event}" if event.event else "")
            extracted = {
                "person": event.person,
                "new employer": event.new_employer,
                "title": event.new_title,
                "old employer": event.old_employer,
            }
            detail += "".join(f", {k}: {v}" for k, v in extracted.items() if v)
            lines.append(detail + f" (confidence {event.confidence:.2f})")
            for draft in drafts:
                who = (
                    f"member {draft.member_id}"
                    if draft.member_id
                    else f"employer {draft.employer_id}"
                )
                lines.append(
                    f"    would signal {draft.kind.value} for {who}"
                    f" (confidence {draft.confidence:.2f})"
                )
    return lines
