"""The recruiter inbox over HTTP (the real app, in process): sign-in links, actions from the
inbox and from alert emails, logging a contact, and what is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import structlog
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from models.schema import AuditEntry, Contact, Delivery, Employer, Member, Moment, Recruiter
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher
from workers.links import ACTION_LINK_DAYS, web_link
from workers.services.contacts import log_contact
from workers.services.delivery import deliver
from workers.services.feedback import Outcome, StaleLink, mark_done
from workers.services.routing import route_member
from workers.web.app import create_app

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # a Wednesday, in working hours
NAMES = ("Lisa Jansen", "Joost Bakker", "lisa@example.net", "joost@example.net")


class Clock:
    """The web app's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def web(app: App, mail: MailCatcher, clock: Clock) -> Iterator[App]:
    """The app with mail to the catcher, two recruiters, two members and a moment each."""
    app.settings = replace(app.settings, smtp_port=mail.port, public_url="http://testserver")
    with transaction(app.sessions) as session:
        anna = Recruiter(name="Anna", email="anna@agency.example", created_at=NOW)
        bram = Recruiter(name="Bram", email="bram@agency.example", created_at=NOW, admin=True)
        acme = Employer(name="Acme", key="acme", created_at=NOW)
        for name, email, owner in (
            ("Lisa Jansen", "lisa@example.net", anna),
            ("Joost Bakker", "joost@example.net", bram),
        ):
            member = Member(
                name=name,
                email=email,
                employer=acme,
                owner=owner,
                language="nl",
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(member)
            session.flush()
            session.add(
                Moment(
                    member_id=member.id,
                    kind="company_news",
                    status="pending",
                    priority=40,
                    not_before=NOW,
                    expires_at=NOW + timedelta(days=14),
                    draft=f"Hoi {name.split()[0]}, ik las het nieuws over Acme.",
                    created_at=NOW,
                )
            )
    for member_id in (1, 2):
        route_member(app, member_id, NOW)
    return app


def client_for(app: App, clock: Clock) -> TestClient:
    return TestClient(create_app(app, clock=clock), follow_redirects=False)


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, "the page has no form token"
    return found.group(1)


def last_link(mail: MailCatcher, pattern: str) -> str:
    body = mail.inbox[-1].get_body(("plain",))
    assert body is not None
    found = re.findall(pattern, body.get_content())
    assert found, f"no link like {pattern} in the mail"
    return str(found[-1])


def sign_in(app: App, clock: Clock, mail: MailCatcher, email: str) -> TestClient:
    client = client_for(app, clock)
    page = client.get("/login")
    sent = client.post("/login", data={"email": email, "csrf": form_token(page.text)})
    assert sent.status_code == 200
    link = last_link(mail, r"http://testserver(/login/[^\s]+)")
    confirm = client.get(link)
    assert confirm.status_code == 200
    done = client.post(
        link.split("?")[0], data={"csrf": form_token(confirm.text), "next": "/inbox"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/inbox"
    return client


def moment_of(app: App, email: str) -> Moment:
    with app.sessions() as session:
        moment = session.scalars(select(Moment).join(Member).where(Member.email == email)).one()
        session.expunge(moment)
        return moment


def test_a_sign_in_link_works_once_and_only_for_a_while(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    client = client_for(web, clock)
    page = client.get("/login")
    # Unknown addresses get the same answer and no mail.
    same = client.post(
        "/login", data={"email": "nobody@agency.example", "csrf": form_token(page.text)}
    )
    assert same.status_code == 200 and not mail.inbox
    client.post("/login", data={"email": "ANNA@agency.example", "csrf": form_token(page.text)})
    assert [m["X-Envelope-To"] for m in mail.inbox] == ["anna@agency.example"]
    link = last_link(mail, r"http://testserver(/login/[^\s?]+)")
    # Opening it (as a mail scanner does) signs no one in and does not use it up.
    assert client.get(link).status_code == 200
    assert client.get("/inbox").status_code == 303
    confirm = client.get(link)
    assert client.post(link, data={"csrf": form_token(confirm.text)}).status_code == 303
    assert "Hoi Lisa" in client.get("/inbox").text
    # A second use, from another browser, is refused.
    other = client_for(web, clock)
    again = other.post(link, data={"csrf": form_token(other.get(link).text)})
    assert again.status_code == 400 and "already used" in again.text
    assert other.get("/inbox").status_code == 303
    # A fresh link that waited past its 15 minutes is refused too.
    client.post("/login", data={"email": "anna@agency.example", "csrf": form_token(page.text)})
    late_link = last_link(mail, r"http://testserver(/login/[^\s?]+)")
    clock.now = NOW + timedelta(minutes=16)
    late = other.post(late_link, data={"csrf": form_token(other.get(late_link).text)})
    assert late.status_code == 400


def test_a_recruiter_sees_and_acts_on_their_own_moments_only(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    inbox = anna.get("/inbox").text
    assert "Lisa Jansen" in inbox and "Joost Bakker" not in inbox
    joost = moment_of(web, "joost@example.net")
    refused = anna.post(
        f"/moments/{joost.id}", data={"action": "positive", "csrf": form_token(inbox)}
    )
    assert refused.status_code == 403
    assert moment_of(web, "joost@example.net").status == joost.status
    assert anna.get("/team").status_code == 403  # not an admin
    lisa = moment_of(web, "lisa@example.net")
    done = anna.post(f"/moments/{lisa.id}", data={"action": "positive", "csrf": form_token(inbox)})
    assert done.status_code == 303
    assert moment_of(web, "lisa@example.net").status == "done"
    with web.sessions() as session:
        contact = session.scalars(select(Contact)).one()
        assert (contact.outcome, contact.origin, contact.recruiter_id) == ("positive", "inbox", 1)
        assert session.get_one(Member, contact.member_id).last_contact_on == NOW.date()
    # The admin sees everyone's moments and the team page.
    bram = sign_in(web, clock, mail, "bram@agency.example")
    assert "Lisa Jansen" not in bram.get("/inbox").text
    assert "Joost Bakker" in bram.get("/inbox?everyone=true").text
    team = bram.get("/team")
    assert team.status_code == 200 and "Anna" in team.text and "1 / 5" in team.text


def test_forms_without_the_session_token_are_refused(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    lisa = moment_of(web, "lisa@example.net")
    for path, data in (
        (f"/moments/{lisa.id}", {"action": "positive"}),
        ("/contacts", {"member_id": str(lisa.member_id), "on": "2026-12-02", "channel": "phone"}),
        ("/settings", {"language": "nl", "alerts": "daily"}),
    ):
        assert anna.post(path, data=data).status_code == 403
        assert anna.post(path, data={**data, "csrf": "forged"}).status_code == 403
    assert moment_of(web, "lisa@example.net").status in ("routed", "delivered")
    with web.sessions() as session:
        assert session.scalars(select(Contact)).all() == []
        assert session.get_one(Recruiter, 1).alerts == "immediate"
    # Without a session at all, nothing is changed either.
    stranger = client_for(web, clock)
    assert stranger.post(f"/moments/{lisa.id}", data={"action": "skip"}).status_code in (401, 403)


def test_alert_email_links_confirm_on_get_and_record_once_on_post(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    lisa = moment_of(web, "lisa@example.net")
    with web.sessions() as session:
        delivery_id = session.scalar(select(Delivery.id).where(Delivery.moment_id == lisa.id))
    assert delivery_id is not None and deliver(web, delivery_id, NOW) == "sent"
    alert = mail.inbox[-1]
    assert alert["X-Envelope-To"] == "anna@agency.example"
    positive = last_link(mail, r"http://testserver(/a/[^\s]+\?do=positive)")
    client = client_for(web, clock)
    page = client.get(positive)
    assert page.status_code == 200 and "Lisa Jansen" in page.text
    assert moment_of(web, "lisa@example.net").status == "delivered"  # a GET changes nothing
    token_path = positive.split("?")[0]
    assert client.post(token_path, data={"action": "positive"}).status_code == 200
    assert moment_of(web, "lisa@example.net").status == "done"
    again = client.post(token_path, data={"action": "negative"})
    assert again.status_code == 200 and "already dealt with" in again.text
    with web.sessions() as session:
        assert [(c.outcome, c.origin) for c in session.scalars(select(Contact))] == [
            ("positive", "email")
        ]
    # A forged token and a damaged one are refused.
    assert client.get(token_path[:-3] + "abc").status_code == 404
    assert client.post("/a/not-a-token", data={"action": "positive"}).status_code == 404


def test_an_expired_action_link_is_refused(web: App, clock: Clock) -> None:
    lisa = moment_of(web, "lisa@example.net")

    class Past(TimestampSigner):
        def get_timestamp(self) -> int:
            return int((datetime.now(UTC) - timedelta(days=ACTION_LINK_DAYS + 1)).timestamp())

    old = URLSafeTimedSerializer(web.secret, salt="keepwarm-moment-action", signer=Past)
    token = old.dumps([lisa.id, 1, lisa.routings])
    client = client_for(web, clock)
    assert client.get(f"/a/{token}").status_code == 410
    assert client.post(f"/a/{token}", data={"action": "positive"}).status_code == 410
    assert moment_of(web, "lisa@example.net").status in ("routed", "delivered")


def test_a_contact_logged_from_the_inbox_defers_the_members_waiting_moment(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    with transaction(web.sessions) as session:
        member = Member(
            name="Sanne de Wit",
            email="sanne@example.net",
            language="nl",
            owner_id=1,
            created_at=NOW,
            updated_at=NOW,
        )
        session.add(member)
        session.flush()
        waiting = Moment(
            member_id=member.id,
            kind="check_in",
            status="pending",
            priority=10,
            not_before=NOW + timedelta(hours=1),
            expires_at=NOW + timedelta(days=120),
            draft="Hoi Sanne",
            created_at=NOW,
        )
        session.add(waiting)
        session.flush()
        member_id, moment_id = member.id, waiting.id
    anna = sign_in(web, clock, mail, "anna@agency.example")
    search = anna.get("/contacts/new", params={"q": "sanne"})
    assert "Sanne de Wit" in search.text
    form = anna.get("/contacts/new", params={"member": member_id})
    saved = anna.post(
        "/contacts",
        data={
            "member_id": str(member_id),
            "on": NOW.date().isoformat(),
            "channel": "phone",
            "outcome": "positive",
            "note": "called about the new team",
            "csrf": form_token(form.text),
        },
    )
    assert saved.status_code == 303 and saved.headers["location"] == f"/members/{member_id}"
    with web.sessions() as session:
        contact = session.scalars(select(Contact).where(Contact.member_id == member_id)).one()
        moment = session.get_one(Moment, moment_id)
    assert moment.status == "deferred"
    assert f"contact {contact.id} (phone) logged on 2026-12-02" in (moment.reason or "")
    assert moment.not_before.date() == (NOW + timedelta(days=90)).date()
    # Routing an hour later keeps it waiting; the member page shows the contact.
    route_member(web, member_id, NOW + timedelta(hours=2))
    assert moment_of(web, "sanne@example.net").status == "deferred"
    page = anna.get(f"/members/{member_id}").text
    assert "contact recorded" in page and "Sanne de Wit" in page


def test_the_inbox_and_alerts_log_ids_never_names(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    with structlog.testing.capture_logs() as logs:
        anna = sign_in(web, clock, mail, "anna@agency.example")
        inbox = anna.get("/inbox").text
        lisa = moment_of(web, "lisa@example.net")
        anna.post(
            f"/moments/{lisa.id}",
            data={"action": "not-relevant", "why": "wrong Lisa", "csrf": form_token(inbox)},
        )
        anna.get("/contacts/new", params={"q": "joost"})
    assert logs, "the inbox logs its requests"
    text = repr(logs)
    for name in NAMES:
        assert name not in text
    assert "anna@agency.example" not in text


def test_settings_change_the_language_of_the_inbox(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    form = anna.get("/settings").text
    saved = anna.post(
        "/settings", data={"language": "nl", "alerts": "daily", "csrf": form_token(form)}
    )
    assert saved.status_code == 303
    assert "Deze week" in anna.get("/inbox").text
    with web.sessions() as session:
        anna_row = session.get_one(Recruiter, 1)
        assert (anna_row.language, anna_row.alerts) == ("nl", "daily")


def test_cookies_are_secure_behind_an_https_public_address(web: App, clock: Clock) -> None:
    plain = client_for(web, clock).get("/login").headers["set-cookie"].lower()
    assert "httponly" in plain and "samesite=lax" in plain and "secure" not in plain
    web.settings = replace(web.settings, public_url="https://keepwarm.agency.example")
    behind_proxy = client_for(web, clock).get("/login").headers["set-cookie"].lower()
    assert "; secure" in behind_proxy


def test_the_team_page_counts_moments_marked_not_relevant(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    bram = sign_in(web, clock, mail, "bram@agency.example")
    inbox = bram.get("/inbox").text
    joost = moment_of(web, "joost@example.net")
    bram.post(
        f"/moments/{joost.id}",
        data={"action": "not-relevant", "why": "another Joost", "csrf": form_token(inbox)},
    )
    assert moment_of(web, "joost@example.net").feedback == "another Joost"
    team = bram.get("/team").text
    row = re.search(r"<td>Company news</td>(.*?)</tr>", team, re.S)
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(1)) == ["2", "0", "0", "–", "1"]


def test_signing_out_spends_every_copy_of_the_session_cookie(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    copied = client_for(web, clock)
    copied.cookies.update(anna.cookies)
    assert copied.get("/inbox").status_code == 200
    anna.post("/logout", data={"csrf": form_token(anna.get("/inbox").text)})
    assert copied.get("/inbox").status_code == 303  # back to the sign-in page
    assert sign_in(web, clock, mail, "anna@agency.example").get("/inbox").status_code == 200


def test_a_recruiter_sees_only_members_they_work_with(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    joost = moment_of(web, "joost@example.net").member_id  # Bram's member
    assert anna.get(f"/members/{joost}").status_code == 404
    assert "Joost" not in anna.get("/contacts/new", params={"q": "joost"}).text
    form = anna.get("/contacts/new").text
    refused = anna.post(
        "/contacts",
        data={
            "member_id": str(joost),
            "on": "2026-12-01",
            "channel": "phone",
            "csrf": form_token(form),
        },
    )
    assert refused.status_code == 403
    bram = sign_in(web, clock, mail, "bram@agency.example")  # an admin
    assert bram.get(f"/members/{joost}").status_code == 200


def test_contact_dates_still_to_come_and_bad_dates_are_refused(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    anna = sign_in(web, clock, mail, "anna@agency.example")
    lisa = moment_of(web, "lisa@example.net").member_id
    form = anna.get("/contacts/new", params={"member": lisa}).text
    base = {"member_id": str(lisa), "channel": "phone", "csrf": form_token(form)}
    future = anna.post("/contacts", data={**base, "on": "2026-12-05"})
    assert future.status_code == 303
    assert "day still to come" in anna.get(future.headers["location"]).text
    bad = anna.post("/contacts", data={**base, "on": "32-13-2026"})
    assert bad.status_code == 422 and "not valid" in bad.text and "<html" in bad.text
    with web.sessions() as session:
        assert session.scalars(select(Contact)).all() == []


def test_an_admin_acting_on_a_moment_is_credited_with_the_contact(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    bram = sign_in(web, clock, mail, "bram@agency.example")
    lisa = moment_of(web, "lisa@example.net")  # routed to Anna
    inbox = bram.get("/inbox", params={"everyone": "true"}).text
    bram.post(f"/moments/{lisa.id}", data={"action": "negative", "csrf": form_token(inbox)})
    with web.sessions() as session:
        contact = session.scalars(select(Contact)).one()
    assert (contact.outcome, contact.recruiter_id) == ("negative", 2)


def test_an_earlier_routing_cannot_act_on_the_moment(web: App) -> None:
    lisa = moment_of(web, "lisa@example.net")
    with pytest.raises(StaleLink):
        mark_done(web, lisa.id, Outcome.POSITIVE, NOW, routing=lisa.routings - 1)
    assert moment_of(web, "lisa@example.net").status in ("routed", "delivered")


def test_a_contact_long_ago_puts_off_nothing_it_did_not_cause(web: App) -> None:
    with transaction(web.sessions) as session:
        member = Member(name="Eva", owner_id=1, created_at=NOW, updated_at=NOW)
        session.add(member)
        session.flush()
        session.add(
            Moment(
                member_id=member.id,
                kind="check_in",
                status="pending",
                priority=10,
                not_before=NOW + timedelta(days=20),
                expires_at=NOW + timedelta(days=50),
                draft="Hoi",
                created_at=NOW,
            )
        )
        member_id = member.id
    logged = log_contact(web, member_id, NOW, at=NOW - timedelta(days=400), channel="phone")
    assert logged.held == {}
    recent = log_contact(web, member_id, NOW, at=NOW - timedelta(days=1), channel="email")
    [reason] = recent.held.values()
    assert reason.startswith(f"contact {recent.contact_id} (email)")


def test_the_snooze_date_stays_inside_a_short_window(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    with transaction(web.sessions) as session:
        moment = session.get_one(Moment, moment_of(web, "lisa@example.net").id)
        moment.expires_at = NOW + timedelta(days=5)
    anna = sign_in(web, clock, mail, "anna@agency.example")
    page = anna.get("/inbox").text
    assert 'value="2026-12-06"' in page and 'max="2026-12-06"' in page
    done = anna.post(
        f"/moments/{moment.id}",
        data={"action": "snooze", "until": "2026-12-06", "csrf": form_token(page)},
    )
    assert done.status_code == 303 and moment_of(web, "lisa@example.net").status == "deferred"


def test_a_feed_link_that_is_not_http_is_never_a_link() -> None:
    assert web_link("javascript:alert(1)") is None
    assert web_link(" data:text/html,<script>") is None
    assert web_link("https://news.example/a") == "https://news.example/a"


def test_an_admin_exports_and_erases_a_member_from_the_inbox(
    web: App, mail: MailCatcher, clock: Clock
) -> None:
    lisa = moment_of(web, "lisa@example.net").member_id
    anna = sign_in(web, clock, mail, "anna@agency.example")
    assert anna.get(f"/members/{lisa}/erase").status_code == 403  # not an admin
    bram = sign_in(web, clock, mail, "bram@agency.example")
    exported = bram.get(f"/members/{lisa}/export.json")
    assert exported.status_code == 200 and exported.json()["member"]["name"] == "Lisa Jansen"
    page = bram.get(f"/members/{lisa}/erase")
    assert page.status_code == 200 and "cannot be undone" in page.text
    assert bram.post(f"/members/{lisa}/erase").status_code == 403  # no form token
    assert (
        bram.post(f"/members/{lisa}/erase", data={"csrf": form_token(page.text)}).status_code == 303
    )
    with web.sessions() as session:
        assert session.get(Member, lisa) is None
        assert session.scalars(select(AuditEntry.action)).all() == ["export", "erase"]
