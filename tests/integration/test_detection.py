"""Detection through the real pipeline stages: a Dutch appointment, a team page change,
the same event in two feeds, and look-alikes that must stay quiet."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models.schema import Employer, Item, Member, Moment, Signal, SignalEvidence
from tests.integration.conftest import NOW
from workers.app import App
from workers.db import transaction
from workers.demo.servers import SiteServer
from workers.services.detection import detect_item, detect_items
from workers.services.directory import add_source, employer_named
from workers.services.planning import plan_signal
from workers.services.polling import poll_source

RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>P</title>{items}</channel></rss>'
ITEM = (
    "<item><title>{title}</title><guid>{guid}</guid><pubDate>$rfc_1</pubDate>"
    "<description>{text}</description></item>"
)

APPOINTMENT = ITEM.format(
    guid="p-1",
    title="Jan de Vries benoemd tot CFO van Bakker Logistiek",
    text="Jan de Vries, nu financieel directeur bij Acme Robotics, treedt per 1 januari in dienst "
    "als CFO van Bakker Logistiek.",
)
LOOK_ALIKES = "".join(
    ITEM.format(guid=f"n-{i}", title=title, text="")
    for i, title in enumerate(
        [
            "Maak een afspraak met onze adviseur",
            "Acme Robotics wint order van Rijkswaterstaat",
            "Vacature: directeur bij Acme Robotics",
        ]
    )
)


def seed(app: App) -> None:
    with transaction(app.sessions) as session:
        acme = employer_named(session, "Acme Robotics B.V.", NOW, app.settings)
        employer_named(session, "Bakker Logistiek", NOW, app.settings)
        session.add(
            Member(
                name="Jan de Vries",
                email="jan@example.net",
                employer_id=acme.id,
                title="Financieel directeur",
                language="nl",
                last_topic="een rol als CFO",
                created_at=NOW,
                updated_at=NOW,
            )
        )


def run_pipeline(app: App, source_id: int, now=NOW) -> None:  # type: ignore[no-untyped-def]
    for item_id in poll_source(app, source_id, now).new_items:
        for signal_id in detect_item(app, item_id, now):
            plan_signal(app, signal_id, now)


def test_a_dutch_appointment_in_two_feeds_is_one_new_role_moment(app: App) -> None:
    seed(app)
    feed = (RSS.format(items=APPOINTMENT + LOOK_ALIKES), "application/rss+xml")
    site = SiteServer({"/a.xml": feed, "/b.xml": feed}, now=NOW)
    site.start()
    try:
        for path in ("/a.xml", "/b.xml"):
            with transaction(app.sessions) as session:
                source, _ = add_source(session, f"{site.base}{path}", NOW)
            run_pipeline(app, source.id)
    finally:
        site.stop()
    with app.sessions() as session:
        signals = session.scalars(select(Signal).where(Signal.member_id.is_not(None))).all()
        assert [(s.kind, s.event) for s in signals] == [("job_change", "appointment")]
        assert signals[0].new_employer and "Bakker Logistiek" in signals[0].new_employer
        assert signals[0].new_title and signals[0].new_title.lower() == "cfo"
        evidence = session.scalars(
            select(SignalEvidence).where(SignalEvidence.signal_id == signals[0].id)
        ).all()
        assert len(evidence) == 2  # one event, two pieces of evidence
        moments = session.scalars(select(Moment)).all()
        assert [m.kind for m in moments] == ["congratulate_new_role"]
        assert "CFO" in moments[0].draft and "Bakker Logistiek" in moments[0].draft
        assert session.scalars(select(Signal).where(Signal.kind == "company_news")).all() == []


def test_a_member_appearing_on_another_companys_team_page_changed_jobs(app: App) -> None:
    seed(app)
    before = (
        "<section class='team'>"
        + "".join(
            f"<div class='team-member'><h3>{n}</h3><p>{t}</p></div>"
            for n, t in [("Eva Smit", "CEO"), ("Piet Bakker", "COO")]
        )
        + "</section>"
    )
    site = SiteServer({"/team": (before, "text/html")}, now=NOW)
    site.start()
    try:
        with transaction(app.sessions) as session:
            bakker = session.scalars(
                select(Employer).where(Employer.key == "bakker logistiek")
            ).one()
            source, _ = add_source(
                session, f"{site.base}/team", NOW, kind="team_page", employer=bakker
            )
        run_pipeline(app, source.id)
        with app.sessions() as session:
            assert session.scalars(select(Signal)).all() == []  # the first look is a baseline
        after = before.replace(
            "</section>", "<div class='team-member'><h3>Jan de Vries</h3><p>CFO</p></div></section>"
        )
        site.pages["/team"] = (after, "text/html")
        run_pipeline(app, source.id, NOW + timedelta(hours=2))
    finally:
        site.stop()
    with app.sessions() as session:
        signal = session.scalars(select(Signal)).one()
        assert (signal.kind, signal.event, signal.new_employer, signal.new_title) == (
            "job_change",
            "appointment",
            "Bakker Logistiek",
            "CFO",
        )
        assert [m.kind for m in session.scalars(select(Moment))] == ["congratulate_new_role"]


def test_a_batch_is_detected_at_once_and_a_redelivered_batch_adds_nothing(app: App) -> None:
    seed(app)
    feed = (RSS.format(items=APPOINTMENT + LOOK_ALIKES), "application/rss+xml")
    site = SiteServer({"/a.xml": feed, "/b.xml": feed}, now=NOW)
    site.start()
    try:
        sources = []
        with transaction(app.sessions) as session:
            for path in ("/a.xml", "/b.xml"):
                sources.append(add_source(session, f"{site.base}{path}", NOW)[0].id)
        items = [i for s in sources for i in poll_source(app, s, NOW).new_items]
    finally:
        site.stop()
    assert len(items) == 8  # two feeds of four entries
    new = detect_items(app, items, NOW)
    assert detect_items(app, items, NOW) == []  # a redelivered message: nothing more
    with app.sessions() as session:
        member_signals = session.scalars(select(Signal).where(Signal.member_id.is_not(None)))
        assert [s.id for s in member_signals] == new[:1]  # one event, told by two feeds
        evidence = session.scalars(select(SignalEvidence)).all()
        assert sorted(e.item_id for e in evidence if e.signal_id == new[0]) == sorted(
            i for i in items if session.get_one(Item, i).title.startswith("Jan de Vries")
        )
        assert session.scalar(select(func.count(Item.id)).where(Item.detected_at.is_(None))) == 0
