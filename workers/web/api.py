"""The JSON API for other systems: contacts in, moments out (``/api/v1``, a bearer token
from ``keepwarm tokens create``); described at ``/openapi.json``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

import structlog
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from workers.events import schema
from workers.services.api_tokens import authenticate
from workers.services.consent import renew_consent
from workers.services.contacts import ContactError, log_contact, natural_key, resolve_member
from workers.services.inbox import moment_page
from workers.services.privacy import erase_member, resolve
from workers.web.rendering import now_of
from workers.web.security import Keepwarm

log = structlog.get_logger(__name__)
router = APIRouter(prefix="/api/v1", tags=["api"])
schemas = APIRouter(tags=["events"])
_bearer = HTTPBearer(auto_error=False, description="A token from `keepwarm tokens create`")


def api_token(
    request: Request,
    app: Keepwarm,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> int:
    """The id of the caller's valid token; 401 without one."""
    token_id = authenticate(app, credentials.credentials, now_of(request)) if credentials else None
    if token_id is None:
        raise HTTPException(
            401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return token_id


TokenId = Annotated[int, Depends(api_token)]


class MemberReference(BaseModel):
    """Who the contact was with: the ATS's id for them, or their email."""

    model_config = ConfigDict(extra="forbid")
    external_id: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=320)


class ContactIn(BaseModel):
    """A contact made outside keepwarm (a call, a meeting, a mail from the ATS)."""

    model_config = ConfigDict(extra="forbid")
    member: MemberReference
    contacted_at: datetime | date = Field(
        description="When: a date, or a date and time (UTC unless an offset is given)"
    )
    channel: Literal["email", "phone", "meeting", "message", "other"] = "other"
    outcome: Literal["positive", "negative", "no-response", "later"] | None = None
    note: str | None = Field(None, max_length=2000)
    idempotency_key: str | None = Field(
        None,
        max_length=150,
        description="The same key twice is one contact (the Idempotency-Key header also works)",
    )


class HeldMoment(BaseModel):
    """A moment the contact put off, and why."""

    id: int
    reason: str


class ContactOut(BaseModel):
    """The contact as stored."""

    id: int
    member_id: int
    created: bool = Field(description="False when this contact was sent before")
    held_moments: list[HeldMoment]


class MomentOut(BaseModel):
    """A contact moment, without the member's contact details."""

    id: int
    kind: str
    status: str
    reason: str
    member_id: int
    member_external_id: str | None
    recruiter_id: int | None
    not_before: datetime
    expires_at: datetime
    routed_at: datetime | None
    closed_at: datetime | None
    headline: str
    url: str | None
    draft: str


class MomentList(BaseModel):
    """One page of moments, in id order; ask again with ``after=next_after`` for more."""

    moments: list[MomentOut]
    next_after: int | None


def _moment_time(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(12), tzinfo=UTC)


@router.post(
    "/contacts",
    response_model=ContactOut,
    status_code=201,
    responses={200: {"model": ContactOut, "description": "Sent before: nothing new stored"}},
)
def post_contact(
    request: Request,
    response: Response,
    app: Keepwarm,
    token_id: TokenId,
    contact: ContactIn,
    idempotency_key: Annotated[str | None, Header(max_length=150)] = None,
) -> ContactOut:
    """Log a contact; the member's waiting moments are decided again at once."""
    now = now_of(request)
    at = _moment_time(contact.contacted_at)
    if at > now + timedelta(days=1):  # a day's grace for dates written in another timezone
        raise HTTPException(422, "contacted_at is in the future")
    at = min(at, now)
    try:
        member_id = resolve_member(
            app, external_id=contact.member.external_id, email=contact.member.email
        )
        given = idempotency_key or contact.idempotency_key
        key = (
            f"api:{token_id}:{given}"
            if given
            else natural_key(member_id, at, contact.channel, contact.outcome, contact.note)
        )
        logged = log_contact(
            app,
            member_id,
            now,
            at=at,
            channel=contact.channel,
            outcome=contact.outcome,
            note=contact.note,
            origin="api",
            key=key,
        )
    except ContactError as exc:
        raise HTTPException(422, str(exc)) from exc
    if not logged.created:
        response.status_code = 200
    log.info("api.contact", token_id=token_id, contact_id=logged.contact_id, new=logged.created)
    return ContactOut(
        id=logged.contact_id,
        member_id=logged.member_id,
        created=logged.created,
        held_moments=[HeldMoment(id=i, reason=r) for i, r in logged.held.items()],
    )


@router.get("/moments", response_model=MomentList)
def get_moments(
    app: Keepwarm,
    token_id: TokenId,
    status: Annotated[str | None, Query(max_length=20)] = None,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> MomentList:
    """Moments in id order, for systems that pull instead of receiving webhooks."""
    rows = moment_page(app, status=status, after=after, limit=limit)
    return MomentList(
        moments=[MomentOut.model_validate(row) for row in rows],
        next_after=rows[-1]["id"] if len(rows) == limit else None,
    )


@schemas.get("/schemas/{type_}.json")
def event_schema(type_: str) -> dict[str, object]:
    """The JSON Schema of one CloudEvent type's ``data`` (the events' ``dataschema``)."""
    try:
        return schema(type_)
    except KeyError as exc:
        raise HTTPException(404, "no such event type") from exc


class ErasedOut(BaseModel):
    """What an erasure removed, counted per kind of row."""

    member_id: int
    rows: dict[str, int]


@router.delete("/members/{reference}", response_model=ErasedOut)
def delete_member(request: Request, app: Keepwarm, token_id: TokenId, reference: str) -> ErasedOut:
    """Erase a member (by external id, email or id) and every row about them; later imports
    skip them."""
    try:
        member_id = resolve(app, reference)
    except ValueError as exc:
        raise HTTPException(404, "no such member") from exc
    erased = erase_member(app, member_id, now_of(request), actor=f"token:{token_id}")
    return ErasedOut(member_id=erased.member_id, rows=erased.rows)


class ConsentIn(BaseModel):
    """The member agreed to stay in the pool."""

    model_config = ConfigDict(extra="forbid")
    until: date | None = Field(
        None, description="The new retention date (default: the pool's consent period from today)"
    )


class ConsentOut(BaseModel):
    """The member's retention date now."""

    member_id: int
    consent_until: date


@router.post("/members/{reference}/consent", response_model=ConsentOut)
def post_consent(
    request: Request, app: Keepwarm, token_id: TokenId, reference: str, consent: ConsentIn
) -> ConsentOut:
    """Record a renewed consent; the member's renewal moments close."""
    try:
        member_id = resolve(app, reference)
    except ValueError as exc:
        raise HTTPException(404, "no such member") from exc
    try:
        until = renew_consent(
            app, member_id, now_of(request), actor=f"token:{token_id}", until=consent.until
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return ConsentOut(member_id=member_id, consent_until=until)
