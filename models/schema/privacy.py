"""What privacy keeps: erased people as salted hashes, the audit trail (ids only), and the
installation's own secrets (the suppression list's salt)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.schema.base import Base


class Suppression(Base):
    """An erased person, kept only as salted hashes so that an import skips them."""

    __tablename__ = "suppression"
    id: Mapped[int] = mapped_column(primary_key=True)
    email_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    external_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Who changed, exported or erased what, and when; ids only, never the data itself."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(60))
    """cli, recruiter:ID, token:ID or system."""
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(60))
    """member:ID and the like."""
    detail: Mapped[str] = mapped_column(Text, default="")


class InstallSecret(Base):
    """Values made once per installation (the suppression list's salt)."""

    __tablename__ = "install_secret"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
