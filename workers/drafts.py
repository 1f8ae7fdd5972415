"""Rendering draft messages from template files a team, or one recruiter, can override."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.moments import DraftFacts, MomentKind, draft_context, finish_draft
from models.names import first_name
from models.schema import Member, Moment
from workers.templating import environment


def draft_message(
    facts: DraftFacts, *, templates_dir: Path | None = None, recruiter: str | None = None
) -> str:
    """A short, personal message in the member's language, from ``drafts/<language>.txt``:
    the recruiter's own (``TEMPLATES_DIR/recruiters/<email>/``), the team's
    (``TEMPLATES_DIR``) or the bundled one."""
    context = draft_context(facts)
    folders: list[Path] = []
    if templates_dir is not None:
        if recruiter:
            own = templates_dir / "recruiters" / recruiter.lower()
            if own.is_dir():
                folders.append(own)
        folders.append(templates_dir)
    template = environment(*folders).get_template(f"drafts/{context['language']}.txt")
    return finish_draft(template.render(**context))


def messages_before(session: Session, member_id: int) -> int:
    """How many moments the member had before the one being drafted: picks the phrasing,
    so one message does not open or close like the last."""
    return session.scalar(select(func.count(Moment.id)).where(Moment.member_id == member_id)) or 0


def member_facts(
    member: Member,
    kind: MomentKind,
    *,
    headline: str = "",
    link: str | None = None,
    employer: str | None = None,
    vacancy: str | None = None,
) -> DraftFacts:
    """What a draft for ``member`` may refer to: their language, first name and last
    conversation, and the moment's own news (none for a check-in or a renewal)."""
    return DraftFacts(
        kind=kind,
        language=member.language,
        first_name=first_name(member.name),
        headline=headline,
        link=link,
        employer=employer,
        last_topic=member.last_topic,
        last_contact=member.last_contact_on,
        vacancy=vacancy,
    )


def member_draft(
    member: Member, facts: DraftFacts, now: datetime, templates_dir: Path | None, *, sequence: int
) -> str:
    """The draft for one member: their form of address, the phrasing for their
    ``sequence``-th message (another than the last), today's sense of "when we last spoke",
    and their owner's own templates if there are any (``member.owner`` must be loaded)."""
    facts = replace(facts, formal=member.formal, sequence=sequence, today=now.date())
    owner = member.owner.email if member.owner is not None else None
    return draft_message(facts, templates_dir=templates_dir, recruiter=owner)
