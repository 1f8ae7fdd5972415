"""Erasure, export and the suppression list, with the pipeline having run for the member
(signals, evidence, moments, a delivery, a contact, a profile page), on both databases."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select, text

from models.schema import (
    AuditEntry,
    Base,
    Delivery,
    Item,
    Member,
    Moment,
    MomentEvent,
    Recruiter,
    Signal,
    Source,
    Suppression,
)
from tests.integration.conftest import NOW
from tests.integration.test_detection import APPOINTMENT, RSS, run_pipeline
from workers.app import App
from workers.db import transaction
from workers.demo.servers import MailCatcher, SiteServer
from workers.services.contacts import log_contact
from workers.services.delivery import deliver
from workers.services.directory import RecruiterSettings, add_source, configure_recruiter
from workers.services.pool_import import import_pool
from workers.services.privacy import SUPPRESSED, erase_member, export_member, resolve
from workers.services.routing import route_member, route_moment

POOL = (
    "name,email,external id,employer,title,owner,language\n"
    "Jan de Vries,jan@example.net,ats-7,Acme Robotics B.V.,Financieel directeur,"
    "anna@agency.example,nl\n"
    "Piet Bos,piet@example.net,ats-8,Acme Robotics B.V.,Engineer,anna@agency.example,nl\n"
)
PROFILE = "<html><body><h1>Jan de Vries</h1><p>CFO</p></body></html>"


def _pipeline_for_jan(app: App, tmp_path: Path, mail: MailCatcher) -> tuple[Path, int]:
    app.settings = replace(app.settings, smtp_port=mail.port)
    pool = tmp_path / "pool.csv"
    pool.write_text(POOL, "utf-8")
    with transaction(app.sessions) as session:
        configure_recruiter(
            session,
            "anna@agency.example",
            NOW,
            RecruiterSettings(hours="00:00-23:59", days="mon-sun", capacity=20),
        )
    assert import_pool(app, pool, NOW).created == 2
    jan = resolve(app, "ats-7")
    site = SiteServer(
        {
            "/news.xml": (RSS.format(items=APPOINTMENT), "application/rss+xml"),
            "/jan": (PROFILE, "text/html"),
        },
        now=NOW,
    )
    site.start()
    try:
        with transaction(app.sessions) as session:
            news, _ = add_source(session, f"{site.base}/news.xml", NOW)
            member = session.get_one(Member, jan)
            profile, _ = add_source(
                session, f"{site.base}/jan", NOW, kind="profile_page", member=member
            )
        run_pipeline(app, news.id)
        run_pipeline(app, profile.id)
    finally:
        site.stop()
    assert route_member(app, jan, NOW) is not None
    log_contact(app, jan, NOW, channel="phone", outcome="positive", note="belde over de CFO-rol")
    return pool, jan


def _references(app: App, member_id: int, moment_ids: list[int], signal_ids: list[int]) -> int:
    """Rows in any table that still point at the member, their moments or signals."""
    found = 0
    with app.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for column, ids in (
                ("member_id", [member_id]),
                ("moment_id", moment_ids),
                ("signal_id", signal_ids),
                ("merged_into_id", moment_ids),
            ):
                if column in table.columns and ids:
                    found += connection.execute(
                        select(func.count()).select_from(table).where(table.c[column].in_(ids))
                    ).scalar_one()
        found += connection.execute(
            text("SELECT count(*) FROM member WHERE id = :id"), {"id": member_id}
        ).scalar_one()
    return found


def test_erasure_reaches_every_row_and_keeps_them_out_of_later_imports(
    app: App, tmp_path: Path, mail: MailCatcher
) -> None:
    pool, jan = _pipeline_for_jan(app, tmp_path, mail)
    with app.sessions() as session:
        moments = list(session.scalars(select(Moment.id).where(Moment.member_id == jan)))
        signals = list(session.scalars(select(Signal.id).where(Signal.member_id == jan)))
        deliveries = list(
            session.scalars(select(Delivery.id).where(Delivery.moment_id.in_(moments)))
        )
        snapshots = session.scalar(
            select(func.count(Source.id)).where(
                Source.member_id == jan, Source.snapshot.is_not(None)
            )
        )
    assert moments and signals and deliveries and snapshots  # the pipeline did run
    assert _references(app, jan, moments, signals) > 5

    erased = erase_member(app, jan, NOW, actor="cli")
    assert erased.rows["member"] == 1 and erased.rows["signals"] == len(signals)
    assert _references(app, jan, moments, signals) == 0
    with app.sessions() as session:
        assert session.scalar(select(func.count(Suppression.id))) == 1
        assert (
            session.scalar(select(func.count(Source.id)).where(Source.kind == "profile_page")) == 0
        )
        # The news entry was only about him; the feed's look-alike entries stay.
        assert session.scalar(select(func.count(Item.id))) == 0
        assert session.scalar(select(func.count(MomentEvent.id))) == 0
        [entry] = session.scalars(select(AuditEntry)).all()
        assert (entry.actor, entry.action, entry.subject) == ("cli", "erase", f"member:{jan}")
        assert "Jan" not in entry.detail
        assert session.scalar(select(func.count(Member.id))) == 1  # Piet stays
    # Messages queued before the erasure find nothing and send nothing.
    assert route_moment(app, moments[0], NOW) is None
    assert [deliver(app, d, NOW) for d in deliveries] == ["not owed"] * len(deliveries)
    assert mail.inbox == []

    again = import_pool(app, pool, NOW)
    assert (again.created, again.unchanged) == (0, 1)
    assert [(r.line, r.reason) for r in again.rejected] == [(2, SUPPRESSED)]
    with app.sessions() as session:
        assert session.scalar(select(func.count(Member.id))) == 1


def test_the_export_holds_everything_about_the_member_and_nothing_about_others(
    app: App, tmp_path: Path, mail: MailCatcher
) -> None:
    _, jan = _pipeline_for_jan(app, tmp_path, mail)
    document = export_member(app, jan, NOW, actor="recruiter:1")
    assert document["member"]["name"] == "Jan de Vries"
    assert document["member"]["employer"] == "Acme Robotics B.V."
    assert [c["note"] for c in document["contacts"]] == ["belde over de CFO-rol"]
    assert document["signals"] and document["signals"][0]["evidence"]
    assert document["moments"] and document["deliveries"] and document["events"]
    assert [p["kind"] for p in document["profile_pages"]] == ["profile_page"]
    flat = json.dumps(document, ensure_ascii=False)
    for other in ("Piet", "piet@example.net", "ats-8", "anna@agency.example"):
        assert other not in flat
    with app.sessions() as session:
        recruiter = session.scalars(select(Recruiter)).one()
        assert recruiter.email not in flat
        assert session.scalars(select(AuditEntry.action)).all() == ["export"]


def test_an_objection_stops_the_members_moments_at_once(
    app: App, tmp_path: Path, mail: MailCatcher
) -> None:
    _, jan = _pipeline_for_jan(app, tmp_path, mail)
    with app.sessions() as session:
        deliveries = list(
            session.scalars(select(Delivery.id).join(Moment).where(Moment.member_id == jan))
        )
    objection = tmp_path / "objection.csv"
    objection.write_text("external id,name,do not contact\nats-7,Jan de Vries,ja\n", "utf-8")
    assert import_pool(app, objection, NOW).updated == 1
    with app.sessions() as session:
        statuses = set(session.scalars(select(Moment.status).where(Moment.member_id == jan)))
    assert statuses == {"suppressed"}
    assert [deliver(app, d, NOW) for d in deliveries] == ["not owed"] * len(deliveries)
    assert mail.inbox == []
