"""Other systems: ``tokens`` for the API, ``contacts import``, ``deliveries`` that failed."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from workers.cli.common import console, open_app, refused, run_import, utc_now


@click.group("tokens", invoke_without_command=True)
@click.pass_context
def tokens(ctx: click.Context) -> None:
    """List API tokens (or create or revoke one)."""
    if ctx.invoked_subcommand is not None:
        return
    from workers.services.api_tokens import list_tokens

    with open_app(ctx) as app:
        rows = list_tokens(app)
    table = Table("id", "name", "starts with", "created", "last used", "state")
    for row in rows:
        table.add_row(
            str(row.id),
            row.name,
            row.prefix + "…",
            f"{row.created_at:%Y-%m-%d}",
            f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never",
            f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active",
        )
    console.print(table)


@tokens.command("create")
@click.argument("name")
@click.pass_context
def tokens_create(ctx: click.Context, name: str) -> None:
    """Make a token for NAME (e.g. the ATS); it is shown once and stored hashed."""
    from workers.services.api_tokens import create_token

    with open_app(ctx) as app, refused(ValueError):
        token_id, token = create_token(app, name, utc_now())
    console.print(f"token {token_id} for {name} (shown once, keep it safe):", markup=False)
    click.echo(token)


@tokens.command("revoke")
@click.argument("token_id", type=int)
@click.pass_context
def tokens_revoke(ctx: click.Context, token_id: int) -> None:
    """Refuse a token from now on."""
    from workers.services.api_tokens import revoke_token

    with open_app(ctx) as app, refused(ValueError):
        revoke_token(app, token_id, utc_now())
    console.print(f"token {token_id} revoked")


@click.group("contacts")
def contacts() -> None:
    """Contacts made outside keepwarm."""


@contacts.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def contacts_import(ctx: click.Context, path: Path) -> None:
    """Log contacts from an ATS export (CSV/XLSX): email or external id, date, channel,
    outcome, note, key; Dutch headers too."""
    from workers.services.contact_import import import_contacts

    run_import(ctx, lambda app, progress: import_contacts(app, path, utc_now(), progress))


@click.group("deliveries", invoke_without_command=True)
@click.option("--failed", is_flag=True, help="Only deliveries failing or given up (dead).")
@click.pass_context
def deliveries(ctx: click.Context, failed: bool) -> None:
    """List deliveries (emails, digests, webhooks) with their state; retry a dead one."""
    if ctx.invoked_subcommand is not None:
        return
    from workers.services.listings import list_deliveries
    from workers.services.operators import endpoint_label

    with open_app(ctx) as app:
        rows = list_deliveries(app, failed=failed)
    table = Table("id", "moment", "channel", "to", "state", "attempts", "since", "last error")
    for row in rows:
        table.add_row(
            str(row.id),
            str(row.moment_id),
            row.channel,
            endpoint_label(row.target),
            row.status
            + (f" (next {row.next_attempt_at:%m-%d %H:%M})" if row.status == "failed" else ""),
            str(row.attempts),
            f"{row.created_at:%Y-%m-%d %H:%M}",
            (row.last_error or "")[:80],
        )
    console.print(table)


@deliveries.command("retry")
@click.argument("delivery_id", type=int)
@click.pass_context
def deliveries_retry(ctx: click.Context, delivery_id: int) -> None:
    """Send a failed or dead delivery again now (retried for another day)."""
    from workers.services.delivery import retry_delivery

    with open_app(ctx) as app, refused(ValueError):
        retry_delivery(app, delivery_id, utc_now())
    console.print(f"delivery {delivery_id} is owed again; the next tick sends it")
