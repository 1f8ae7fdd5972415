"""The database schema (SQLAlchemy 2). Times are stored as naive UTC and read back aware."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime in Python, a naive UTC timestamp in every database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted; pass an aware UTC time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


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
    queued_at: Mapped[datetime | None] = mapped_column(index=True)
    """When the scheduler last enqueued this owed work: its lease (see scheduler)."""
    """What the recruiter said when closing it (why it was not relevant)."""

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


class SignInLink(Base):
    """A magic sign-in link sent by email: single use, expiring; only its hash is kept."""

    __tablename__ = "sign_in_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    recruiter_id: Mapped[int] = mapped_column(
        ForeignKey("recruiter.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ApiToken(Base):
    """A token another system (an ATS, a CRM) uses for the API; only its hash is kept."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    """The token's first characters, to tell tokens apart in a list."""
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


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


class Suppression(Base):
    """An erased person, kept only as salted hashes so that an import skips them."""

    __tablename__ = "suppression"
    id: Mapped[int] = mapped_column(primary_key=True)
    email_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    external_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed, exported or erased what, and when; ids only, never the data itself."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(60))
    """cli, recruiter:ID, token:ID or system."""
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(60))
    """member:ID and the like."""
    detail: Mapped[str] = mapped_column(Text, default="")


class InstallSecret(Base):
    """Values made once per installation (the suppression list's salt)."""

    __tablename__ = "install_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
