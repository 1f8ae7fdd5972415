"""Moment changes as CloudEvents 1.0 (https://cloudevents.io): routed, contacted, snoozed,
closed. Each is written to the ``moment_event`` outbox in the transaction that makes the
change; webhooks send the routed event, the event stream publishes them all, in order.

The JSON Schema of each type's ``data`` is in ``workers/schemas/<type>.json``; the version
is the type's last part, so a receiver can tell a breaking change by the type alone.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.schema import Moment, MomentEvent
from workers.links import web_link

ROUTED = "keepwarm.moment.routed.v1"
CONTACTED = "keepwarm.moment.contacted.v1"
SNOOZED = "keepwarm.moment.snoozed.v1"
CLOSED = "keepwarm.moment.closed.v1"
TYPES = (ROUTED, CONTACTED, SNOOZED, CLOSED)


def evidence_of(moment: Moment) -> tuple[str, str | None]:
    """Why now, in a line, and where it was seen: the signal's headline, the vacancy's
    title, or the kind of moment (a check-in has no evidence)."""
    if moment.signal is not None:
        return moment.signal.headline, web_link(moment.signal.url)
    if moment.vacancy is not None:
        return moment.vacancy.title, web_link(moment.vacancy.url)
    return moment.kind.replace("_", " "), None


def context_of(session: Session, moment_id: int) -> list[str]:
    """What the moments merged into this one were about."""
    merged = session.scalars(
        select(Moment).where(Moment.merged_into_id == moment_id).order_by(Moment.id)
    )
    lines = []
    for moment in merged:
        about = evidence_of(moment)[0] if moment.signal or moment.vacancy else ""
        lines.append(moment.kind.replace("_", " ") + (f": {about}" if about else ""))
    return lines


def _when(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def moment_part(moment: Moment) -> dict[str, Any]:
    """What every event says about the moment."""
    return {
        "id": moment.id,
        "kind": moment.kind,
        "status": moment.status,
        "reason": moment.reason or "",
        "routing": moment.routings,
        "recruiter_id": moment.recruiter_id,
        "not_before": _when(moment.not_before),
        "expires_at": _when(moment.expires_at),
        "closed_at": _when(moment.closed_at),
    }


def member_part(moment: Moment, *, named: bool) -> dict[str, Any]:
    """Who it is about: ids always; the name and employer only where the receiver acts on
    them (a routed moment). Never contact details."""
    member = moment.member
    part: dict[str, Any] = {"id": member.id, "external_id": member.external_id}
    if named:
        part["name"] = member.name
        part["employer"] = member.employer.name if member.employer else None
        part["language"] = member.language
    return part


def record(session: Session, moment: Moment, type_: str, now: datetime, **data: Any) -> None:
    """Write one change of ``moment`` to the outbox, with the rest of the session's work."""
    if type_ not in TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    body = {
        "moment": moment_part(moment),
        "member": member_part(moment, named=type_ == ROUTED),
        **data,
    }
    session.add(
        MomentEvent(
            moment_id=moment.id,
            member_id=moment.member_id,
            type=type_,
            data=json.dumps(body, ensure_ascii=False, sort_keys=True),
            created_at=now,
        )
    )


def cloud_event(event: MomentEvent, *, source: str) -> dict[str, Any]:
    """The stored change as a CloudEvents 1.0 structured JSON event."""
    return {
        "specversion": "1.0",
        "id": f"evt_{event.id}",
        "source": source,
        "type": event.type,
        "subject": f"moment/{event.moment_id}",
        "time": _when(event.created_at),
        "datacontenttype": "application/json",
        "dataschema": f"{source}/schemas/{event.type}.json",
        "data": json.loads(event.data),
    }


def schema(type_: str) -> dict[str, Any]:
    """The JSON Schema of one event type's data."""
    if type_ not in TYPES:
        raise KeyError(type_)
    text = (resources.files("workers") / "schemas" / f"{type_}.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded
