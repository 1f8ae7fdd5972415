"""Contacts from an ATS: the API against a real ``keepwarm serve`` process on PostgreSQL, and
``keepwarm contacts import``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from models.schema import Contact, Member, Moment, Recruiter
from workers.app import App
from workers.db import transaction
from workers.demo.servers import free_port
from workers.settings import Settings

from .processes import keepwarm, serving

pytestmark = pytest.mark.e2e


@pytest.fixture
def deployment(tmp_path: Path, pg_url: str) -> Iterator[tuple[App, dict[str, str], str]]:
    """A migrated PostgreSQL database with two members, one with a moment about to route."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")},
        "KEEPWARM_DATA_DIR": str(tmp_path),
        "KEEPWARM_DATABASE_URL": pg_url,
        "KEEPWARM_PUBLIC_URL": base,
        "KEEPWARM_SECRET_KEY": "s" * 40,
        "KEEPWARM_LOG_FORMAT": "json",
    }
    keepwarm(env, "db", "upgrade")
    app = App.build(Settings.from_env(env))
    now = datetime.now(UTC)
    with transaction(app.sessions) as session:
        anna = Recruiter(name="Anna", email="anna@agency.example", created_at=now)
        for number, (name, email) in enumerate(
            (("Lisa Jansen", "lisa@example.net"), ("Joost Bakker", "joost@example.net")),
            start=1,
        ):
            member = Member(
                name=name,
                email=email,
                external_id=f"ats-{number}",
                owner=anna,
                created_at=now,
                updated_at=now,
            )
            session.add(member)
            session.flush()
            session.add(
                Moment(
                    member_id=member.id,
                    kind="relevant_vacancy",
                    status="pending",
                    priority=70,
                    not_before=now + timedelta(minutes=30),
                    expires_at=now + timedelta(days=120),
                    draft="Hoi",
                    created_at=now,
                )
            )
    yield app, env, base
    app.close()


def _contacts(app: App) -> int:
    with app.sessions() as session:
        return session.scalar(select(func.count(Contact.id))) or 0


def test_an_ats_logs_contacts_through_the_api(
    deployment: tuple[App, dict[str, str], str],
) -> None:
    app, env, base = deployment
    token = keepwarm(env, "tokens", "create", "Our ATS").strip().splitlines()[-1]
    assert token.startswith("kw_")
    body = {
        "member": {"external_id": "ats-1"},
        "contacted_at": datetime.now(UTC).date().isoformat(),
        "channel": "phone",
        "outcome": "positive",
        "note": "talked about the new data team",
    }
    with serving(env, base) as output, httpx.Client(base_url=base, timeout=10) as client:
        # Refused: no token, a wrong one.
        assert client.post("/api/v1/contacts", json=body).status_code == 401
        wrong = {"Authorization": "Bearer kw_not-a-token"}
        assert client.post("/api/v1/contacts", json=body, headers=wrong).status_code == 401
        assert _contacts(app) == 0

        auth = {"Authorization": f"Bearer {token}", "Idempotency-Key": "call-8812"}
        first = client.post("/api/v1/contacts", json=body, headers=auth)
        assert first.status_code == 201, first.text
        stored = first.json()
        assert stored["created"] is True and stored["member_id"] == 1
        [held] = stored["held_moments"]
        assert f"contact {stored['id']} (phone) logged on" in held["reason"]
        with app.sessions() as session:
            moment = session.get_one(Moment, held["id"])
            assert moment.status == "deferred" and moment.reason == held["reason"]

        # The same contact again is the same contact.
        again = client.post("/api/v1/contacts", json=body, headers=auth)
        assert again.status_code == 200 and again.json()["id"] == stored["id"]
        assert again.json()["created"] is False
        # Without a key, the same content twice is one contact too.
        plain = {"Authorization": f"Bearer {token}"}
        other = {**body, "member": {"email": "JOOST@example.net"}, "note": None}
        assert client.post("/api/v1/contacts", json=other, headers=plain).status_code == 201
        assert client.post("/api/v1/contacts", json=other, headers=plain).status_code == 200
        assert _contacts(app) == 2

        # Bad input: a clear error, nothing stored.
        unknown = {**body, "member": {"external_id": "ats-404"}}
        refused = client.post("/api/v1/contacts", json=unknown, headers=plain)
        assert refused.status_code == 422 and "ats-404" in refused.text
        bad = client.post("/api/v1/contacts", json={**body, "channel": "pigeon"}, headers=plain)
        assert bad.status_code == 422
        later = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
        ahead = client.post("/api/v1/contacts", json={**body, "contacted_at": later}, headers=plain)
        assert ahead.status_code == 422 and "future" in ahead.text
        huge = client.post(
            "/api/v1/contacts",
            content=(b'{"note": "' + b"x" * 100_000 + b'"}' for _ in range(1)),
            headers={**plain, "Content-Type": "application/json"},
        )
        assert huge.status_code == 413
        assert _contacts(app) == 2

        # Pulling moments, and the API's description.
        page = client.get("/api/v1/moments", params={"status": "deferred"}, headers=plain)
        assert page.status_code == 200
        assert [m["member_external_id"] for m in page.json()["moments"]] == ["ats-1", "ats-2"]
        spec = client.get("/openapi.json").json()
        assert {"/api/v1/contacts", "/api/v1/moments"} <= set(spec["paths"])
        assert "/inbox" not in spec["paths"]
        routed = client.get("/schemas/keepwarm.moment.routed.v1.json")
        assert routed.status_code == 200 and routed.json()["type"] == "object"
        assert client.get("/schemas/nothing.json").status_code == 404

        # A renewed consent, recorded by the ATS.
        renewed = client.post(
            "/api/v1/members/ats-1/consent", json={"until": "2028-01-31"}, headers=plain
        )
        assert renewed.status_code == 200 and renewed.json()["consent_until"] == "2028-01-31"
        past = client.post(
            "/api/v1/members/ats-1/consent", json={"until": "2020-01-01"}, headers=plain
        )
        assert past.status_code == 422

        # Erasure through the API: the member and their contacts are gone.
        assert client.delete("/api/v1/members/ats-2").status_code == 401
        erased = client.delete("/api/v1/members/ats-2", headers=plain)
        assert erased.status_code == 200 and erased.json()["rows"]["member"] == 1
        assert client.delete("/api/v1/members/ats-2", headers=plain).status_code == 404
        assert _contacts(app) == 1

        # A revoked token is refused from then on.
        keepwarm(env, "tokens", "revoke", "1")
        assert client.get("/api/v1/moments", headers=plain).status_code == 401
    assert "Lisa" not in output[0] and "example.net" not in output[0]


def test_contacts_import_reports_bad_rows_and_writes_no_half_row(
    deployment: tuple[App, dict[str, str], str], tmp_path: Path
) -> None:
    app, env, _ = deployment
    export = tmp_path / "contacten.csv"
    today = datetime.now(UTC).date()
    export.write_text(
        "Externe ID;E-mail;Datum;Kanaal;Uitkomst;Notitie\n"
        f"ats-1;;{today:%d-%m-%Y};Telefoon;Positief;belde over het data-team\n"
        f";joost@example.net;{today:%Y-%m-%d};e-mail;geen reactie;\n"
        f"ats-404;;{today:%Y-%m-%d};telefoon;;\n"
        "ats-2;;32-13-2026;telefoon;;\n"
        f"ats-2;;{today:%Y-%m-%d};duif;;\n",
        encoding="utf-8",
    )
    report = keepwarm(env, "contacts", "import", str(export))
    assert "created 2, updated 0, unchanged 0, rejected 3" in report
    assert "line 4: no member has the email or external id 'ats-404'" in report
    assert "line 5: the date '32-13-2026'" in report
    assert "line 6: unknown channel 'duif'" in report
    assert _contacts(app) == 2
    with app.sessions() as session:
        statuses = session.scalars(select(Moment.status).order_by(Moment.id)).all()
    assert statuses == ["deferred", "deferred"]
    again = keepwarm(env, "contacts", "import", str(export))
    assert "created 0, updated 0, unchanged 2, rejected 3" in again
    assert _contacts(app) == 2
