"""Webhook endpoints: signed CloudEvents per Standard Webhooks, or a Slack or Microsoft Teams
message for their incoming-webhook URLs.

Signing uses the ``standardwebhooks`` package (the specification's reference code), so a
receiver verifies with the same library: ``Webhook(secret).verify(body, headers)``.
During a secret rotation a delivery carries a signature for each secret still valid.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from standardwebhooks.webhooks import Webhook

from workers.i18n import translator
from workers.notifiers import Notice

FORMATS = ("standard", "slack", "teams")
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def new_secret() -> str:
    """A fresh endpoint secret in the Standard Webhooks form, ``whsec_`` and 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signed_headers(
    message_id: str, body: bytes, endpoint_secrets: Sequence[str], at: datetime
) -> dict[str, str]:
    """The ``webhook-*`` headers for ``body``: one v1 signature per secret."""
    text = body.decode("utf-8")
    signatures = " ".join(
        Webhook(secret).sign(msg_id=message_id, timestamp=at, data=text)
        for secret in endpoint_secrets
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signatures,
        "Content-Type": "application/cloudevents+json; charset=utf-8",
    }


def format_for(url: str) -> str:
    """The format a URL's service expects: Slack's and Teams' incoming webhooks have their
    own; anything else gets signed CloudEvents."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "hooks.slack.com":
        return "slack"
    if host.endswith((".webhook.office.com", ".logic.azure.com")) or host == "outlook.office.com":
        return "teams"
    return "standard"


def check_endpoint(url: str, allowed: Sequence[Network]) -> None:
    """A webhook URL must be https, unless its host is an address in ``allowed`` (a
    receiver on the operator's own network, the tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            address = None
        if address is not None and any(address in network for network in allowed):
            return
    raise ValueError(
        "a webhook URL must be https:// (http:// only for an address in "
        "KEEPWARM_ALLOW_PRIVATE_WEBHOOKS)"
    )


def _lines(notice: Notice) -> tuple[str, str, list[tuple[str, str]]]:
    """Title, body text and (label, url) links of a notice, in the recruiter's language."""
    t = translator(notice.language)
    who = notice.member_name + (f" ({notice.employer})" if notice.employer else "")
    title = f"{t('kind.' + notice.kind)}: {who}"
    why = notice.headline
    body = f"{t('moment.why')}: {why}\n\n{notice.draft}\n\n" + t(
        "mail.act_before", date=notice.expires_at[:10]
    )
    links = [(t(f"action.{a}"), notice.links[a]) for a in ("positive", "snooze", "skip")]
    links = [(label, url) for label, url in links if url]
    if notice.inbox_url:
        links.append((t("mail.inbox"), notice.inbox_url))
    return title, body, links


def slack_message(notice: Notice) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` for notifications, Block Kit blocks."""
    title, body, links = _lines(notice)

    def escaped(text: str) -> str:  # Slack's three control characters in mrkdwn
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": escaped(body)[:3000]}},
    ]
    if notice.url:
        source = f"<{notice.url}|{escaped(notice.headline)[:200]}>"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": source}]})
    if links:
        text = " · ".join(f"<{url}|{escaped(label)}>" for label, url in links)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    return {"text": title, "blocks": blocks}


def teams_message(notice: Notice) -> dict[str, Any]:
    """A Teams incoming-webhook message: one Adaptive Card in a message attachment."""
    title, body, links = _lines(notice)
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": title,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            },
            {"type": "TextBlock", "text": body, "wrap": True},
        ],
        "actions": [{"type": "Action.OpenUrl", "title": label, "url": url} for label, url in links],
    }
    if notice.url:
        card["actions"].insert(0, {"type": "Action.OpenUrl", "title": "Source", "url": notice.url})
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def chat_body(notice: Notice, format_: str) -> bytes:
    """The JSON body for a Slack or Teams endpoint."""
    message = slack_message(notice) if format_ == "slack" else teams_message(notice)
    return json.dumps(message, ensure_ascii=False).encode("utf-8")
