"""Sign-in without passwords: a single-use, expiring link sent to the recruiter's email.

Only a SHA-256 of the link's token is stored, so a copy of the database signs no one in.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from hashlib import sha256

from sqlalchemy import delete, func, select, update

from models.schema import Recruiter, SignInLink
from workers.app import App
from workers.db import transaction

LINK_LIFETIME = timedelta(minutes=15)
MAX_OPEN_LINKS = 5
"""Unused links per recruiter at once: asking again and again sends no flood of mail."""


def _digest(token: str) -> str:
    return sha256(token.encode()).hexdigest()


def create_link(app: App, email: str, now: datetime) -> tuple[Recruiter, str] | None:
    """A new sign-in token for the active recruiter with this email; None if there is none
    or too many unused links are open."""
    with transaction(app.sessions) as session:
        recruiter = session.scalar(
            select(Recruiter).where(
                func.lower(Recruiter.email) == email.strip().lower(), Recruiter.active
            )
        )
        if recruiter is None:
            return None
        session.execute(delete(SignInLink).where(SignInLink.expires_at <= now))
        open_links = session.scalar(
            select(func.count(SignInLink.id)).where(
                SignInLink.recruiter_id == recruiter.id, SignInLink.used_at.is_(None)
            )
        )
        if (open_links or 0) >= MAX_OPEN_LINKS:
            return None
        token = secrets.token_urlsafe(32)
        session.add(
            SignInLink(
                recruiter_id=recruiter.id,
                token_hash=_digest(token),
                created_at=now,
                expires_at=now + LINK_LIFETIME,
            )
        )
    return recruiter, token


def redeem_link(app: App, token: str, now: datetime) -> tuple[int, int] | None:
    """Use a token once: the recruiter id it signs in and their session epoch, or None if
    it is unknown, used, expired or its recruiter is no longer active."""
    with transaction(app.sessions) as session:
        link = session.scalar(
            update(SignInLink)
            .where(
                SignInLink.token_hash == _digest(token),
                SignInLink.used_at.is_(None),
                SignInLink.expires_at > now,
            )
            .values(used_at=now)
            .returning(SignInLink.recruiter_id)
        )
        if link is None:
            return None
        epoch = session.scalar(
            select(Recruiter.session_epoch).where(Recruiter.id == link, Recruiter.active)
        )
    return (link, epoch) if epoch is not None else None


def session_recruiter(app: App, recruiter_id: int, epoch: int) -> Recruiter | None:
    """The active recruiter a session cookie names, unless they signed out since."""
    with app.sessions() as session:
        return session.scalar(
            select(Recruiter).where(
                Recruiter.id == recruiter_id,
                Recruiter.active,
                Recruiter.session_epoch == epoch,  # signed out since: the cookie is spent
            )
        )


def end_sessions(app: App, recruiter_id: int) -> None:
    """Sign the recruiter out everywhere: every session cookie made so far is spent."""
    with transaction(app.sessions) as session:
        session.execute(
            update(Recruiter)
            .where(Recruiter.id == recruiter_id)
            .values(session_epoch=Recruiter.session_epoch + 1)
        )
