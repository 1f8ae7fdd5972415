"""Rendering the inbox's pages: templates in the viewer's language, notices, the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from workers.i18n import LANGUAGES, translator
from workers.web.security import Viewer, form_token

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def language_of(request: Request, who: Viewer | None = None) -> str:
    """The recruiter's language; before sign-in, ``?lang=`` or the browser's preference."""
    if who is not None:
        return who.language
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    accept = request.headers.get("accept-language", "").lower()
    return "nl" if accept.startswith("nl") else "en"


def now_of(request: Request) -> datetime:
    """The app's clock (tests set their own)."""
    clock: Callable[[], datetime] = request.app.state.clock
    return clock()


def flash(request: Request, message: str) -> None:
    """A one-line notice shown on the next page."""
    request.session.setdefault("flash", []).append(message)


def render(
    request: Request,
    name: str,
    *,
    who: Viewer | None = None,
    language: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the viewer's language, with the form token and any pending notices."""
    language = language or language_of(request, who)
    messages = request.session.pop("flash", []) if "session" in request.scope else []
    return templates.TemplateResponse(
        request,
        name,
        {
            "t": translator(language),
            "lang": language,
            "who": who,
            "csrf": form_token(request),
            "messages": messages,
            "now": now_of(request),
            **context,
        },
        status_code=status_code,
    )


def message_page(
    request: Request,
    text: str,
    *,
    who: Viewer | None = None,
    language: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page that only says one thing."""
    return render(
        request, "message.html", who=who, language=language, status_code=status_code, text=text
    )
