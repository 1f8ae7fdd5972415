"""What is polled: ``sources``, ``check-source``, and ``classify`` for news text."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.table import Table

from workers.cli.common import console, open_app, refused, run_import, utc_now
from workers.db import transaction
from workers.services.directory import SOURCE_KINDS
from workers.services.listings import list_sources

if TYPE_CHECKING:
    from sources.events import Event


@click.group("sources", invoke_without_command=True)
@click.option(
    "--failing", is_flag=True, help="Only sources that fail or were disabled, with since when."
)
@click.pass_context
def sources(ctx: click.Context, failing: bool) -> None:
    """List sources with their state (skipped: entries past the per-poll and per-day caps);
    add, import or discover them."""
    if ctx.invoked_subcommand is not None:
        return
    with open_app(ctx) as app:
        rows = list_sources(app, failing=failing)
    table = Table(
        "id", "kind", "url", "employer", "state", "last status", "errors", "skipped", "next poll"
    )
    for source in rows:
        since = f" since {source.failing_since:%Y-%m-%d %H:%M}" if source.failing_since else ""
        # What a server or a feed wrote is shown as text, never read as Rich markup.
        table.add_row(
            str(source.id),
            source.kind,
            escape(source.url),
            escape(source.employer or ""),
            source.state + since,
            escape(source.disabled_reason or source.last_status or "never polled"),
            escape(f"{source.error_count} {source.last_error or ''}".strip()),
            str(source.skipped_entries),
            f"{source.next_poll_at:%Y-%m-%d %H:%M}" if source.enabled else "-",
        )
    console.print(table)


@sources.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def sources_import(ctx: click.Context, path: Path) -> None:
    """Add sources in bulk from CSV/XLSX: url, kind, employer, member (idempotent)."""
    from workers.services.source_import import import_sources

    run_import(ctx, lambda app, _: import_sources(app, path, utc_now()), sources=True)


@sources.command("add")
@click.argument("url")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="feed", show_default=True)
@click.option("--employer", help="The employer this source is about (created if new).")
@click.option(
    "--member", "member_ref", help="For a profile page: the member's email or external id."
)
@click.option(
    "--selector",
    "selectors",
    multiple=True,
    metavar="PART=CSS",
    help="For pages without structured data: person=..., name=..., title=... (repeatable).",
)
@click.pass_context
def sources_add(
    ctx: click.Context,
    url: str,
    kind: str,
    employer: str | None,
    member_ref: str | None,
    selectors: tuple[str, ...],
) -> None:
    """Add a feed or a page to poll."""
    from workers.services.directory import add_source, employer_named, find_member

    parts = dict(s.split("=", 1) for s in selectors if "=" in s)
    if len(parts) != len(selectors):
        raise click.BadParameter("each selector is PART=CSS", param_hint="--selector")
    with open_app(ctx) as app, refused(ValueError), transaction(app.sessions) as session:
        owner = employer_named(session, employer, utc_now(), app.settings) if employer else None
        member = find_member(session, member_ref) if member_ref else None
        source, created = add_source(
            session,
            url,
            utc_now(),
            kind=kind,
            employer=owner,
            member=member,
            selectors=parts,
        )
    state = "added" if created else "already known"
    console.print(f"source {source.id} {state}: {source.url}", markup=False)


@sources.command("discover")
@click.pass_context
def sources_discover(ctx: click.Context) -> None:
    """Find the feed of every employer website and add it as a source."""
    from workers.services.directory import discover_sources

    with open_app(ctx) as app:
        for found in discover_sources(app, utc_now()):
            verdict = "added" if found.added else "known" if found.feed else "no feed found at"
            console.print(
                f"employer {found.employer_id}: {verdict} {found.feed or found.website}",
                markup=False,
            )
            for refusal in found.refused:
                console.print(f"  not read: {refusal}", markup=False)


@click.command("check-source")
@click.argument("url")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="feed", show_default=True)
@click.pass_context
def check_source(ctx: click.Context, url: str, kind: str) -> None:
    """Fetch URL once and show what would be extracted and detected; write nothing."""
    from workers.services.inspection import inspect_source

    with open_app(ctx) as app:
        try:
            report = inspect_source(app, url, kind)
        except Exception as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    for line in report:
        click.echo(line)


@click.command("classify")
def classify_command() -> None:
    """Classify JSON lines {"id", "text" or "title" and "summary", "language"} from stdin.

    One JSON line out each: the best event's fields at the top level and every event of
    the text, best first, in ``events``.
    """
    from sources.events import classify, events_in

    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = _text_of(record)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            click.echo(json.dumps({"line": number, "error": f"bad input: {exc}"}))
            continue
        language = record.get("language")
        events = events_in(text, language)
        best = events[0] if events else classify(text, language)
        fields = _event_fields(best)
        click.echo(
            json.dumps(
                {"id": record.get("id"), **fields, "events": [_event_fields(e) for e in events]},
                ensure_ascii=False,
            )
        )


def _text_of(record: dict[str, object]) -> str:
    """The text of an input line: its ``text``, or its ``title`` and ``summary`` read apart."""
    parts = [record["text"]] if "text" in record else [record.get("title"), record.get("summary")]
    if not all(isinstance(p, str | None) for p in parts) or not any(parts):
        raise TypeError("text (or title and summary) must be strings")
    return "\n".join(str(p) for p in parts if p)


def _event_fields(event: Event) -> dict[str, object]:
    """The fields of one event as ``keepwarm classify`` prints them."""
    return {
        "label": event.label,
        "event": event.event,
        "person": event.person,
        "new_employer": event.new_employer,
        "old_employer": event.old_employer,
        "new_title": event.new_title,
        "company": event.company,
        "confidence": event.confidence,
        "language": event.language,
    }
