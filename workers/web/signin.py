"""Signing in by a link sent to the recruiter's email, and signing out.

The page answers the same whether or not the address belongs to a recruiter, so it
tells no one who works here. Opening the link shows a button; only its POST uses the
link, so a mail scanner that prefetches it does not burn it.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import structlog
from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sources import SourceError
from workers.app import App
from workers.i18n import text
from workers.notifiers import send_sign_in_link
from workers.services.signin import create_link, end_sessions, redeem_link
from workers.web.rendering import language_of, message_page, now_of, render
from workers.web.security import CurrentViewer, FormChecked, Keepwarm, sign_in

log = structlog.get_logger(__name__)
router = APIRouter(include_in_schema=False)


def _safe_next(target: str) -> str:
    """Only a path on this site: never another host (``//evil``, ``https://...``)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/inbox"


@router.get("/", include_in_schema=False)
def home() -> Response:
    """The inbox is the home page."""
    return RedirectResponse("/inbox", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/inbox") -> HTMLResponse:
    """Ask for the recruiter's email."""
    return render(request, "signin.html", next=_safe_next(next))


@router.post("/login", response_class=HTMLResponse, dependencies=[FormChecked])
def send_link(
    request: Request,
    app: Keepwarm,
    background: BackgroundTasks,
    email: Annotated[str, Form(max_length=320)],
    next: Annotated[str, Form(max_length=500)] = "/inbox",
) -> HTMLResponse:
    """Email a sign-in link if the address is a recruiter's; the answer is the same, and
    as quick (the mail goes out after the answer)."""
    made = create_link(app, email, now_of(request))
    if made is not None:
        recruiter, token = made
        url = f"{app.settings.base_url}/login/{token}?next={quote(_safe_next(next))}"
        background.add_task(_mail, app, recruiter.id, recruiter.email, url, recruiter.language)
    return message_page(request, text(language_of(request), "signin.sent"))


def _mail(app: App, recruiter_id: int, to: str, url: str, language: str) -> None:
    try:
        send_sign_in_link(app.settings, to, url, language)
        log.info("signin.link_sent", recruiter_id=recruiter_id)
    except SourceError as exc:
        log.warning("signin.mail_failed", recruiter_id=recruiter_id, error=type(exc).__name__)


@router.get("/login/{token}", response_class=HTMLResponse)
def confirm_link(request: Request, token: str, next: str = "/inbox") -> HTMLResponse:
    """One button that uses the link (a prefetching scanner does not press it)."""
    return render(request, "signin_confirm.html", token=token, next=_safe_next(next))


@router.post("/login/{token}", dependencies=[FormChecked], response_model=None)
def use_link(
    request: Request,
    app: Keepwarm,
    token: str,
    next: Annotated[str, Form(max_length=500)] = "/inbox",
) -> Response:
    """Sign in with the link, once."""
    redeemed = redeem_link(app, token, now_of(request))
    if redeemed is None:
        log.info("signin.link_refused")
        return message_page(request, text(language_of(request), "signin.invalid"), status_code=400)
    recruiter_id, epoch = redeemed
    sign_in(request, recruiter_id, epoch)
    log.info("signin.signed_in", recruiter_id=recruiter_id)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[FormChecked])
def logout(request: Request, app: Keepwarm, who: CurrentViewer) -> Response:
    """End this session and every other one of the recruiter (a copied cookie too)."""
    end_sessions(app, who.id)
    request.session.clear()
    log.info("signin.signed_out", recruiter_id=who.id)
    return RedirectResponse("/login", status_code=303)
