"""What is done about a signal: moments to contact a member, the contacts recorded, the
deliveries that send a moment, and the moment events the stream publishes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.schema.base import Base
from models.schema.pool import Member, Recruiter
from models.schema.sources import Signal, Vacancy


class Moment(Base):
    """A timed suggestion to contact one member for one reason."""

    __tablename__ = "moment"
    __table_args__ = (
        UniqueConstraint("signal_id", "member_id"),
        Index("ix_moment_status_not_before", "status", "not_before"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id"))
    vacancy_id: Mapped[int | None] = mapped_column(ForeignKey("vacancy.id"), index=True)
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Natural key of moments without a signal (check-ins, vacancies), for idempotence."""
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("moment.id"))
    routings: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    not_before: Mapped[datetime]
    expires_at: Mapped[datetime]
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("recruiter.id"))
    draft: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    routed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    feedback: Mapped[str | None] = mapped_column(Text)
    """What the recruiter said when closing it (why it was not relevant)."""
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""

    member: Mapped[Member] = relationship()
    signal: Mapped[Signal | None] = relationship()
    vacancy: Mapped[Vacancy | None] = relationship()
    recruiter: Mapped[Recruiter | None] = relationship()


class Contact(Base):
    """A recorded touch with a member, with its outcome."""

    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    moment_id: Mapped[int | None] = mapped_column(ForeignKey("moment.id"), unique=True)
    contacted_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(20))
    """How: email, phone, meeting, message, other."""
    note: Mapped[str | None] = mapped_column(Text)
    recruiter_id: Mapped[int | None] = mapped_column(ForeignKey("recruiter.id"))
    origin: Mapped[str] = mapped_column(String(20), default="moment")
    """Where it was recorded: cli, inbox, email (an alert's link), api, import."""
    created_at: Mapped[datetime | None]
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    """Idempotency key: the same contact sent twice (API, import) is stored once."""


class Delivery(Base):
    """One send of a moment on one channel; the outbox row that says a send is owed."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("moment_id", "routing", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moment.id"))
    routing: Mapped[int] = mapped_column(Integer, default=1)
    """Which routing of the moment this sends (a snoozed moment is routed again later)."""
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    retry_until: Mapped[datetime | None]
    """Failures are retried until then (a day after creation or a manual retry), then dead."""
    alerted_at: Mapped[datetime | None]
    """When the operator was told this delivery is dead."""
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""

    moment: Mapped[Moment] = relationship()


class MomentEvent(Base):
    """A change of a moment (routed, contacted, snoozed, skipped, expired) as a CloudEvent,
    written with the change; the event stream publishes these in order."""

    __tablename__ = "moment_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    moment_id: Mapped[int] = mapped_column(ForeignKey("moment.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(60))
    data: Mapped[str] = mapped_column(Text)
    """JSON: the event's data."""
    created_at: Mapped[datetime]
    published_at: Mapped[datetime | None] = mapped_column(index=True)
