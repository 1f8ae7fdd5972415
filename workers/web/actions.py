"""Acting on a moment: from the inbox's buttons and from an alert email's signed links.

Opening a link (GET) only shows a confirmation page with one button; the POST records.
A link that is forged, expired, from an earlier routing, for a moment now with someone
else or already acted on gets a page saying so, and changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

import structlog
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from workers.app import App
from workers.i18n import closed_message, text
from workers.links import ACTIONS, ActionTicket, LinkError, read_ticket
from workers.services.consent import renew_consent
from workers.services.directory import recruiter_language
from workers.services.feedback import (
    OPEN,
    AlreadyClosed,
    FeedbackError,
    NotYours,
    Outcome,
    StaleLink,
    mark_done,
    skip,
    snooze,
)
from workers.services.inbox import MomentCard, moment_card
from workers.web.rendering import message_page, now_of, render
from workers.web.security import Keepwarm

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)


def apply_action(
    app: App,
    moment_id: int,
    action: str,
    now: datetime,
    *,
    recruiter_id: int | None,
    acted_by: int,
    until: date | None = None,
    why: str | None = None,
    origin: str,
    routing: int | None = None,
) -> None:
    """Record one action on an open moment (by ``acted_by``; only if it is routed to
    ``recruiter_id`` and, for an alert's link, still in that ``routing``); FeedbackError
    kinds when it cannot take it."""
    if action == "renewed" or action in {o.value for o in Outcome}:
        # A renewal is a positive contact that also sets a new retention date.
        renewing = _member_renewing(app, moment_id) if action == "renewed" else None
        mark_done(
            app,
            moment_id,
            Outcome.POSITIVE if action == "renewed" else Outcome(action),
            now,
            recruiter_id=recruiter_id,
            routing=routing,
            open_only=True,
            origin=origin,
            acted_by=acted_by,
        )
        if renewing is not None:
            renew_consent(app, renewing, now, actor=f"recruiter:{acted_by}")
    elif action == "snooze":
        if until is None:
            raise FeedbackError("choose a date to snooze until")
        wake = datetime.combine(until, time(8), tzinfo=UTC)
        snooze(
            app, moment_id, wake, now, recruiter_id=recruiter_id, routing=routing, open_only=True
        )
    elif action in ("skip", "not-relevant"):
        skip(
            app,
            moment_id,
            now,
            not_relevant=action == "not-relevant",
            why=why,
            recruiter_id=recruiter_id,
            routing=routing,
            open_only=True,
        )
    else:
        raise FeedbackError(f"unknown action {action!r}")
    log.info("moment.feedback", moment_id=moment_id, action=action, origin=origin)


def _member_renewing(app: App, moment_id: int) -> int:
    """The member a consent renewal moment asks about; FeedbackError for another moment."""
    card = moment_card(app, moment_id)
    if card is None or card.kind != "renew_consent":
        raise FeedbackError("only a consent renewal moment can record a renewal")
    return card.member_id


def _check(app: App, token: str) -> tuple[ActionTicket, MomentCard, str] | str:
    """The ticket, its moment and the recruiter's language; or the key of what is wrong."""
    try:
        ticket = read_ticket(app.secret, token)
    except LinkError as exc:
        return "action.expired_link" if exc.expired else "action.bad_link"
    card = moment_card(app, ticket.moment_id)
    if card is None:
        return "action.bad_link"
    language = recruiter_language(app, ticket.recruiter_id)
    if card.recruiter_id != ticket.recruiter_id:
        return "action.other_recruiter"
    if card.routings != ticket.routing:
        return "action.stale"
    if card.status not in OPEN:
        return f"closed:{card.status}"
    return ticket, card, language


def _refusal(request: Request, app: App, token: str, problem: str) -> HTMLResponse:
    try:
        language = recruiter_language(app, read_ticket(app.secret, token).recruiter_id)
    except LinkError:
        language = "en"
    if problem.startswith("closed:"):
        says = closed_message(language, problem.removeprefix("closed:"))
    else:
        says = text(language, problem)
    status = 404 if problem == "action.bad_link" else 410 if "expired" in problem else 200
    return message_page(request, says, language=language, status_code=status)


@router.get("/a/{token}", response_class=HTMLResponse)
def confirm_action(
    request: Request, app: Keepwarm, token: str, do: str = "positive"
) -> HTMLResponse:
    """The confirmation page: what the link will record, and one button."""
    checked = _check(app, token)
    if isinstance(checked, str):
        return _refusal(request, app, token, checked)
    _, card, language = checked
    action = do if do in ACTIONS else "positive"
    return render(
        request,
        "action.html",
        card=card,
        action=action,
        token=token,
        language=language,
    )


@router.post("/a/{token}", response_class=HTMLResponse)
def record_action(
    request: Request,
    app: Keepwarm,
    token: str,
    action: Annotated[str, Form()],
    until: Annotated[date | None, Form()] = None,
    why: Annotated[str, Form(max_length=500)] = "",
) -> HTMLResponse:
    """Record what the confirmation page's button says; the signed token is the proof."""
    checked = _check(app, token)
    if isinstance(checked, str):
        return _refusal(request, app, token, checked)
    ticket, card, language = checked
    try:
        apply_action(
            app,
            ticket.moment_id,
            action,
            now_of(request),
            recruiter_id=ticket.recruiter_id,
            acted_by=ticket.recruiter_id,
            until=until,
            why=why,
            origin="email",
            routing=ticket.routing,
        )
    except AlreadyClosed as exc:
        return message_page(request, closed_message(language, exc.status), language=language)
    except NotYours:
        return message_page(request, text(language, "action.other_recruiter"), language=language)
    except StaleLink:
        return message_page(request, text(language, "action.stale"), language=language)
    except FeedbackError as exc:
        return message_page(request, str(exc), language=language, status_code=400)
    return render(request, "action_done.html", card=card, action=action, language=language)
