"""What is watched and what it reports: sources with their fetch state, the items they
listed, the signals detected in those items (with their evidence), and open vacancies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.schema.base import Base
from models.schema.pool import Employer


class Source(Base):
    """Something polled, with its fetch state."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="feed")
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), index=True
    )
    options: Mapped[str | None] = mapped_column(Text)
    """JSON: per-kind options, e.g. CSS selectors for a team page."""
    snapshot: Mapped[str | None] = mapped_column(Text)
    """JSON: what a page listed at its last poll, to diff the next one against."""
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    seen_keys: Mapped[str | None] = mapped_column(Text)
    """The entries of the last body, as short keys: what is new in the next one."""
    next_poll_at: Mapped[datetime] = mapped_column(index=True)
    last_polled_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(200))
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    alerted_at: Mapped[datetime | None]
    interval_seconds: Mapped[int | None] = mapped_column(Integer)
    """The source's own polling rhythm, learned from its updates and its server's hints."""
    skipped_entries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Entries past the per-poll or per-day caps, not stored: counted, never read."""
    created_at: Mapped[datetime]

    employer: Mapped[Employer | None] = relationship()


class Item(Base):
    """One entry of a feed, stored once per source."""

    __tablename__ = "item"
    __table_args__ = (UniqueConstraint("source_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(2000))
    summary: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str | None] = mapped_column(Text)
    """JSON: a structured observation from a page (who joined, left or changed title)."""
    published_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime]
    detected_at: Mapped[datetime | None] = mapped_column(index=True)
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""


class Signal(Base):
    """Something detected about a member or an employer, once per event."""

    __tablename__ = "signal"
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    event: Mapped[str | None] = mapped_column(String(40))
    person: Mapped[str | None] = mapped_column(String(300))
    new_employer: Mapped[str | None] = mapped_column(String(300))
    old_employer: Mapped[str | None] = mapped_column(String(300))
    new_title: Mapped[str | None] = mapped_column(String(300))
    headline: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(2000))
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    occurred_at: Mapped[datetime]
    created_at: Mapped[datetime]
    planned_at: Mapped[datetime | None] = mapped_column(index=True)
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""


class SignalEvidence(Base):
    """One item that reported a signal; the same event in five feeds has five rows."""

    __tablename__ = "signal_evidence"
    __table_args__ = (UniqueConstraint("signal_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signal.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(Text, default="")
    snippet: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Vacancy(Base):
    """An open role; members whose interests fit it get a relevant_vacancy moment."""

    __tablename__ = "vacancy"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    """The external id, else the URL: what makes a re-import an update."""
    title: Mapped[str] = mapped_column(String(500))
    employer: Mapped[str | None] = mapped_column(String(300))
    areas: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    closes_at: Mapped[datetime | None]
    matched_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""
