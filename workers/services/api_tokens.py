"""API tokens for other systems (an ATS, a CRM): made once, shown once, kept hashed, revocable."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import select, update

from models.schema import ApiToken
from workers.app import App
from workers.db import transaction

PREFIX = "kw_"
TOUCH_EVERY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often, not on every call."""


@dataclass(frozen=True)
class TokenRow:
    """A token as listed (never the token itself)."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(token: str) -> str:
    return sha256(token.encode()).hexdigest()


def create_token(app: App, name: str, now: datetime) -> tuple[int, str]:
    """A new token for ``name``: its id and the token, which is not stored and not shown again."""
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("a token needs a name of 1 to 200 characters")
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction(app.sessions) as session:
        row = ApiToken(name=name, token_hash=_digest(token), prefix=token[:10], created_at=now)
        session.add(row)
        session.flush()
        return row.id, token


def list_tokens(app: App) -> list[TokenRow]:
    """Every token, revoked ones included."""
    with app.sessions() as session:
        return [
            TokenRow(t.id, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at)
            for t in session.scalars(select(ApiToken).order_by(ApiToken.id))
        ]


def revoke_token(app: App, token_id: int, now: datetime) -> None:
    """Refuse the token from now on."""
    with transaction(app.sessions) as session:
        done = session.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ValueError(f"there is no active token {token_id}")


def authenticate(app: App, token: str, now: datetime) -> int | None:
    """The id of the active token ``token`` is, or None."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    with app.sessions() as session:
        found = session.execute(
            select(ApiToken.id, ApiToken.last_used_at).where(
                ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None)
            )
        ).one_or_none()
    if found is None:
        return None
    token_id, last_used = found
    if last_used is None or now - last_used > TOUCH_EVERY:
        with transaction(app.sessions) as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return int(token_id)
