"""Notifiers: email over SMTP (text and HTML) and JSON webhooks. Each raises SourceError kinds.

A notice carries what the recruiter needs to act; webhooks carry ids, the draft and
the evidence, not the member's contact details.
"""

from __future__ import annotations

import smtplib
import socket
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from jinja2 import Environment

from sources import PermanentError, TransientError
from sources.fetch import Fetcher
from workers.settings import Settings

_templates = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)

_TEXT = _templates.from_string(
    """A good moment to get in touch with {{ n.member_name }}{% if n.employer %} ({{ n.employer }}){% endif %}.

Why: {{ n.headline }}
{% if n.url %}Source: {{ n.url }}
{% endif %}
Suggested message:

{{ n.draft }}

Act before {{ n.expires_at[:10] }}. When done: keepwarm done {{ n.moment_id }} --outcome positive|negative|no-response|later
"""
)
_HTML = _templates.from_string(
    """<p>A good moment to get in touch with <strong>{{ n.member_name }}</strong>
{% if n.employer %}({{ n.employer }}){% endif %}.</p>
<p>Why: {% if n.url %}<a href="{{ n.url }}">{{ n.headline }}</a>{% else %}{{ n.headline }}{% endif %}</p>
<blockquote>{{ n.draft }}</blockquote>
<p>Act before {{ n.expires_at[:10] }}. When done:
<code>keepwarm done {{ n.moment_id }} --outcome positive</code></p>
"""
)


@dataclass(frozen=True, kw_only=True)
class Notice:
    """One moment as a recruiter receives it."""

    delivery_id: int
    moment_id: int
    member_id: int
    kind: str
    member_name: str
    employer: str | None
    headline: str
    url: str | None
    draft: str
    reason: str
    expires_at: str
    idempotency_key: str


def send_email(settings: Settings, to: str, notice: Notice) -> None:
    """Send a notice as a text-and-HTML email; the Message-ID is fixed per delivery."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = f"keepwarm: {notice.kind.replace('_', ' ')} – {notice.member_name}"
    message["Message-ID"] = make_msgid(idstring=notice.idempotency_key, domain="keepwarm")
    message["X-Keepwarm-Moment"] = str(notice.moment_id)
    message.set_content(_TEXT.render(n=notice))
    message.add_alternative(_HTML.render(n=notice), subtype="html")
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.fetch_timeout) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"recipient refused: {exc.recipients}") from exc
    except (smtplib.SMTPException, OSError, socket.timeout) as exc:
        raise TransientError(f"SMTP failed: {type(exc).__name__}: {exc}") from exc


def send_webhook(fetcher: Fetcher, url: str, notice: Notice) -> None:
    """POST the notice as JSON, with an Idempotency-Key the receiver can dedupe on."""
    payload = {"event": "moment.routed", **asdict(notice)}
    fetcher.post_json(url, payload, headers={"Idempotency-Key": notice.idempotency_key})
