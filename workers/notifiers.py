"""Notifiers: email over SMTP (text and HTML) and JSON webhooks. Each raises SourceError kinds.

A notice carries what the recruiter needs to act; webhooks carry ids, the draft and
the evidence, not the member's contact details.
"""

from __future__ import annotations

import smtplib
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from hashlib import sha256

from jinja2 import Environment, PackageLoader, select_autoescape

from sources import PermanentError, TransientError
from sources.fetch import Fetcher
from workers.settings import Settings

_templates = Environment(
    loader=PackageLoader("workers", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
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
    also: tuple[str, ...] = ()
    """Other reasons to get in touch that ride along with this moment."""


def send_email(settings: Settings, to: str, notice: Notice) -> None:
    """Send a notice as a text-and-HTML email; the Message-ID is fixed per delivery."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = f"keepwarm: {notice.kind.replace('_', ' ')} – {notice.member_name}"
    # The same for every attempt of one delivery, so a resend after an unclear failure is
    # recognisable as the same message.
    message["Message-ID"] = f"<{notice.idempotency_key}@keepwarm>"
    message["X-Keepwarm-Moment"] = str(notice.moment_id)
    message.set_content(_templates.get_template("moment.txt").render(n=notice))
    message.add_alternative(_templates.get_template("moment.html").render(n=notice), subtype="html")
    _send(settings, message)


def _send(settings: Settings, message: EmailMessage) -> None:
    """Hand a message to the SMTP server, translating failures into SourceError kinds."""
    try:
        with smtplib.SMTP(
            settings.smtp_host, settings.smtp_port, timeout=settings.fetch_timeout
        ) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"recipient refused: {exc.recipients}") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"SMTP failed: {type(exc).__name__}: {exc}") from exc


def send_webhook(fetcher: Fetcher, url: str, notice: Notice) -> None:
    """POST the notice as JSON, with an Idempotency-Key the receiver can dedupe on."""
    payload = {"event": "moment.routed", **asdict(notice)}
    fetcher.post_json(url, payload, headers={"Idempotency-Key": notice.idempotency_key})


def send_operator_alert(
    settings: Settings, fetcher: Fetcher, subject: str, lines: list[str]
) -> None:
    """Tell the operator (email and/or webhook from the settings) what needs attention."""
    if settings.operator_webhook:
        fetcher.post_json(
            settings.operator_webhook,
            {"event": "sources.failing", "subject": subject, "lines": lines},
            headers={
                "Idempotency-Key": "keepwarm-alert-"
                + sha256("\n".join(lines).encode()).hexdigest()[:32]
            },
        )
    if settings.operator_email:
        message = EmailMessage()
        message["From"], message["To"] = settings.mail_from, settings.operator_email
        message["Subject"] = subject
        message.set_content("\n".join(lines) + "\n\nList them with: keepwarm sources --failing\n")
        _send(settings, message)
