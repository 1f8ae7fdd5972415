"""Webhooks receivers can trust: Standard Webhooks signatures verified with the
``standardwebhooks`` package, CloudEvents validated against the repository's JSON Schemas,
secret rotation, a receiver down for a while or for good, Slack and Teams formats."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from models.schema import Delivery, Member, Moment, MomentEvent, Recruiter
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, WebhookReceiver
from workers.events import TYPES, cloud_event, schema
from workers.services.delivery import deliver, retry_delivery
from workers.services.directory import (
    RecruiterSettings,
    configure_recruiter,
    rotate_webhook_secret,
)
from workers.services.feedback import Outcome, mark_done, skip, snooze
from workers.services.listings import list_deliveries
from workers.services.operators import alert_dead_deliveries
from workers.services.routing import route_member
from workers.services.scheduler import expire_moments
from workers.services.stream import prune_events

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data" / "webhooks"
ALWAYS = RecruiterSettings(hours="00:00-23:59", days="mon-sun", capacity=50)
CLOUDEVENT = {
    "type": "object",
    "required": ["specversion", "id", "source", "type", "time", "data"],
    "properties": {"specversion": {"const": "1.0"}, "type": {"enum": list(TYPES)}},
}


def hook_recruiter(app: App, url: str, **wanted: str) -> str:
    """A recruiter whose moments go to ``url``; return the secret shown at creation."""
    with transaction(app.sessions) as session:
        recruiter = configure_recruiter(
            session,
            "bram@agency.example",
            NOW,
            replace(ALWAYS, webhook_url=url, **wanted),
            allowed_networks=app.settings.allow_private_webhooks,
        )
        return recruiter.webhook_secret or ""


def members_with_moments(app: App, count: int) -> list[int]:
    with transaction(app.sessions) as session:
        owner = session.scalars(select(Recruiter)).one()
        ids = []
        for number in range(count):
            member = Member(
                name=f"Lid {number}",
                email=f"lid{number}@example.net",
                external_id=f"ats-{number}",
                owner_id=owner.id,
                created_at=NOW,
                updated_at=NOW,
            )
            session.add(member)
            session.flush()
            session.add(
                Moment(
                    member_id=member.id,
                    kind="check_in",
                    status="pending",
                    priority=10,
                    not_before=NOW,
                    expires_at=NOW + timedelta(days=30),
                    draft=f"Hoi Lid {number}",
                    created_at=NOW,
                )
            )
            ids.append(member.id)
    return ids


def route_all(app: App, member_ids: list[int], at: datetime = NOW) -> list[int]:
    deliveries = [route_member(app, member_id, at) for member_id in member_ids]
    assert None not in deliveries
    return [d for d in deliveries if d is not None]


def validate_event(event: dict[str, object]) -> None:
    jsonschema.validate(event, CLOUDEVENT)
    jsonschema.validate(
        event["data"], schema(str(event["type"])), format_checker=jsonschema.FormatChecker()
    )


def test_every_webhook_verifies_and_every_event_matches_its_schema(
    app: App, hooks: WebhookReceiver
) -> None:
    secret = hook_recruiter(app, f"{hooks.base}/keepwarm")
    assert secret.startswith("whsec_")
    members = members_with_moments(app, 4)
    for delivery_id in route_all(app, members):
        assert deliver(app, delivery_id, NOW) == "sent"
    assert len(hooks.received) == 4
    receiver = Webhook(secret)
    for sent in hooks.received:
        event = receiver.verify(sent["body"], sent["headers"])
        validate_event(event)
        assert event["type"] == "keepwarm.moment.routed.v1"
        assert sent["headers"]["webhook-id"] == event["id"]
        assert "@" not in json.dumps(event["data"])  # no contact details
        tampered = sent["body"].replace(b"Hoi", b"Hai")
        with pytest.raises(WebhookVerificationError):
            receiver.verify(tampered, sent["headers"])
    # Every other kind of change is a valid event too.
    moment_ids = sorted(e["data"]["moment"]["id"] for e in (s["json"] for s in hooks.received))
    mark_done(app, moment_ids[0], Outcome.POSITIVE, NOW + timedelta(hours=1))
    snooze(app, moment_ids[1], NOW + timedelta(days=3), NOW + timedelta(hours=1))
    skip(app, moment_ids[2], NOW + timedelta(hours=1), not_relevant=True, why="namesake")
    expire_moments(app, NOW + timedelta(days=31))
    with app.sessions() as session:
        stored = list(session.scalars(select(MomentEvent).order_by(MomentEvent.id)))
    kinds = [e.type.split(".")[2] for e in stored]
    assert kinds.count("routed") == 4 and {"contacted", "snoozed", "closed"} <= set(kinds)
    for event in stored:
        validate_event(cloud_event(event, source=app.settings.base_url))


def test_a_rotated_secret_overlaps_with_the_old_one(app: App, hooks: WebhookReceiver) -> None:
    old = hook_recruiter(app, f"{hooks.base}/keepwarm")
    with transaction(app.sessions) as session:
        new = rotate_webhook_secret(
            session, "bram@agency.example", NOW, overlap=timedelta(hours=24)
        )
    first, second = route_all(app, members_with_moments(app, 2))
    assert deliver(app, first, NOW + timedelta(hours=1)) == "sent"  # inside the overlap
    during = hooks.received[-1]
    for secret in (old, new):
        Webhook(secret).verify(during["body"], during["headers"])
    assert len(during["headers"]["webhook-signature"].split(" ")) == 2
    assert deliver(app, second, NOW + timedelta(hours=25)) == "sent"  # after it
    after = hooks.received[-1]
    Webhook(new).verify(after["body"], after["headers"])
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after["body"], after["headers"])


def test_a_receiver_down_for_a_while_gets_every_delivery_once(
    app: App, hooks: WebhookReceiver
) -> None:
    hook_recruiter(app, f"{hooks.base}/keepwarm")
    down = True
    hooks.status = lambda: 503 if down else 200
    deliveries = route_all(app, members_with_moments(app, 3))
    clock = NOW
    for _ in range(4):  # an hour or so of failures
        for delivery_id in deliveries:
            deliver(app, delivery_id, clock)
        clock += timedelta(minutes=20)
    assert hooks.received == [] and hooks.attempts >= 6
    down = False
    for _ in range(8):
        clock += timedelta(hours=2)
        for delivery_id in deliveries:
            deliver(app, delivery_id, clock)
    ids = [sent["headers"]["webhook-id"] for sent in hooks.received]
    assert len(ids) == 3 and len(set(ids)) == 3
    with app.sessions() as session:
        assert set(session.scalars(select(Delivery.status))) == {"sent"}


def test_a_receiver_that_stays_down_ends_dead_with_one_operator_alert(
    app: App, hooks: WebhookReceiver, mail: MailCatcher
) -> None:
    app.settings = replace(app.settings, smtp_port=mail.port, operator_email="ops@agency.example")
    hook_recruiter(app, f"{hooks.base}/keepwarm")
    hooks.status = lambda: 500
    deliveries = route_all(app, members_with_moments(app, 2))
    clock = NOW
    while clock < NOW + timedelta(hours=30):
        for delivery_id in deliveries:
            deliver(app, delivery_id, clock)
        clock += timedelta(minutes=30)
    failed = list_deliveries(app, failed=True)
    assert sorted(row.id for row in failed) == sorted(deliveries)
    assert {row.status for row in failed} == {"dead"}
    assert alert_dead_deliveries(app, clock) == 1
    assert alert_dead_deliveries(app, clock + timedelta(minutes=5)) == 0
    [alert] = mail.inbox
    assert alert["X-Envelope-To"] == "ops@agency.example"
    body = alert.get_body(("plain",))
    assert body is not None and "2 deliveries to http://127.0.0.1" in body.get_content()
    assert "/keepwarm" not in str(alert["Subject"])  # a webhook's path can be its secret
    # An operator sends one again once the receiver is back.
    hooks.status = lambda: 200
    retry_delivery(app, deliveries[0], clock)
    assert deliver(app, deliveries[0], clock) == "sent"
    assert len(hooks.received) == 1


@pytest.mark.parametrize("service", ["slack", "teams"])
def test_slack_and_teams_get_their_own_message_format(
    app: App, hooks: WebhookReceiver, service: str
) -> None:
    documented = json.loads((DATA / f"{service}.schema.json").read_text())
    jsonschema.validate(json.loads((DATA / f"{service}-example.json").read_text()), documented)
    hook_recruiter(app, f"{hooks.base}/services/T000/B000/XXXX", webhook_format=service)
    [delivery_id] = route_all(app, members_with_moments(app, 1))
    assert deliver(app, delivery_id, NOW) == "sent"
    [sent] = hooks.received
    jsonschema.validate(sent["json"], documented, format_checker=jsonschema.FormatChecker())
    assert "webhook-signature" not in {k.lower() for k in sent["headers"]}
    text = json.dumps(sent["json"])
    assert "Lid 0" in text and "/a/" in text  # who, and the one-click links


def test_webhook_urls_must_be_https_outside_allowed_networks(app: App) -> None:
    for url in ("http://hooks.example/keepwarm", "ftp://hooks.example/", "https://"):
        with pytest.raises(ValueError, match="https"), transaction(app.sessions) as session:
            configure_recruiter(
                session, "eve@agency.example", NOW, replace(ALWAYS, webhook_url=url)
            )
    with transaction(app.sessions) as session:
        slack = configure_recruiter(
            session,
            "sam@agency.example",
            NOW,
            replace(ALWAYS, webhook_url="https://hooks.slack.com/services/T0/B0/x"),
        )
        assert slack.webhook_format == "slack"


def test_old_events_of_closed_moments_are_forgotten(app: App, hooks: WebhookReceiver) -> None:
    hook_recruiter(app, f"{hooks.base}/keepwarm")
    first, second = members_with_moments(app, 2)
    route_all(app, [first, second])
    with app.sessions() as session:
        open_one, closed_one = session.scalars(select(Moment.id).order_by(Moment.id)).all()
    skip(app, closed_one, NOW + timedelta(hours=1))
    assert prune_events(app, NOW + timedelta(days=44)) == 0  # not old enough yet
    assert prune_events(app, NOW + timedelta(days=46)) == 2  # the skipped one's two events
    with app.sessions() as session:
        left = session.scalars(select(MomentEvent.moment_id)).all()
    assert left == [open_one]  # an open moment's routed event stays for its webhook
