"""What happened: stats per kind and recruiter, members at risk, and a member's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from statistics import median
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.schema import Contact, Member, Moment, Recruiter, Signal, Source
from workers.app import App
from workers.services.directory import member_by_reference

ACTED = ("done", "skipped", "not_relevant")


@dataclass
class Tally:
    """Counts for one moment kind or one recruiter."""

    routed: int = 0
    acted: int = 0
    done: int = 0
    positive: int = 0
    not_relevant: int = 0
    """Marked not relevant by the recruiter: how often this kind of signal was wrong."""
    hours_to_act: list[float] = field(default_factory=list)

    @property
    def response_rate(self) -> float | None:
        """Positive answers per contact made."""
        return self.positive / self.done if self.done else None

    @property
    def median_hours_to_act(self) -> float | None:
        """Median time from routing to the recruiter's action."""
        return median(self.hours_to_act) if self.hours_to_act else None


@dataclass
class Stats:
    """The whole report."""

    by_kind: dict[str, Tally]
    by_recruiter: dict[str, Tally]
    at_risk: list[tuple[int, str, str]]
    first_contacts: list[tuple[str, str, str]]


def stats(app: App, now: datetime, *, small_pool: int = 20) -> Stats:
    """Routed, acted on, response rate and time to act; members at risk of being forgotten."""
    by_kind: dict[str, Tally] = {}
    by_recruiter: dict[str, Tally] = {}
    with app.sessions() as session:
        outcomes = dict(session.execute(select(Contact.moment_id, Contact.outcome)).all())
        recruiters = dict(session.execute(select(Recruiter.id, Recruiter.email)).all())
        for moment in session.scalars(select(Moment).where(Moment.routed_at.is_not(None))):
            for tally in (
                by_kind.setdefault(moment.kind, Tally()),
                by_recruiter.setdefault(recruiters.get(moment.recruiter_id or -1, "?"), Tally()),
            ):
                _count(tally, moment, outcomes.get(moment.id))
        cutoff = (now - app.settings.pool_policy.reengage_after).date()
        at_risk = [
            (m.id, m.name, f"{m.last_contact_on:%Y-%m-%d}" if m.last_contact_on else "never")
            for m in session.scalars(
                select(Member)
                .where((Member.last_contact_on.is_(None)) | (Member.last_contact_on < cutoff))
                .where(Member.do_not_contact.is_(False))
                .order_by(Member.last_contact_on.is_not(None), Member.last_contact_on, Member.id)
            )
        ]
        contacts = session.execute(
            select(Contact.contacted_at, Moment.kind, Contact.outcome)
            .outerjoin(Moment, Contact.moment_id == Moment.id)
            .order_by(Contact.contacted_at)
        ).all()
    first = [
        (f"{at:%Y-%m-%d}", kind or "by hand", outcome or "?") for at, kind, outcome in contacts[:5]
    ]
    return Stats(by_kind, by_recruiter, at_risk, first if len(contacts) < small_pool else [])


def _count(tally: Tally, moment: Moment, outcome: str | None) -> None:
    tally.routed += 1
    if moment.status in ACTED:
        tally.acted += 1
        if moment.closed_at and moment.routed_at:
            tally.hours_to_act.append((moment.closed_at - moment.routed_at).total_seconds() / 3600)
    tally.not_relevant += moment.status == "not_relevant"
    if moment.status == "done":
        tally.done += 1
        tally.positive += outcome == "positive"


Timeline = tuple[str, list[tuple[datetime, str]]]


def explain(app: App, reference: str) -> Timeline:
    """A member's timeline in plain words: contacts, signals, moments and each decision."""
    with app.sessions() as session:
        return _timeline(session, member_by_reference(session, reference))


def member_timeline(app: App, member_id: int) -> Timeline | None:
    """The timeline of the member with this id, if there is one."""
    with app.sessions() as session:
        member = session.get(Member, member_id)
        return _timeline(session, member) if member is not None else None


def _timeline(session: Session, member: Member) -> Timeline:
    events: list[tuple[datetime, str]] = []
    if member.last_contact_on:
        events.append(
            (
                datetime.combine(member.last_contact_on, time(0), tzinfo=UTC),
                f"last contact on record (topic: {member.last_topic or 'not recorded'})",
            )
        )
    for contact in session.scalars(select(Contact).where(Contact.member_id == member.id)):
        events.append((contact.contacted_at, _contact_line(contact)))
    for signal in session.scalars(select(Signal).where(Signal.member_id == member.id)):
        what = signal.kind + (f" ({signal.event})" if signal.event else "")
        events.append(
            (
                signal.occurred_at,
                f"signal {signal.id}: {what} “{signal.headline}” "
                f"(confidence {signal.confidence:.2f})",
            )
        )
    for moment in session.scalars(select(Moment).where(Moment.member_id == member.id)):
        events.append((moment.created_at, _moment_line(moment)))
    header = (
        f"member {member.id}: {member.name}"
        + (f", {member.title}" if member.title else "")
        + (f" at {member.employer.name}" if member.employer else "")
    )
    return header, sorted(events, key=lambda e: e[0])


def _contact_line(contact: Contact) -> str:
    how = f" by {contact.channel}" if contact.channel else ""
    where = {"moment": "", "cli": ""}.get(contact.origin, f", logged from the {contact.origin}")
    note = f": {contact.note}" if contact.note else ""
    return f"contact recorded{how}, outcome {contact.outcome or 'unknown'}{where}{note}"


def _moment_line(moment: Moment) -> str:
    source = f" from signal {moment.signal_id}" if moment.signal_id else ""
    window = f"window until {moment.expires_at:%Y-%m-%d}"
    routed = f", routed {moment.routed_at:%Y-%m-%d %H:%M}" if moment.routed_at else ""
    decision = f"{moment.status} — {moment.reason or 'not decided yet'}"
    return f"moment {moment.id} {moment.kind}{source} ({window}{routed}): {decision}"


def status(app: App, now: datetime, queues: Mapping[str, int | str]) -> dict[str, int | str]:
    """What an operator checks first: queues, polling health, failures, moments waiting."""
    hour_ago = now - timedelta(hours=1)
    with app.sessions() as session:

        def count(*where: Any) -> int:
            return session.scalar(select(func.count()).select_from(Source).where(*where)) or 0

        polled = count(Source.last_polled_at >= hour_ago)
        quiet = count(
            Source.last_polled_at >= hour_ago, Source.last_status.in_(("not modified", "unchanged"))
        )
        waiting = (
            session.scalar(
                select(func.count(Moment.id)).where(Moment.status.in_(("pending", "deferred")))
            )
            or 0
        )
        report: dict[str, int | str] = {
            **queues,
            "sources": count(),
            "sources due now": count(Source.enabled, Source.next_poll_at <= now),
            "polled in the last hour": polled,
            "304 or unchanged (last hour)": f"{quiet / polled:.0%}" if polled else "-",
            "failing sources": count(Source.enabled, Source.failing_since.is_not(None)),
            "disabled sources": count(Source.enabled.is_(False)),
            "moments waiting": waiting,
        }
    return report
