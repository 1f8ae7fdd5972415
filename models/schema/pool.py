"""The pool's tables: the recruiters, the employers (and their other names), the members and
the concepts vacancy matching selects them by."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.schema.base import Base


class Recruiter(Base):
    """A person who acts on moments, reached by email or webhook."""

    __tablename__ = "recruiter"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    webhook_url: Mapped[str | None] = mapped_column(String(2000))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    work_start: Mapped[str] = mapped_column(String(5), default="09:00")
    work_end: Mapped[str] = mapped_column(String(5), default="17:00")
    work_days: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")
    """Comma-separated weekday numbers, Monday is 0."""
    weekly_capacity: Mapped[int] = mapped_column(Integer, default=5)
    areas: Mapped[str | None] = mapped_column(Text)
    """Comma-separated interest areas this recruiter's team covers."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    admin: Mapped[bool] = mapped_column(Boolean, default=False)
    """An admin sees every recruiter's moments and the team page."""
    language: Mapped[str] = mapped_column(String(5), default="en")
    """The language of their inbox and alert emails (nl or en)."""
    alerts: Mapped[str] = mapped_column(String(20), default="immediate")
    """immediate (one email per moment), daily or weekly (one digest email)."""
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    """Inbox sessions carry it; signing out raises it, which ends every session."""
    webhook_format: Mapped[str] = mapped_column(String(20), default="standard")
    """standard (signed CloudEvents), slack or teams (their incoming-webhook messages)."""
    webhook_secret: Mapped[str | None] = mapped_column(String(100))
    """Signs webhook deliveries (Standard Webhooks, ``whsec_...``)."""
    webhook_secret_previous: Mapped[str | None] = mapped_column(String(100))
    webhook_previous_until: Mapped[datetime | None]
    """After a rotation, deliveries carry both signatures until then."""
    created_at: Mapped[datetime]


class Employer(Base):
    """A company members work for; one row however its name is spelled."""

    __tablename__ = "employer"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)
    website: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime]

    aliases: Mapped[list[EmployerAlias]] = relationship(cascade="all, delete-orphan")


class EmployerAlias(Base):
    """Another name an employer goes by ("KPN" for "Koninklijke KPN N.V.")."""

    __tablename__ = "employer_alias"
    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(
        ForeignKey("employer.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    key: Mapped[str] = mapped_column(String(300), unique=True)


class Member(Base):
    """A person in the pool."""

    __tablename__ = "member"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employer.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(200))
    last_contact_on: Mapped[date | None] = mapped_column(Date)
    last_topic: Mapped[str | None] = mapped_column(Text)
    interests: Mapped[str | None] = mapped_column(Text)
    next_action: Mapped[str | None] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("recruiter.id"), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    formal: Mapped[bool] = mapped_column(Boolean, default=False)
    """Drafts say "u" rather than "je" (Dutch)."""
    profile_urls: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_until: Mapped[date | None] = mapped_column(Date)
    """The retention date: renewal is asked for before it, the member is erased after it."""
    legal_basis: Mapped[str | None] = mapped_column(String(30))
    """consent or legitimate_interest."""
    consent_given_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    concepts_at: Mapped[datetime | None]
    """The ``updated_at`` its ``member_concept`` rows were derived from; behind it, stale."""

    employer: Mapped[Employer | None] = relationship()
    owner: Mapped[Recruiter | None] = relationship()


class MemberConcept(Base):
    """One concept (models/data/synonyms.toml group) a member's interests or title name:
    what vacancy matching selects candidates by, in the database."""

    __tablename__ = "member_concept"
    __table_args__ = (Index("ix_member_concept_concept", "concept", "member_id"),)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("member.id", ondelete="CASCADE"), primary_key=True
    )
    concept: Mapped[str] = mapped_column(String(60), primary_key=True)
