"""Loopback servers for the demo and the tests: a news site, a mail catcher, a webhook receiver."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import Message
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

_PLACEHOLDER = re.compile(r"\$(base|rfc_(\d+)|iso_(\d+)|days_(\d+))")


def render(template: str, *, base: str, now: datetime) -> str:
    """Fill ``$base``, ``$rfc_N``/``$iso_N`` (N days ago) and ``$days_N`` (dd-mm-jjjj) in."""

    def value(match: re.Match[str]) -> str:
        if match.group(1) == "base":
            return base
        days = int(match.group(2) or match.group(3) or match.group(4))
        moment = now - timedelta(days=days)
        if match.group(2):
            return format_datetime(moment)
        if match.group(3):
            return moment.isoformat()
        return f"{moment:%d-%m-%Y}"

    return _PLACEHOLDER.sub(value, template)


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 with a free port, run in a daemon thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self) -> None:
        """Serve in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()


class SiteServer(_Server):
    """Serves pages by path, with ETags and 304s, like a well-behaved web server."""

    def __init__(self, pages: dict[str, tuple[str, str]], *, now: datetime | None = None) -> None:
        """``pages`` maps a path to (template, content type)."""
        site = self
        self.requests: list[str] = []
        self.pages = pages
        self.now = now or datetime.now(UTC)

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                page = site.pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                body = render(page[0], base=site.base, now=site.now).encode("utf-8")
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", page[1])
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler)


class WebhookReceiver(_Server):
    """Records every JSON POST; answers with ``status`` (200 unless told otherwise)."""

    def __init__(self) -> None:
        receiver = self
        self.received: list[dict[str, Any]] = []
        self.attempts = 0
        self.status: Callable[[], int] = lambda: 200

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                payload = json.loads(body or b"null")
                status = receiver.status()
                receiver.attempts += 1
                if status < 300:
                    receiver.received.append(
                        {
                            "headers": dict(self.headers),
                            "path": self.path,
                            "json": payload,
                            "body": body,
                        }
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        super().__init__(Handler)


class _MailHandler:
    def __init__(self, inbox: list[Message]) -> None:
        self.inbox = inbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.inbox.append(message)
        return "250 Message accepted"


class MailCatcher:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives; ``options``
    go to aiosmtpd (``ssl_context`` for implicit TLS, ``tls_context`` for STARTTLS,
    ``authenticator``...)."""

    def __init__(self, *, port: int | None = None, **options: Any) -> None:
        self.inbox: list[Message] = []
        self.port = port or free_port()
        self._listening = False
        self._controller = Controller(
            _MailHandler(self.inbox), hostname="127.0.0.1", port=self.port, **options
        )

    def start(self) -> None:
        """Start listening."""
        self._controller.start()
        self._listening = True

    def stop(self) -> None:
        """Stop listening (nothing to do when it never started)."""
        if self._listening:
            self._controller.stop()
            self._listening = False


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
