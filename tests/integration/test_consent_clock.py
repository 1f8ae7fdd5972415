"""The consent clock on a simulated calendar: a renewal moment inside the contact policy
before the retention date; erasure (and the owner told) after the grace period."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from models.schema import AuditEntry, Member, Moment, Suppression
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher
from workers.services.consent import run_consent_clock
from workers.services.delivery import deliver
from workers.services.directory import RecruiterSettings, configure_recruiter
from workers.services.routing import route_moment
from workers.web.actions import apply_action

START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
UNTIL = date(2027, 1, 31)  # 60 days on


def _pool(app: App) -> dict[str, int]:
    with transaction(app.sessions) as session:
        anna = configure_recruiter(
            session,
            "anna@agency.example",
            START,
            RecruiterSettings(hours="00:00-23:59", days="mon-sun", capacity=20, language="nl"),
        )
        ids = {}
        for name, last_contact in (("Lisa Jansen", 200), ("Joost Bakker", 200), ("Eva Smit", 20)):
            member = Member(
                name=name,
                email=f"{name.split()[0].lower()}@example.net",
                owner_id=anna.id,
                language="nl",
                consent_until=UNTIL,
                legal_basis="consent",
                last_contact_on=(START - timedelta(days=last_contact)).date(),
                created_at=START,
                updated_at=START,
            )
            session.add(member)
            session.flush()
            ids[name.split()[0]] = member.id
    return ids


def _moments(app: App, member_id: int) -> list[Moment]:
    with app.sessions() as session:
        return list(session.scalars(select(Moment).where(Moment.member_id == member_id)))


def test_renewal_is_asked_before_the_date_and_erasure_follows_the_grace(
    app: App, mail: MailCatcher
) -> None:
    app.settings = replace(app.settings, smtp_port=mail.port)
    members = _pool(app)
    assert run_consent_clock(app, START) == []  # 60 days before: nothing yet

    asked_on = START + timedelta(days=20)  # 40 days before, inside the 45 of the preset
    created = run_consent_clock(app, asked_on)
    assert len(created) == 3
    assert run_consent_clock(app, asked_on + timedelta(days=1)) == []  # asked once
    deliveries = [route_moment(app, moment_id, asked_on) for moment_id in created]
    lisa, joost, eva = (_moments(app, members[n])[0] for n in ("Lisa", "Joost", "Eva"))
    assert lisa.status == joost.status == "routed"
    assert "gegevens nog een jaar bewaren" in lisa.draft
    # Eva was contacted 40 days ago: the contact policy holds, and its next allowed day
    # comes after her retention date, so nobody asks her.
    assert eva.status == "suppressed" and "minimum gap 90 days" in (eva.reason or "")
    for delivery_id in deliveries:
        if delivery_id is not None:
            assert deliver(app, delivery_id, asked_on) == "sent"
    renewal_mail = mail.inbox[0].get_body(("plain",))
    assert renewal_mail is not None and "?do=renewed" in renewal_mail.get_content()

    # Joost says yes, from the inbox.
    apply_action(
        app,
        joost.id,
        "renewed",
        asked_on + timedelta(days=2),
        recruiter_id=1,
        acted_by=1,
        origin="inbox",
    )
    with app.sessions() as session:
        renewed = session.get_one(Member, members["Joost"])
        assert renewed.consent_until == (asked_on + timedelta(days=2)).date() + timedelta(days=365)

    # Lisa and Eva never answer: erased 14 days after the date, not a day earlier.
    day_before = datetime.combine(UNTIL + timedelta(days=13), datetime.min.time(), UTC)
    run_consent_clock(app, day_before)
    with app.sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == 3
    mail.inbox.clear()
    run_consent_clock(app, day_before + timedelta(days=1))
    with app.sessions() as session:
        assert [m.name for m in session.scalars(select(Member))] == ["Joost Bakker"]
        assert session.scalar(select(func.count(Suppression.id))) == 2
        actors = session.scalars(select(AuditEntry.actor).where(AuditEntry.action == "erase"))
        assert set(actors) == {"system:consent-clock"}
    subjects = sorted(str(m["Subject"]) for m in mail.inbox)
    assert subjects == ["keepwarm: Eva Smit is gewist", "keepwarm: Lisa Jansen is gewist"]
    assert {m["X-Envelope-To"] for m in mail.inbox} == {"anna@agency.example"}
