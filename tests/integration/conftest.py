"""Fixtures for integration tests: an App on SQLite or real PostgreSQL, loopback servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from models.schema import Employer, Member, Moment, Recruiter
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, WebhookReceiver
from workers.settings import Settings

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[App]:
    """An App on a fresh, migrated database of each kind."""
    url = "" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    values = {
        "data_dir": str(tmp_path),
        "allow_private_networks": "127.0.0.0/8",
        "allow_private_webhooks": "127.0.0.0/8",
        "host_interval": "0",
        "host_concurrency": "0",
        # The tests' feeds are fresh news; test_polling turns the baseline on where it is tested.
        "first_poll_baseline": "false",
    }
    if url:
        values["database_url"] = url
    instance = App.build(Settings.from_values(values), migrate=True)
    yield instance
    instance.close()


@pytest.fixture
def mail() -> Iterator[MailCatcher]:
    """A real SMTP server on loopback."""
    catcher = MailCatcher()
    catcher.start()
    yield catcher
    catcher.stop()


@pytest.fixture
def hooks() -> Iterator[WebhookReceiver]:
    """A real webhook receiver on loopback."""
    receiver = WebhookReceiver()
    receiver.start()
    yield receiver
    receiver.stop()


MomentFactory = Callable[..., int]


@pytest.fixture
def make_moment(app: App) -> MomentFactory:
    """Create a member (once) with an owner and a pending moment; return the moment id."""

    def factory(
        *,
        channel: str = "email",
        target: str | None = None,
        last_contact: date | None = None,
        expires_in: timedelta = timedelta(days=30),
    ) -> int:
        with transaction(app.sessions) as session:
            recruiter = (
                session.query(Recruiter).filter_by(email="anna@agency.example").one_or_none()
            )
            if recruiter is None:
                recruiter = Recruiter(name="Anna", email="anna@agency.example", created_at=NOW)
                session.add(recruiter)
            recruiter.channel, recruiter.webhook_url = channel, target
            member = session.query(Member).filter_by(email="lisa@example.net").one_or_none()
            if member is None:
                employer = Employer(name="Acme", key="acme", created_at=NOW)
                member = Member(
                    name="Lisa Jansen",
                    email="lisa@example.net",
                    employer=employer,
                    owner=recruiter,
                    language="nl",
                    last_contact_on=last_contact,
                    created_at=NOW,
                    updated_at=NOW,
                )
                session.add(member)
            session.flush()
            moment = Moment(
                member_id=member.id,
                kind="company_news",
                status="pending",
                priority=40,
                not_before=NOW,
                expires_at=NOW + expires_in,
                draft="Hoi Lisa",
                created_at=NOW,
            )
            session.add(moment)
            session.flush()
            return moment.id

    return factory
