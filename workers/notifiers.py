"""Notifiers: email over SMTP (text and HTML) and JSON webhooks. Each raises SourceError kinds.

A notice carries what the recruiter needs to act; webhooks carry ids, the draft and
the evidence, not the member's contact details.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from hashlib import sha256
from pathlib import Path

from jinja2 import Environment

from sources import PermanentError, TransientError
from sources.fetch import Fetcher
from workers.i18n import text, translator
from workers.settings import Settings
from workers.templating import environment


def _environment(override: Path | None) -> Environment:
    """The bundled templates, each overridable by a file in KEEPWARM_TEMPLATES_DIR."""
    return environment(*([override] if override else []), html=True)


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
    links: dict[str, str] = field(default_factory=dict)
    """Signed one-click action links (outcome, snooze, skip) to the confirmation page."""
    inbox_url: str = ""
    language: str = "en"
    """The recruiter's language."""
    priority: int = 0


def _message(settings: Settings, to: str, subject: str, key: str | None) -> EmailMessage:
    """A message with its headers; ``key`` makes the Message-ID the same for every attempt
    of one delivery, so a resend after an unclear failure is recognisable as the same."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    domain = settings.mail_from.rpartition("@")[2].strip("> ") or "keepwarm"
    message["Message-ID"] = f"<{key}@{domain}>" if key else make_msgid(domain=domain)
    return message


def send_email(settings: Settings, to: str, notice: Notice) -> None:
    """Send a notice as a text-and-HTML email in the recruiter's language."""
    t = translator(notice.language)
    subject = t("mail.subject", kind=t(f"kind.{notice.kind}"), name=notice.member_name)
    message = _message(settings, to, subject, notice.idempotency_key)
    message["X-Keepwarm-Moment"] = str(notice.moment_id)
    templates = _environment(settings.templates_path)
    message.set_content(templates.get_template("moment.txt").render(n=notice, t=t))
    message.add_alternative(
        templates.get_template("moment.html").render(n=notice, t=t), subtype="html"
    )
    _send(settings, message)


def send_digest(settings: Settings, to: str, notices: Sequence[Notice], key: str) -> None:
    """Send several notices as one digest email (best first, as given)."""
    language = notices[0].language
    t = translator(language)
    message = _message(settings, to, t("digest.subject", count=len(notices)), key)
    message["X-Keepwarm-Moments"] = ",".join(str(n.moment_id) for n in notices)
    templates = _environment(settings.templates_path)
    message.set_content(templates.get_template("digest.txt").render(notices=notices, t=t))
    message.add_alternative(
        templates.get_template("digest.html").render(notices=notices, t=t), subtype="html"
    )
    _send(settings, message)


def send_erasure_notice(
    settings: Settings, to: str, member_name: str, until: date, language: str
) -> None:
    """Tell a member's owner that the consent clock erased them."""
    t = translator(language)
    message = _message(settings, to, t("consent.erased.subject", name=member_name), None)
    message.set_content(
        t("consent.erased.body", name=member_name, until=f"{until:%Y-%m-%d}") + "\n"
    )
    _send(settings, message)


def send_sign_in_link(settings: Settings, to: str, url: str, language: str) -> None:
    """Email a recruiter their sign-in link."""
    message = _message(settings, to, text(language, "signin.mail.subject"), None)
    message.set_content(f"{text(language, 'signin.mail.body')}\n\n{url}\n")
    _send(settings, message)


def _tls(settings: Settings) -> ssl.SSLContext:
    """Certificates and host names verified (the system's CAs, or KEEPWARM_SMTP_CA_FILE)."""
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)


def _send(settings: Settings, message: EmailMessage) -> None:
    """Hand a message to the SMTP server, translating failures into SourceError kinds."""
    timeout = settings.fetch_timeout
    try:
        if settings.smtp_tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=_tls(settings)
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with smtp:
            if settings.smtp_starttls:
                smtp.starttls(context=_tls(settings))
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"recipient refused: {exc.recipients}") from exc
    except ssl.SSLCertVerificationError as exc:
        raise TransientError(f"SMTP server certificate not trusted: {exc.verify_message}") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"SMTP failed: {type(exc).__name__}: {exc}") from exc


def send_webhook(fetcher: Fetcher, url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST a prepared webhook body (signed CloudEvent, Slack or Teams message)."""
    fetcher.post(url, body, headers=headers)


def send_operator_alert(
    settings: Settings,
    fetcher: Fetcher,
    subject: str,
    lines: list[str],
    *,
    event: str = "sources.failing",
    hint: str = "List them with: keepwarm sources --failing",
) -> None:
    """Tell the operator (email and/or webhook from the settings) what needs attention."""
    if settings.operator_webhook:
        fetcher.post_json(
            settings.operator_webhook,
            {"event": event, "subject": subject, "lines": lines},
            headers={
                "Idempotency-Key": "keepwarm-alert-"
                + sha256("\n".join(lines).encode()).hexdigest()[:32]
            },
        )
    if settings.operator_email:
        message = _message(settings, settings.operator_email, subject, None)
        message.set_content("\n".join(lines) + f"\n\n{hint}\n")
        _send(settings, message)
