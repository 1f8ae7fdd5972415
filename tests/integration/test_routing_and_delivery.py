"""Routing under the contact policy and delivery by email and webhook, on real databases."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models.schema import Contact, Delivery, Member, Moment
from tests.integration.conftest import NOW, MomentFactory
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, WebhookReceiver
from workers.services.delivery import deliver
from workers.services.feedback import Outcome, mark_done
from workers.services.routing import route_moment


def statuses(app: App) -> list[str]:
    with app.sessions() as session:
        return list(session.scalars(select(Moment.status).order_by(Moment.id)))


def test_a_moment_within_policy_is_routed_to_the_owner_with_an_owed_delivery(
    app: App, make_moment: MomentFactory
) -> None:
    moment_id = make_moment(last_contact=date(2026, 6, 1))
    delivery_id = route_moment(app, moment_id, NOW)
    assert delivery_id is not None
    with app.sessions() as session:
        moment = session.get_one(Moment, moment_id)
        delivery = session.get_one(Delivery, delivery_id)
        assert (moment.status, moment.recruiter.email) == ("routed", "anna@agency.example")
        assert (delivery.channel, delivery.target, delivery.status) == (
            "email",
            "anna@agency.example",
            "pending",
        )
    assert route_moment(app, moment_id, NOW) is None  # a redelivered message changes nothing


def test_a_blocked_moment_is_deferred_inside_its_window_and_routed_when_due(
    app: App, make_moment: MomentFactory
) -> None:
    moment_id = make_moment(last_contact=(NOW - timedelta(days=80)).date())
    assert route_moment(app, moment_id, NOW) is None
    with app.sessions() as session:
        moment = session.get_one(Moment, moment_id)
        assert moment.status == "deferred"
        assert moment.not_before.date() == (NOW + timedelta(days=10)).date()
        assert "last contact 80 days ago" in (moment.reason or "")
    assert route_moment(app, moment_id, NOW + timedelta(days=5)) is None  # not yet due
    assert route_moment(app, moment_id, NOW + timedelta(days=10)) is not None
    assert statuses(app) == ["routed"]


def test_a_moment_blocked_past_its_window_is_suppressed_with_the_reason(
    app: App, make_moment: MomentFactory
) -> None:
    moment_id = make_moment(
        last_contact=(NOW - timedelta(days=20)).date(), expires_in=timedelta(days=14)
    )
    route_moment(app, moment_id, NOW)
    with app.sessions() as session:
        moment = session.get_one(Moment, moment_id)
        assert moment.status == "suppressed"
        assert "after the moment expires" in (moment.reason or "")


def test_a_moment_less_sure_than_the_pool_requires_is_held_back(
    app: App, make_moment: MomentFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "settings", replace(app.settings, min_confidence=0.7))
    unsure_id, sure_id = make_moment(), make_moment()
    with transaction(app.sessions) as session:
        session.get_one(Moment, unsure_id).confidence = 0.69
        session.get_one(Moment, sure_id).confidence = 0.7

    assert route_moment(app, unsure_id, NOW) is not None  # the member's sure moment goes
    with app.sessions() as session:
        unsure, sure = session.get_one(Moment, unsure_id), session.get_one(Moment, sure_id)
        assert (unsure.status, sure.status) == ("suppressed", "routed")
        assert "not sure enough (confidence 0.69, the pool requires 0.70)" in (unsure.reason or "")


def test_concurrent_routing_for_one_member_lets_exactly_one_through(
    app: App, make_moment: MomentFactory
) -> None:
    moment_ids = [make_moment() for _ in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda m: route_moment(app, m, NOW), moment_ids))
    final = statuses(app)
    assert final.count("routed") == 1
    # The first decision sees every due moment: the best is routed, the rest ride along.
    assert set(final) == {"routed", "merged"}
    later = make_moment()
    route_moment(app, later, NOW)
    assert statuses(app)[-1] == "suppressed"  # the open slot outlasts its 30-day window


def test_done_records_the_contact_and_frees_the_slot_for_later(
    app: App, make_moment: MomentFactory
) -> None:
    first = make_moment()
    route_moment(app, first, NOW)
    mark_done(app, first, Outcome.POSITIVE, NOW + timedelta(days=1))
    with app.sessions() as session:
        contact = session.scalars(select(Contact)).one()
        member = session.scalars(select(Member)).one()
        assert (contact.outcome, member.last_contact_on) == (
            "positive",
            (NOW + timedelta(days=1)).date(),
        )
    later = make_moment(expires_in=timedelta(days=200))
    route_moment(app, later, NOW + timedelta(days=2))
    with app.sessions() as session:
        moment = session.get_one(Moment, later)
        assert moment.status == "deferred"
        assert moment.not_before.date() == (NOW + timedelta(days=91)).date()


def test_email_delivery_sends_text_and_html_once(
    app: App, make_moment: MomentFactory, mail: MailCatcher
) -> None:
    app.settings = replace(app.settings, smtp_port=mail.port)
    delivery_id = route_moment(app, make_moment(), NOW)
    assert delivery_id is not None
    assert deliver(app, delivery_id, NOW) == "sent"
    assert deliver(app, delivery_id, NOW) == "not owed"
    assert len(mail.inbox) == 1
    message = mail.inbox[0]
    assert message["X-Envelope-To"] == "anna@agency.example"
    assert "Lisa Jansen" in str(message["Subject"])
    kinds = sorted(part.get_content_type() for part in message.walk() if not part.is_multipart())
    assert kinds == ["text/html", "text/plain"]
    assert statuses(app) == ["delivered"]


def test_failed_webhook_is_retried_with_backoff_and_sent_once(
    app: App, make_moment: MomentFactory, hooks: WebhookReceiver
) -> None:
    answers = iter([500, 200])
    hooks.status = lambda: next(answers, 200)
    delivery_id = route_moment(
        app, make_moment(channel="webhook", target=f"{hooks.base}/hook"), NOW
    )
    assert delivery_id is not None
    assert deliver(app, delivery_id, NOW) == "failed"
    with app.sessions() as session:
        retry_at = session.get_one(Delivery, delivery_id).next_attempt_at
    assert retry_at > NOW
    assert deliver(app, delivery_id, NOW) == "not owed"  # not before its backoff
    assert deliver(app, delivery_id, retry_at) == "sent"
    assert deliver(app, delivery_id, retry_at + timedelta(hours=1)) == "not owed"
    assert len(hooks.received) == 1
    sent = hooks.received[0]
    event = sent["json"]
    assert event["type"] == "keepwarm.moment.routed.v1" and event["specversion"] == "1.0"
    assert event["data"]["moment"]["kind"] == "company_news"
    assert "@" not in json.dumps(event["data"]["member"])  # no contact details


def test_any_error_while_sending_is_the_deliverys_error_and_ends_dead(
    app: App, make_moment: MomentFactory, mail: MailCatcher, tmp_path: Path
) -> None:
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "moment.txt").write_text("{{ n.draft | no_such_filter }}", "utf-8")
    app.settings = replace(app.settings, smtp_port=mail.port, templates_dir=str(broken))
    delivery_id = route_moment(app, make_moment(), NOW)
    assert delivery_id is not None
    clock = NOW
    outcomes = []
    while clock < NOW + timedelta(hours=30):
        outcomes.append(deliver(app, delivery_id, clock))
        clock += timedelta(minutes=30)
    assert outcomes[0] == "failed" and "dead" in outcomes and mail.inbox == []
    with app.sessions() as session:
        delivery = session.get_one(Delivery, delivery_id)
    assert delivery.status == "dead" and "no_such_filter" in (delivery.last_error or "")
