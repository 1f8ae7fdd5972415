"""Watching pages: baseline first, then one entry per roster or profile change."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sources.watch import PROFILE_PAGE, TEAM_PAGE, observe_page

NOW = datetime(2026, 11, 26, tzinfo=UTC)


def team(*people: tuple[str, str]) -> bytes:
    cards = "".join(
        f'<div class="team-member"><h3>{name}</h3><p class="role">{title}</p></div>'
        for name, title in people
    )
    return f"<html><body><section class='team'>{cards}</section></body></html>".encode()


def profile(name: str, title: str, employer: str) -> bytes:
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": name,
        "jobTitle": title,
        "worksFor": {"@type": "Organization", "name": employer},
    }
    script = f'<script type="application/ld+json">{json.dumps(data)}</script>'
    return f"<html><head>{script}</head></html>".encode()


def observe(
    kind: str, html: bytes, previous: str | None
) -> tuple[list[dict[str, object]], str, str]:
    entries, snapshot, status = observe_page(
        kind,
        html,
        url="https://acme.example/team",
        previous=previous,
        selectors=None,
        employer=(7, "Acme"),
        now=NOW,
    )
    return [json.loads(e.payload or "{}") for e in entries], snapshot, status


def test_the_first_look_at_a_team_page_is_a_baseline() -> None:
    changes, snapshot, status = observe(
        TEAM_PAGE, team(("Jan de Vries", "CFO"), ("Eva Smit", "CTO")), None
    )
    assert changes == []
    assert status == "baseline: 2 people"
    assert {p["name"] for p in json.loads(snapshot)} == {"Jan de Vries", "Eva Smit"}


def test_joined_left_and_retitled_people_become_changes() -> None:
    _, baseline, _ = observe(TEAM_PAGE, team(("Jan de Vries", "CFO"), ("Eva Smit", "CTO")), None)
    later = team(("Eva Smit", "Chief Executive Officer"), ("Piet Bakker", "Head of Sales"))
    changes, _, _ = observe(TEAM_PAGE, later, baseline)
    summary = {(c["change"], c["name"], c["title"]) for c in changes}
    assert summary == {
        ("joined", "Piet Bakker", "Head of Sales"),
        ("left", "Jan de Vries", "CFO"),
        ("retitled", "Eva Smit", "Chief Executive Officer"),
    }
    assert all(c["employer_id"] == 7 for c in changes)


def test_a_profile_page_reports_a_new_employer_once() -> None:
    _, baseline, status = observe(PROFILE_PAGE, profile("Lisa Jansen", "Engineer", "Acme"), None)
    assert status.startswith("baseline")
    changes, snapshot, _ = observe(PROFILE_PAGE, profile("Lisa Jansen", "CTO", "Globex"), baseline)
    assert [(c["change"], c["title"], c["employer"]) for c in changes] == [
        ("profile", "CTO", "Globex")
    ]
    assert observe(PROFILE_PAGE, profile("Lisa Jansen", "CTO", "Globex"), snapshot)[0] == []
