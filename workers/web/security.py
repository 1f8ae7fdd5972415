"""Who is signed in, and proof that a form came from our own page.

Sessions are Starlette's signed cookies (itsdangerous underneath): they hold the
recruiter's id and the form token, nothing personal. The form token is the classic
synchronizer token: one random value per session, echoed by every form as a hidden
field and compared in constant time. Written here rather than taken from a CSRF
package because it is these dozen lines, and the packages on offer either wrap WTForms
or require double-submit cookies with JavaScript that a plain form post does not need.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request

from workers.app import App
from workers.services.signin import session_recruiter


class SignInRequired(Exception):
    """The page needs a signed-in recruiter; the handler sends the browser to sign in."""


class Forbidden(Exception):
    """Signed in, but this is not theirs to see or change."""


class BadFormToken(Exception):
    """A form without our token: forged, or from a session that ended."""


@dataclass(frozen=True)
class Viewer:
    """The signed-in recruiter."""

    id: int
    name: str
    email: str
    admin: bool
    language: str
    alerts: str
    timezone: str


def keepwarm(request: Request) -> App:
    """The runtime the web app was built on."""
    app: App = request.app.state.keepwarm
    return app


def form_token(request: Request) -> str:
    """This session's form token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def check_form_token(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    """Refuse a POST whose form does not carry this session's token."""
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or not secrets.compare_digest(csrf, expected):
        raise BadFormToken


def sign_in(request: Request, recruiter_id: int, epoch: int) -> None:
    """Start a fresh session for the recruiter (a new form token; nothing carried over)."""
    request.session.clear()
    request.session["rid"] = recruiter_id
    request.session["epoch"] = epoch
    form_token(request)


def viewer(request: Request, app: Annotated[App, Depends(keepwarm)]) -> Viewer:
    """The signed-in, active recruiter, or SignInRequired."""
    recruiter_id, epoch = request.session.get("rid"), request.session.get("epoch")
    if not isinstance(recruiter_id, int) or not isinstance(epoch, int):
        raise SignInRequired
    recruiter = session_recruiter(app, recruiter_id, epoch)
    if recruiter is None:
        request.session.clear()
        raise SignInRequired
    return Viewer(
        recruiter.id,
        recruiter.name,
        recruiter.email,
        recruiter.admin,
        recruiter.language,
        recruiter.alerts,
        recruiter.timezone,
    )


def admin(who: Annotated[Viewer, Depends(viewer)]) -> Viewer:
    """The signed-in recruiter, if they are an admin."""
    if not who.admin:
        raise Forbidden
    return who


CurrentViewer = Annotated[Viewer, Depends(viewer)]
Admin = Annotated[Viewer, Depends(admin)]
Keepwarm = Annotated[App, Depends(keepwarm)]
FormChecked = Depends(check_form_token)
