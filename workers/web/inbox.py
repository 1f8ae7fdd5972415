"""The signed-in pages: this week's moments, a member's timeline, logging a contact, the
team's week (admins) and the recruiter's own settings."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from workers.db import transaction
from workers.i18n import LANGUAGES, closed_message, text
from workers.services.contacts import (
    CHANNELS,
    ContactError,
    log_contact,
    member_hit,
    search_members,
)
from workers.services.directory import RecruiterSettings, configure_recruiter
from workers.services.feedback import AlreadyClosed, FeedbackError, NotYours, Outcome
from workers.services.inbox import open_moments, team_week
from workers.services.privacy import erase_member, export_member
from workers.services.reporting import member_timeline, stats
from workers.web.actions import apply_action
from workers.web.rendering import flash, message_page, now_of, render
from workers.web.security import (
    Admin,
    CurrentViewer,
    Forbidden,
    FormChecked,
    Keepwarm,
    Viewer,
)

router = APIRouter(include_in_schema=False)


def local_today(who: Viewer, now: datetime) -> date:
    """Today where the recruiter is."""
    return now.astimezone(ZoneInfo(who.timezone)).date()


ALERTS = ("immediate", "daily", "weekly")


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request, app: Keepwarm, who: CurrentViewer, everyone: bool = False
) -> HTMLResponse:
    """The moments routed to me (an admin may look at everyone's), best first."""
    cards = open_moments(app, None if who.admin and everyone else who.id)
    return render(
        request,
        "inbox.html",
        who=who,
        cards=cards,
        everyone=who.admin and everyone,
        outcomes=[o.value for o in Outcome],
    )


@router.post("/moments/{moment_id}", dependencies=[FormChecked])
def act(
    request: Request,
    app: Keepwarm,
    who: CurrentViewer,
    moment_id: int,
    action: Annotated[str, Form(max_length=40)],
    until: Annotated[date | None, Form()] = None,
    why: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record an action from the inbox and go back to it."""
    try:
        apply_action(
            app,
            moment_id,
            action,
            now_of(request),
            recruiter_id=None if who.admin else who.id,
            acted_by=who.id,
            until=until,
            why=why,
            origin="inbox",
        )
        flash(request, text(who.language, "action.recorded"))
    except NotYours as exc:
        raise Forbidden from exc
    except AlreadyClosed as exc:
        flash(request, closed_message(who.language, exc.status))
    except FeedbackError as exc:
        flash(request, str(exc))
    return RedirectResponse("/inbox", status_code=303)


@router.get("/members/{member_id}", response_class=HTMLResponse)
def member_page(request: Request, app: Keepwarm, who: CurrentViewer, member_id: int) -> Response:
    """A member's timeline: contacts, signals, moments and why each was decided so."""
    visible = member_hit(app, member_id, recruiter_id=None if who.admin else who.id)
    found = member_timeline(app, member_id) if visible else None
    if found is None:
        return _not_found(request, who)
    header, events = found
    return render(
        request, "member.html", who=who, header=header, events=events, member_id=member_id
    )


@router.get("/contacts/new", response_class=HTMLResponse)
def contact_form(
    request: Request, app: Keepwarm, who: CurrentViewer, q: str = "", member: int | None = None
) -> HTMLResponse:
    """Find the member, then say when and how the contact happened."""
    scope = None if who.admin else who.id
    hits = search_members(app, q[:200], recruiter_id=scope) if q else []
    chosen = member_hit(app, member, recruiter_id=scope) if member is not None else None
    return render(
        request,
        "log_contact.html",
        who=who,
        q=q,
        hits=hits,
        chosen=chosen,
        channels=CHANNELS,
        outcomes=[o.value for o in Outcome],
        today=local_today(who, now_of(request)),
    )


@router.post("/contacts", dependencies=[FormChecked])
def save_contact(
    request: Request,
    app: Keepwarm,
    who: CurrentViewer,
    member_id: Annotated[int, Form()],
    on: Annotated[date, Form()],
    channel: Annotated[str, Form(max_length=20)],
    outcome: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Log the contact; the member's waiting moments are decided again at once."""
    now = now_of(request)
    if member_hit(app, member_id, recruiter_id=None if who.admin else who.id) is None:
        raise Forbidden
    today = local_today(who, now)
    if on > today:
        flash(request, text(who.language, "log.future"))
        return RedirectResponse(f"/contacts/new?member={member_id}", status_code=303)
    at = now if on == today else datetime.combine(on, time(12), tzinfo=UTC)
    try:
        logged = log_contact(
            app,
            member_id,
            now,
            at=min(at, now),
            channel=channel,
            outcome=outcome or None,
            note=note,
            recruiter_id=who.id,
            origin="inbox",
        )
    except ContactError as exc:
        flash(request, str(exc))
        return RedirectResponse(f"/contacts/new?member={member_id}", status_code=303)
    flash(request, text(who.language, "log.deferred", count=len(logged.held)))
    return RedirectResponse(f"/members/{member_id}", status_code=303)


@router.get("/team", response_class=HTMLResponse)
def team(request: Request, app: Keepwarm, who: Admin) -> HTMLResponse:
    """Capacity used per recruiter this week, members at risk, response per moment kind."""
    now = now_of(request)
    report = stats(app, now)
    return render(
        request,
        "team.html",
        who=who,
        week=team_week(app, now),
        report=report,
    )


@router.get("/settings", response_class=HTMLResponse)
def settings_form(request: Request, who: CurrentViewer) -> HTMLResponse:
    """The recruiter's language and how alerts reach them."""
    return render(request, "settings.html", who=who, languages=LANGUAGES, alerts=ALERTS)


@router.post("/settings", dependencies=[FormChecked])
def save_settings(
    request: Request,
    app: Keepwarm,
    who: CurrentViewer,
    language: Annotated[str, Form(max_length=5)],
    alerts: Annotated[str, Form(max_length=20)],
) -> Response:
    """Save them."""
    if language not in LANGUAGES or alerts not in ALERTS:
        raise Forbidden
    with transaction(app.sessions) as session:
        configure_recruiter(
            session,
            who.email,
            now_of(request),
            RecruiterSettings(language=language, alerts=alerts),
        )
    flash(request, text(language, "settings.saved"))
    return RedirectResponse("/settings", status_code=303)


@router.get("/members/{member_id}/erase", response_class=HTMLResponse)
def erase_form(request: Request, app: Keepwarm, who: Admin, member_id: int) -> Response:
    """Ask an admin to confirm an erasure."""
    hit = member_hit(app, member_id, recruiter_id=None)
    if hit is None:
        return _not_found(request, who)
    return render(request, "erase.html", who=who, member=hit)


@router.post("/members/{member_id}/erase", dependencies=[FormChecked])
def erase(request: Request, app: Keepwarm, who: Admin, member_id: int) -> Response:
    """Erase the member and every row about them (admins only)."""
    with suppress(ValueError):  # already gone: the same page
        erase_member(app, member_id, now_of(request), actor=f"recruiter:{who.id}")
    flash(request, text(who.language, "erase.done"))
    return RedirectResponse("/team", status_code=303)


@router.get("/members/{member_id}/export.json")
def export(request: Request, app: Keepwarm, who: Admin, member_id: int) -> Response:
    """Everything held about the member, as a JSON download (admins only)."""
    try:
        document = export_member(app, member_id, now_of(request), actor=f"recruiter:{who.id}")
    except ValueError as exc:
        raise Forbidden from exc
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="member-{member_id}.json"'},
    )


def _not_found(request: Request, who: Viewer) -> Response:
    """The page for a member the viewer may not see, or that is not there: one answer."""
    return message_page(request, text(who.language, "error.not_found"), who=who, status_code=404)
