"""What a text says happened: the ``Event`` every reading ends in, and the labels it may carry."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("nl", "en")
NONE = "none"


@dataclass(frozen=True)
class Event:
    """What a text says happened, and to whom, as far as the rules can tell."""

    label: str  # "job_change" | "award" | "company_news" | "none"
    event: str | None  # appointment, hire, ..., funding, acquisition, ...; None for "none"
    person: str | None  # as written; several people joined with "; "
    new_employer: str | None
    old_employer: str | None
    new_title: str | None
    confidence: float  # 0..1
    language: str  # "nl" or "en"
    company: str | None = None  # the organisation the event is about
