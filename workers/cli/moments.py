"""Contact moments and what the recruiter did with them: ``moments``, ``done``, ``snooze``,
``skip``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.table import Table

from models.moments import MomentKind
from workers.cli.common import console, open_app, refused, utc_now
from workers.services.listings import moment_rows
from workers.settings import Settings

LOW_CONFIDENCE = 0.5


@click.command("moments")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per moment, for scripts.")
@click.option("--status", help="Only moments with this status.")
@click.pass_context
def moments(ctx: click.Context, as_json: bool, status: str | None) -> None:
    """List contact moments with their status and reason."""
    with open_app(ctx) as app:
        rows = [r for r in moment_rows(app) if status is None or r["status"] == status]
    if as_json:
        for row in rows:
            click.echo(json.dumps({k: v for k, v in row.items() if k not in ("member", "draft")}))
        return
    table = Table("id", "member", "kind", "status", "due", "expires", "recruiter", "reason")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["member"],
            r["kind"],
            r["status"],
            r["due_at"][:16],
            r["expires_at"][:10],
            r["recruiter"] or "",
            with_confidence(r["reason"] or "", r["confidence"]),
        )
    console.print(table)


def with_confidence(reason: str, confidence: float) -> str:
    """A reason, flagged when the evidence is weak (a possible namesake)."""
    if confidence < LOW_CONFIDENCE:
        return f"(low confidence {confidence:.2f}: check it is really them) {reason}"
    return reason


@click.command("done")
@click.argument("moment_id", type=int)
@click.option(
    "--outcome", type=click.Choice(["positive", "negative", "no-response", "later"]), required=True
)
@click.pass_context
def done(ctx: click.Context, moment_id: int, outcome: str) -> None:
    """Record that a moment led to a contact, with its outcome."""
    from workers.services.feedback import FeedbackError, Outcome, mark_done

    with open_app(ctx) as app, refused(FeedbackError):
        mark_done(app, moment_id, Outcome(outcome), utc_now())
    console.print(f"moment {moment_id} done ({outcome}); last contact updated")


@click.command("snooze")
@click.argument("moment_id", type=int)
@click.option(
    "--until", "until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="YYYY-MM-DD"
)
@click.pass_context
def snooze_command(ctx: click.Context, moment_id: int, until: datetime) -> None:
    """Put a moment back until a date (the member's slot is free meanwhile)."""
    from workers.services.feedback import FeedbackError, snooze

    with open_app(ctx) as app, refused(FeedbackError):
        snooze(app, moment_id, until.replace(tzinfo=UTC), utc_now())
    console.print(f"moment {moment_id} snoozed until {until:%Y-%m-%d}")


@click.command("skip")
@click.argument("moment_id", type=int)
@click.option(
    "--not-relevant", is_flag=True, help="The signal was wrong (counts against its kind)."
)
@click.pass_context
def skip_command(ctx: click.Context, moment_id: int, not_relevant: bool) -> None:
    """Close a moment without contacting the member."""
    from workers.services.feedback import FeedbackError, skip

    with open_app(ctx) as app, refused(FeedbackError):
        skip(app, moment_id, utc_now(), not_relevant=not_relevant)
    console.print(f"moment {moment_id} {'marked not relevant' if not_relevant else 'skipped'}")


@click.group("drafts")
def drafts() -> None:
    """The draft messages moments carry."""


@drafts.command("preview")
@click.option(
    "--kind",
    type=click.Choice([k.value for k in MomentKind]),
    default=MomentKind.CONGRATULATE_NEW_ROLE.value,
    show_default=True,
)
@click.option(
    "--lang", "language", type=click.Choice(["nl", "en"]), default="nl", show_default=True
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A folder with drafts/nl.txt or drafts/en.txt to try (default: KEEPWARM_TEMPLATES_DIR).",
)
@click.pass_context
def drafts_preview(ctx: click.Context, kind: str, language: str, templates: Path | None) -> None:
    """Every event and phrasing variant of one kind of draft, for a sample member."""
    from workers.draft_samples import preview

    settings: Settings = ctx.obj
    folder = templates or settings.templates_path
    for label, draft in preview(MomentKind(kind), language, templates_dir=folder):
        click.echo(f"{label}\n  {draft}\n")
