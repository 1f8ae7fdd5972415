"""Signed links in alert emails: one click to a confirmation page for one action on one moment.

A link carries the moment, the recruiter it was routed to and which routing of the
moment it belongs to, signed with the process's secret (itsdangerous) and valid for
``ACTION_LINK_DAYS``. Opening it changes nothing; only the confirmation page's POST
does, so a mail scanner that prefetches links records no outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

ACTION_LINK_DAYS = 45
"""Longer than any moment window: the moment's own status decides when a link is stale."""

ACTIONS = (
    "positive",
    "negative",
    "no-response",
    "later",
    "renewed",
    "snooze",
    "not-relevant",
    "skip",
)
"""What an alert links to: an outcome of a contact made (``renewed``: the member agreed to
stay in the pool), or putting the moment aside."""


class LinkError(ValueError):
    """The link is forged, damaged or expired."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class ActionTicket:
    """What a valid link vouches for."""

    moment_id: int
    recruiter_id: int
    routing: int


def _serializer(secret: bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="keepwarm-moment-action")


def sign_ticket(secret: bytes, ticket: ActionTicket) -> str:
    """The signed token for one moment's routing to one recruiter."""
    return _serializer(secret).dumps([ticket.moment_id, ticket.recruiter_id, ticket.routing])


def read_ticket(secret: bytes, token: str) -> ActionTicket:
    """The ticket a token carries; LinkError when it is forged or too old."""
    try:
        moment_id, recruiter_id, routing = _serializer(secret).loads(
            token, max_age=int(timedelta(days=ACTION_LINK_DAYS).total_seconds())
        )
    except SignatureExpired as exc:
        raise LinkError("this link has expired", expired=True) from exc
    except (BadSignature, ValueError, TypeError) as exc:
        raise LinkError("this link is not valid") from exc
    return ActionTicket(int(moment_id), int(recruiter_id), int(routing))


def action_links(secret: bytes, base_url: str, ticket: ActionTicket) -> dict[str, str]:
    """One URL per action, each opening the confirmation page for that action."""
    token = quote(sign_ticket(secret, ticket), safe="")
    return {action: f"{base_url}/a/{token}?do={action}" for action in ACTIONS}


def web_link(url: str | None) -> str | None:
    """``url`` if it is an http(s) address, else None: a feed's ``javascript:`` or
    ``data:`` link never becomes a link in the inbox, an email or a webhook."""
    if url and url.strip().lower().startswith(("https://", "http://")):
        return url.strip()
    return None
