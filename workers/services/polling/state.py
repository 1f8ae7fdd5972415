"""What a poll knows of a source, and the outcomes one stage hands the next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import structlog
from sqlalchemy import select

from models.schema import Employer, Source
from sources import SourceError, TransientError
from sources.feeds import Entry
from sources.fetch import FetchResult
from workers.app import App

log = structlog.get_logger("workers.services.polling")


@dataclass(frozen=True)
class SourceState:
    """What a poll needs to know of one enabled source."""

    id: int
    url: str
    kind: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    seen_keys: str | None
    interval_seconds: int | None
    snapshot: str | None
    options: str | None
    employer_id: int | None
    employer_name: str | None


@dataclass
class Fetched:
    """The entries of a changed body and what the next poll needs of it."""

    entries: list[Entry]
    outcome: str
    snapshot: str | None = None
    hint: timedelta | None = None
    skipped: int = 0


@dataclass(frozen=True)
class Busy:
    """The host had no free slot: seconds to wait."""

    wait: float


@dataclass(frozen=True)
class Unchanged:
    """A 304 or a body identical to the last one."""

    result: FetchResult


@dataclass(frozen=True)
class Body:
    """A changed body, not parsed yet."""

    result: FetchResult
    digest: str


@dataclass(frozen=True)
class Changed:
    """A changed body and its entries."""

    result: FetchResult
    digest: str
    fetched: Fetched


@dataclass(frozen=True)
class Failed:
    """A source's error, to record."""

    error: SourceError


def load_states(app: App, source_ids: Sequence[int]) -> list[SourceState]:
    """What a poll needs to know of each enabled source, in one plain query."""
    with app.engine.connect() as connection:
        rows = connection.execute(
            select(
                Source.id,
                Source.url,
                Source.kind,
                Source.etag,
                Source.last_modified,
                Source.content_hash,
                Source.seen_keys,
                Source.interval_seconds,
                Source.snapshot,
                Source.options,
                Source.employer_id,
                Employer.name,
            )
            .outerjoin(Employer, Employer.id == Source.employer_id)
            .where(Source.id.in_(source_ids), Source.enabled)
            .order_by(Source.id)
        ).all()
    return [SourceState(*tuple(row)) for row in rows]


def failure(state: SourceState, exc: Exception) -> Failed:
    """A source's error, to record; a bug on one source must not lose the batch."""
    if isinstance(exc, SourceError):
        return Failed(exc)
    log.exception("source.poll_crashed", source_id=state.id)
    return Failed(TransientError(f"internal error: {type(exc).__name__}"))
