"""Privacy: erasure that reaches every row about a member, an export of all of it, the
suppression list that keeps an erased person out of later imports, and the audit log.

The suppression list holds HMAC-SHA256 digests of the email and external id under a salt
made once per installation (``install_secret``), so the list itself names no one and a
copy of it cannot be matched against a guessed address without the database.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from hashlib import sha256
from typing import Any

import structlog
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.schema import (
    AuditEntry,
    Contact,
    Delivery,
    InstallSecret,
    Item,
    Member,
    Moment,
    MomentEvent,
    Signal,
    SignalEvidence,
    Source,
    Suppression,
)
from workers.app import App
from workers.db import lock_member, transaction
from workers.services.directory import member_by_reference

log = structlog.get_logger(__name__)

SUPPRESSED = "erased at the person's request (on the suppression list); not imported"


class Suppressed(ValueError):
    """The row is a person who was erased: it is not imported again."""

    def __init__(self) -> None:
        super().__init__(SUPPRESSED)


def audit(
    session: Session, now: datetime, actor: str, action: str, subject: str, detail: str = ""
) -> None:
    """Record who did what to which (ids only), with the rest of the session's work."""
    session.add(AuditEntry(at=now, actor=actor, action=action, subject=subject, detail=detail))


def _salt(session: Session) -> bytes:
    found = session.get(InstallSecret, "suppression_salt")
    if found is None:
        found = InstallSecret(name="suppression_salt", value=secrets.token_hex(32))
        try:
            with session.begin_nested():
                session.add(found)
        except IntegrityError:  # made by another process at the same moment
            found = session.get_one(InstallSecret, "suppression_salt")
    return found.value.encode()


def _digest(salt: bytes, kind: str, value: str | None) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        return None
    if kind == "email":
        cleaned = cleaned.lower()
    return hmac.new(salt, f"{kind}:{cleaned}".encode(), sha256).hexdigest()


def is_suppressed(session: Session, email: str | None, external_id: str | None) -> bool:
    """Whether a person with this email or external id was erased."""
    salt = _salt(session)
    email_digest = _digest(salt, "email", email)
    external_digest = _digest(salt, "external", external_id)
    if email_digest is None and external_digest is None:
        return False
    return (
        session.scalar(
            select(func.count(Suppression.id)).where(
                or_(
                    Suppression.email_digest == email_digest,
                    Suppression.external_digest == external_digest,
                )
            )
        )
        or 0
    ) > 0


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed, counted."""

    member_id: int
    rows: dict[str, int]


def erase_member(app: App, member_id: int, now: datetime, *, actor: str) -> Erasure:
    """Delete the member and every row about them; leave their hashes on the suppression
    list. Queued messages about them find nothing and do nothing; pending deliveries go."""
    with transaction(app.sessions) as session:
        member = lock_member(session, member_id)
        if member is None:
            raise ValueError(f"there is no member {member_id}")
        moments = select(Moment.id).where(Moment.member_id == member_id)
        signals = select(Signal.id).where(Signal.member_id == member_id)
        only_theirs = _items_only_about(session, member_id)
        salt = _salt(session)
        suppression = Suppression(
            email_digest=_digest(salt, "email", member.email),
            external_digest=_digest(salt, "external", member.external_id),
            created_at=now,
        )
        steps: list[tuple[str, Any]] = [
            ("deliveries", delete(Delivery).where(Delivery.moment_id.in_(moments))),
            ("contacts", delete(Contact).where(Contact.member_id == member_id)),
            ("events", delete(MomentEvent).where(MomentEvent.member_id == member_id)),
            (
                "merged",
                update(Moment)
                .where(Moment.merged_into_id.in_(moments))
                .values(merged_into_id=None),
            ),
            ("moments", delete(Moment).where(Moment.member_id == member_id)),
            ("evidence", delete(SignalEvidence).where(SignalEvidence.signal_id.in_(signals))),
            ("signals", delete(Signal).where(Signal.member_id == member_id)),
            ("items", delete(Item).where(Item.id.in_(only_theirs))),
            ("profile pages", delete(Source).where(Source.member_id == member_id)),
            ("member", delete(Member).where(Member.id == member_id)),
        ]
        rows = {}
        for name, statement in steps:
            result = session.execute(statement.execution_options(synchronize_session=False))
            rows[name] = int(result.rowcount)  # type: ignore[attr-defined]
        rows.pop("merged")
        if suppression.email_digest or suppression.external_digest:
            session.add(suppression)
        detail = ", ".join(f"{count} {name}" for name, count in rows.items() if count)
        audit(session, now, actor, "erase", f"member:{member_id}", detail)
    log.info("member.erased", member_id=member_id, rows=sum(rows.values()))
    return Erasure(member_id, rows)


def _items_only_about(session: Session, member_id: int) -> list[int]:
    """Items (news entries) whose every signal was about this member: nothing else uses them."""

    def items_of(where: Any) -> set[int]:
        direct = select(Signal.item_id).where(where, Signal.item_id.is_not(None))
        evidence = (
            select(SignalEvidence.item_id)
            .join(Signal, SignalEvidence.signal_id == Signal.id)
            .where(where, SignalEvidence.item_id.is_not(None))
        )
        found = set(session.scalars(direct)) | set(session.scalars(evidence))
        return {item_id for item_id in found if item_id is not None}

    theirs = items_of(Signal.member_id == member_id)
    others = items_of(or_(Signal.member_id != member_id, Signal.member_id.is_(None)))
    return sorted(theirs - others)


def resolve(app: App, reference: str) -> int:
    """The id of the member an email, external id or id names."""
    with app.sessions() as session:
        return member_by_reference(session, reference).id


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(obj: Any, *skip: str) -> dict[str, Any]:
    columns = obj.__table__.columns.keys()
    return {c: _plain(getattr(obj, c)) for c in columns if c not in skip}


def export_member(app: App, member_id: int, now: datetime, *, actor: str) -> dict[str, Any]:
    """Everything held about one member, as plain JSON-ready data (nothing about anyone
    else: deliveries say how and when, not the recruiter's address)."""
    with transaction(app.sessions) as session:
        member = session.get(Member, member_id)
        if member is None:
            raise ValueError(f"there is no member {member_id}")
        moment_ids = select(Moment.id).where(Moment.member_id == member_id)
        signals = list(session.scalars(select(Signal).where(Signal.member_id == member_id)))
        document = {
            "exported_at": _plain(now),
            "member": {
                **_row(member),
                "employer": member.employer.name if member.employer else None,
            },
            "contacts": [
                _row(c)
                for c in session.scalars(select(Contact).where(Contact.member_id == member_id))
            ],
            "signals": [
                {
                    **_row(s),
                    "evidence": [
                        _row(e)
                        for e in session.scalars(
                            select(SignalEvidence).where(SignalEvidence.signal_id == s.id)
                        )
                    ],
                }
                for s in signals
            ],
            "moments": [
                _row(m)
                for m in session.scalars(select(Moment).where(Moment.member_id == member_id))
            ],
            "deliveries": [
                _row(d, "target")
                for d in session.scalars(select(Delivery).where(Delivery.moment_id.in_(moment_ids)))
            ],
            "events": [
                {**_row(e, "data"), "data": json.loads(e.data)}
                for e in session.scalars(
                    select(MomentEvent).where(MomentEvent.member_id == member_id)
                )
            ],
            "profile_pages": [
                _row(s, "etag", "last_modified", "content_hash", "seen_keys")
                for s in session.scalars(select(Source).where(Source.member_id == member_id))
            ],
        }
        audit(session, now, actor, "export", f"member:{member_id}")
    return document


def export_text(document: dict[str, Any]) -> str:
    """The export in words, for the person it is about."""
    member = document["member"]
    lines = [
        f"Everything keepwarm holds about {member['name']} (exported {document['exported_at']})",
        "",
        "Pool data:",
    ]
    lines += [f"  {key}: {value}" for key, value in member.items() if value not in (None, "")]
    for title, key, fields in (
        ("Contacts", "contacts", ("contacted_at", "channel", "outcome", "note")),
        (
            "Signals (what was seen in public sources)",
            "signals",
            ("occurred_at", "kind", "headline", "url"),
        ),
        ("Contact moments and decisions", "moments", ("created_at", "kind", "status", "reason")),
        (
            "Messages sent about you to recruiters",
            "deliveries",
            ("created_at", "channel", "status"),
        ),
    ):
        lines += ["", f"{title}: {len(document[key])}"]
        for row in document[key]:
            lines.append("  " + "; ".join(f"{f}: {row[f]}" for f in fields if row.get(f)))
    return "\n".join(lines) + "\n"


def audit_entries(app: App, *, limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    with app.sessions() as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
