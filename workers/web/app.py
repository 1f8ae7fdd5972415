"""The recruiter inbox: a small server-rendered FastAPI app, started by ``keepwarm serve``
(and by ``keepwarm run`` in the embedded mode).

Pages are Jinja2 templates and plain forms that POST; a few lines of JavaScript copy a
draft. Every page and form works without them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from workers.app import App
from workers.i18n import translator
from workers.web import actions, inbox, signin
from workers.web import api as api_routes
from workers.web.rendering import HERE, language_of, message_page
from workers.web.security import BadFormToken, Forbidden, SignInRequired

log = structlog.get_logger(__name__)

SESSION_DAYS = 14
MAX_BODY_BYTES = 64_000
"""Forms here are a few fields; anything larger is refused before it is parsed."""


def create_app(app: App, *, clock: Callable[[], datetime] | None = None) -> FastAPI:
    """The web app over one keepwarm runtime."""
    api = FastAPI(
        title="keepwarm",
        version="1",
        summary="Contacts in from an ATS or CRM, moments out.",
        docs_url=None,
        redoc_url=None,
    )
    api.state.keepwarm = app
    api.state.clock = clock or (lambda: datetime.now(UTC))
    api.add_middleware(
        SessionMiddleware,
        secret_key=app.secret.decode(),
        session_cookie="keepwarm_session",
        max_age=SESSION_DAYS * 86_400,
        same_site="lax",
        https_only=app.settings.secure_cookies,
    )
    api.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    api.include_router(signin.router)
    api.include_router(inbox.router)
    api.include_router(actions.router)
    api.include_router(api_routes.router)
    api.include_router(api_routes.schemas)

    api.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @api.middleware("http")
    async def logged(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = request.scope.get("route")
        log.info(
            "web.request",
            method=request.method,
            route=getattr(route, "path", "?"),  # the template: no tokens or ids of people
            status=response.status_code,
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response

    @api.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.method != "GET":
            return message_page(
                request, translator(language_of(request))("error.forbidden"), status_code=401
            )
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):  # machines get the field-by-field JSON
            return await request_validation_exception_handler(request, exc)
        says = translator(language_of(request))("error.invalid")
        return message_page(request, says, status_code=422)

    @api.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> Response:
        return message_page(
            request, translator(language_of(request))("error.forbidden"), status_code=403
        )

    @api.exception_handler(BadFormToken)
    async def _bad_token(request: Request, _exc: BadFormToken) -> Response:
        log.warning("web.form_token_refused", route=request.url.path.split("/")[1])
        return message_page(
            request, translator(language_of(request))("error.csrf"), status_code=403
        )

    @api.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return api


class BodyLimit:
    """Refuse a request body over ``limit`` bytes, whether it says its length or is chunked.

    The body is read here, up to the limit, and handed on whole: forms and API calls are
    small, and nothing past the limit is ever read.
    """

    def __init__(self, app: Any, *, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = Response("request body too large", status_code=413)
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_large(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > self.limit:
                await too_large(scope, receive, send)
                return
        body = b"".join(chunks)
        delivered = False

        async def replay() -> Any:
            nonlocal delivered
            if delivered:
                return await receive()
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _server(app: App, host: str, port: int) -> Any:
    import uvicorn

    # uvicorn's access log would carry sign-in and action tokens: requests are logged above.
    config = uvicorn.Config(
        create_app(app), host=host, port=port, log_config=None, access_log=False
    )
    return uvicorn.Server(config)


def serve(app: App, *, host: str, port: int) -> None:
    """Serve the inbox until interrupted."""
    log.info("web.serving", host=host, port=port)
    _server(app, host, port).run()


def serve_in_background(app: App, *, host: str, port: int) -> threading.Thread:
    """Serve the inbox from a daemon thread (the embedded ``keepwarm run``)."""
    server = _server(app, host, port)
    thread = threading.Thread(target=server.run, name="keepwarm-web", daemon=True)
    thread.start()
    log.info("web.serving", host=host, port=port)
    return thread
