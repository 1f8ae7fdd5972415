"""The recruiter's loop in a real Chromium against a real ``keepwarm serve`` process and a
real SMTP server: sign in by email link, act from the inbox and from an alert email,
snooze, log nothing twice. Screenshots of the inbox and a member page land in
``docs/screenshots/``."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models.schema import Contact, Delivery, Employer, Member, Moment, Recruiter, Signal
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, free_port
from workers.services.delivery import deliver
from workers.services.planning import plan_signal
from workers.services.routing import route_member
from workers.settings import Settings

from .processes import keepwarm, serving

CHROMIUM = os.environ.get("KEEPWARM_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
MEMBERS = (
    # name, email, signal kind, event, headline, new title, new employer
    ("Lisa Jansen", "lisa@example.net", "job_change", "appointment",
     "Lisa Jansen benoemd tot CTO van Noordzee Energie", "CTO", "Noordzee Energie"),
    ("Joost Bakker", "joost@example.net", "award", "award",
     "Joost Bakker van Acme wint de Nationale Innovatieprijs", None, None),
    ("Sanne de Wit", "sanne@example.net", "company_news", "expansion",
     "Acme opent een kantoor in Utrecht", None, None),
)  # fmt: skip

pytestmark = pytest.mark.e2e


def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (Debian package chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " and CI=true", pytrace=False)
        pytest.skip(message)


@pytest.fixture
def mail() -> Iterator[MailCatcher]:
    catcher = MailCatcher()
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture
def setup(tmp_path: Path, mail: MailCatcher) -> Iterator[tuple[App, dict[str, str], str]]:
    """A seeded embedded database, and the environment a server process needs for it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "KEEPWARM_DATA_DIR": str(tmp_path),
        "KEEPWARM_SMTP_HOST": "127.0.0.1",
        "KEEPWARM_SMTP_PORT": str(mail.port),
        "KEEPWARM_PUBLIC_URL": base,
        "KEEPWARM_WEB_PORT": str(port),
        "KEEPWARM_LOG_FORMAT": "json",
    }
    app = App.build(Settings.from_values({k[9:].lower(): v for k, v in env.items()}))
    now = datetime.now(UTC)
    with transaction(app.sessions) as session:
        anna = Recruiter(
            name="Anna de Boer",
            email="anna@agency.example",
            work_start="00:00",
            work_end="23:59",
            work_days="0,1,2,3,4,5,6",
            weekly_capacity=21,
            created_at=now,
        )
        acme = Employer(name="Acme", key="acme", created_at=now)
        for name, email, kind, event, headline, title, employer in MEMBERS:
            member = Member(
                name=name,
                email=email,
                employer=acme,
                owner=anna,
                language="nl",
                title="Engineer",
                last_topic="zijn overstap naar een data-rol"
                if name.startswith("Joost")
                else "haar plannen om een data-team op te bouwen",
                last_contact_on=(now - timedelta(days=200)).date(),
                created_at=now,
                updated_at=now,
            )
            session.add(member)
            session.flush()
            session.add(
                Signal(
                    fingerprint=f"e2e-{member.id}",
                    kind=kind,
                    event=event,
                    member_id=member.id,
                    employer_id=acme.id,
                    headline=headline,
                    new_title=title,
                    new_employer=employer,
                    url=f"https://news.example/{member.id}",
                    confidence=0.9,
                    occurred_at=now - timedelta(days=1),
                    created_at=now,
                )
            )
    for signal_id in (1, 2, 3):  # the real planning stage writes the drafts
        assert plan_signal(app, signal_id, now)
    for member_id in (1, 2, 3):
        delivery_id = route_member(app, member_id, now)
        assert delivery_id is not None
        with app.sessions() as session:
            due = session.get_one(Delivery, delivery_id).next_attempt_at
        assert deliver(app, delivery_id, max(now, due)) == "sent"
    yield app, {**os.environ, **env}, base
    app.close()


@pytest.fixture
def server(setup: tuple[App, dict[str, str], str]) -> Iterator[str]:
    """``keepwarm serve`` in its own process."""
    _, env, base = setup
    with serving(env, base) as output:
        yield base
    for name, email, *_ in MEMBERS:  # the server's own log lines: ids, never people
        assert name not in output[0] and email not in output[0]


def _link(mail: MailCatcher, to: str, pattern: str, *, subject: str = "") -> str:
    """The first link like ``pattern`` in the latest mail to ``to`` (waiting a little for
    mail that goes out after the page answered)."""
    deadline = time.monotonic() + 10
    while True:
        for message in reversed(mail.inbox):
            if message["X-Envelope-To"] != to or subject not in str(message["Subject"]):
                continue
            body = message.get_body(("plain",))
            assert body is not None
            found = re.search(pattern, body.get_content())
            if found:
                return found.group(0)
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {to} with a link like {pattern}")
        time.sleep(0.1)


def _statuses(app: App) -> dict[str, str]:
    with app.sessions() as session:
        rows = session.execute(select(Member.email, Moment.status).join(Moment.member)).all()
    return dict(rows)  # type: ignore[arg-type]


def test_a_recruiter_closes_the_loop_in_the_browser(
    setup: tuple[App, dict[str, str], str], server: str, mail: MailCatcher
) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    app, env, _ = setup
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    joost_positive = _link(
        mail, "anna@agency.example", r"http://\S+/a/\S+\?do=positive", subject="Joost Bakker"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1100, "height": 1300})

        # 1. Ask for a magic link and open it (the GET only shows a button).
        page.goto(f"{server}/inbox")
        expect(page).to_have_url(re.compile(r"/login\?next=/inbox"))
        page.fill("input[name=email]", "anna@agency.example")
        page.click("button[type=submit]")
        expect(page.locator("p.message")).to_contain_text("sign-in link is on its way")
        sign_in = _link(
            mail, "anna@agency.example", r"http://\S+/login/\S+", subject="sign-in link"
        )
        page.goto(sign_in)
        page.click("text=Continue to sign in")
        expect(page).to_have_url(f"{server}/inbox")

        # 2. This week's moments, best first, with drafts to copy.
        cards = page.locator("article.moment h2")
        expect(cards).to_have_count(3)
        expect(cards.nth(0)).to_contain_text("Lisa Jansen")
        expect(cards.nth(2)).to_contain_text("Sanne de Wit")
        with app.sessions() as session:
            lisa_draft = session.get_one(Moment, 1).draft
        assert "je nieuwe rol als CTO bij Noordzee Energie" in lisa_draft
        expect(page.locator("#moment-1 textarea")).to_have_value(lisa_draft)
        expect(page.locator("#moment-1 .why a")).to_have_attribute("href", "https://news.example/1")
        page.screenshot(path=str(SCREENSHOTS / "inbox.png"), full_page=True)

        # 3. Contacted (positive) from the inbox.
        page.locator("#moment-1").get_by_role("button", name="Positive").click()
        expect(page.locator("p.flash")).to_contain_text("Recorded.")
        expect(page.locator("article.moment")).to_have_count(2)

        # 4. Contacted from the alert email's link: the GET shows a page, the POST records.
        page.goto(joost_positive)
        expect(page.locator("h1")).to_contain_text("Joost Bakker")
        assert _statuses(app)["joost@example.net"] == "delivered"
        page.get_by_role("button", name="Contacted: positive").click()
        expect(page.locator("p.message")).to_contain_text("Recorded.")

        # 5. Snooze the third from the inbox.
        page.goto(f"{server}/inbox")
        until = (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
        page.locator("#moment-3 input[name=until]").fill(until)
        page.locator("#moment-3").get_by_role("button", name="Snooze until").click()
        expect(page.locator("p.flash")).to_contain_text("Recorded.")
        expect(page.locator("article.moment")).to_have_count(0)

        # 6. A second use of a link changes nothing.
        page.goto(joost_positive)
        expect(page.locator("p.message")).to_contain_text("already dealt with (contacted)")
        page.goto(sign_in)
        page.click("text=Continue to sign in")
        expect(page.locator("p.message")).to_contain_text("already used")

        # 7. The member page tells the story in words.
        page.goto(f"{server}/members/1")
        expect(page.locator("ol.timeline")).to_contain_text("contact recorded, outcome positive")
        page.screenshot(path=str(SCREENSHOTS / "member.png"), full_page=True)
        browser.close()

    assert _statuses(app) == {
        "lisa@example.net": "done",
        "joost@example.net": "done",
        "sanne@example.net": "deferred",
    }
    with app.sessions() as session:
        contacts = session.execute(select(Contact.member_id, Contact.outcome, Contact.origin)).all()
    assert sorted(contacts) == [(1, "positive", "inbox"), (2, "positive", "email")]
    explained = keepwarm(env, "explain", "sanne@example.net")
    assert f"snoozed by the recruiter until {until}" in explained
    explained = keepwarm(env, "explain", "joost@example.net")
    assert "contact recorded, outcome positive" in explained and "done: positive" in explained
