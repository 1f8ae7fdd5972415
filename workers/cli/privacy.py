"""A member's rights: ``erase``, ``export``; and the ``audit`` log of who did what."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from workers.cli.common import console, open_app, refused, utc_now


@click.command("erase")
@click.argument("member")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_command(ctx: click.Context, member: str, yes: bool) -> None:
    """Erase MEMBER (email, external id or id) and every row about them, for good; later
    imports skip them."""
    from workers.services.privacy import erase_member, resolve

    with open_app(ctx) as app:
        with refused(ValueError):
            member_id = resolve(app, member)
        if not yes:
            click.confirm(
                f"Erase member {member_id} and everything about them? This cannot be undone",
                abort=True,
            )
        erased = erase_member(app, member_id, utc_now(), actor="cli")
    removed = ", ".join(f"{count} {name}" for name, count in erased.rows.items() if count)
    console.print(f"member {member_id} erased ({removed}); on the suppression list", markup=False)


@click.command("export")
@click.argument("member")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON here (and a .txt beside it) instead of printing the JSON.",
)
@click.pass_context
def export_command(ctx: click.Context, member: str, output: Path | None) -> None:
    """Everything held about MEMBER, as JSON (and readable text with --output)."""
    from workers.services.privacy import export_member, export_text, resolve

    with open_app(ctx) as app, refused(ValueError):
        document = export_member(app, resolve(app, member), utc_now(), actor="cli")
    text = json.dumps(document, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
        return
    output.write_text(text + "\n", encoding="utf-8")
    output.with_suffix(".txt").write_text(export_text(document), encoding="utf-8")
    console.print(f"written {output} and {output.with_suffix('.txt')}", markup=False)


@click.command("audit")
@click.option("--limit", type=int, default=200, show_default=True)
@click.pass_context
def audit_command(ctx: click.Context, limit: int) -> None:
    """Who erased, exported or changed what, and when (ids only)."""
    from workers.services.privacy import audit_entries

    with open_app(ctx) as app:
        entries = audit_entries(app, limit=limit)
    table = Table("when", "who", "what", "about", "detail")
    for entry in entries:
        table.add_row(
            f"{entry.at:%Y-%m-%d %H:%M}", entry.actor, entry.action, entry.subject, entry.detail
        )
    console.print(table)
