"""The database schema (SQLAlchemy 2), one module per part of the domain, every table
re-exported here: ``from models.schema import Member`` is how the rest of the code (and
Alembic's ``env.py``, which needs every table on ``Base.metadata``) reaches them.

    base      Base (its naming convention for migrations), UTCDateTime
    pool      Recruiter, Employer, EmployerAlias, Member, MemberConcept
    sources   Source, Item, Signal, SignalEvidence, Vacancy
    moments   Moment, Contact, Delivery, MomentEvent
    access    SignInLink, ApiToken
    privacy   Suppression, AuditEntry, InstallSecret
"""

from __future__ import annotations

from models.schema.access import ApiToken, SignInLink
from models.schema.base import Base
from models.schema.moments import Contact, Delivery, Moment, MomentEvent
from models.schema.pool import Employer, EmployerAlias, Member, MemberConcept, Recruiter
from models.schema.privacy import AuditEntry, InstallSecret, Suppression
from models.schema.sources import Item, Signal, SignalEvidence, Source, Vacancy

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Base",
    "Contact",
    "Delivery",
    "Employer",
    "EmployerAlias",
    "InstallSecret",
    "Item",
    "Member",
    "MemberConcept",
    "Moment",
    "MomentEvent",
    "Recruiter",
    "SignInLink",
    "Signal",
    "SignalEvidence",
    "Source",
    "Suppression",
    "Vacancy",
]
