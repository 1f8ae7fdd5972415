"""The pool and what surrounds it: ``import``, ``recruiters``, ``employers``, ``vacancies``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from workers.cli.common import console, open_app, refused, run_import, utc_now
from workers.db import transaction
from workers.services.listings import list_employers, list_recruiters, list_vacancies


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, path: Path) -> None:
    """Import or update pool members from a CSV or XLSX file."""
    from workers.services.pool_import import import_pool

    run_import(ctx, lambda app, progress: import_pool(app, path, utc_now(), progress))


@click.group("recruiters", invoke_without_command=True)
@click.pass_context
def recruiters(ctx: click.Context) -> None:
    """List recruiters (or add one)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_app(ctx) as app:
        rows = list_recruiters(app)
    table = Table("id", "name", "email", "channel", "active")
    for r in rows:
        table.add_row(
            str(r.id),
            r.name,
            r.email,
            r.channel if r.channel == "email" else f"webhook {r.webhook_url}",
            "yes" if r.active else "no",
        )
    console.print(table)


@recruiters.command("add")
@click.argument("email")
@click.option("--name", help="Display name.")
@click.option(
    "--webhook", "webhook_url", help="Deliver moments as JSON POSTs to this URL instead of email."
)
@click.option("--capacity", type=int, help="Moments a week they can act on (default 5).")
@click.option("--hours", help="Working hours, e.g. 09:00-17:00 (default).")
@click.option("--days", help="Working days, e.g. mon-fri (default), mon,wed,fri or mon-sun.")
@click.option("--timezone", help="IANA timezone (default Europe/Amsterdam).")
@click.option("--areas", help="Interest areas their team covers, comma-separated.")
@click.option(
    "--alerts",
    type=click.Choice(["immediate", "daily", "weekly"]),
    help="One email per moment (default), or a daily or weekly digest.",
)
@click.option("--language", type=click.Choice(["en", "nl"]), help="Inbox and email language.")
@click.option("--admin/--no-admin", default=None, help="Sees everyone's moments and the team.")
@click.option(
    "--webhook-format",
    type=click.Choice(["standard", "slack", "teams"]),
    help="Signed CloudEvents (default), or a Slack or Teams message (found from the URL).",
)
@click.pass_context
def recruiters_add(
    ctx: click.Context,
    email: str,
    name: str | None,
    webhook_url: str | None,
    capacity: int | None,
    hours: str | None,
    days: str | None,
    timezone: str | None,
    areas: str | None,
    alerts: str | None,
    language: str | None,
    admin: bool | None,
    webhook_format: str | None,
) -> None:
    """Add a recruiter, or update the settings given."""
    from workers.services.directory import (
        RecruiterSettings,
        configure_recruiter,
        webhook_secret_of,
    )

    wanted = RecruiterSettings(
        name=name,
        webhook_url=webhook_url,
        capacity=capacity,
        hours=hours,
        days=days,
        timezone=timezone,
        areas=areas,
        alerts=alerts,
        language=language,
        admin=admin,
        webhook_format=webhook_format,
    )
    secret = None
    with open_app(ctx) as app, refused(ValueError), transaction(app.sessions) as session:
        before = webhook_secret_of(session, email)
        recruiter = configure_recruiter(
            session,
            email,
            utc_now(),
            wanted,
            allowed_networks=app.settings.allow_private_webhooks,
        )
        if recruiter.webhook_secret != before and recruiter.webhook_format == "standard":
            secret = recruiter.webhook_secret
        summary = (
            f"recruiter {recruiter.id}: {recruiter.email} by {recruiter.channel}, "
            f"{recruiter.weekly_capacity}/week, "
            f"{recruiter.work_start}-{recruiter.work_end} {recruiter.timezone}, "
            f"alerts {recruiter.alerts}, {recruiter.language}"
            + (", admin" if recruiter.admin else "")
        )
    console.print(summary, markup=False)
    if secret:
        console.print("webhook signing secret (shown once; receivers verify with it):")
        click.echo(secret)


@recruiters.command("rotate-secret")
@click.argument("email")
@click.option(
    "--overlap-hours",
    type=int,
    default=24,
    show_default=True,
    help="How long the old secret keeps signing too.",
)
@click.pass_context
def recruiters_rotate_secret(ctx: click.Context, email: str, overlap_hours: int) -> None:
    """Give a recruiter's webhook a new signing secret (shown once)."""
    from datetime import timedelta

    from workers.services.directory import rotate_webhook_secret

    with open_app(ctx) as app, refused(ValueError), transaction(app.sessions) as session:
        secret = rotate_webhook_secret(
            session, email, utc_now(), overlap=timedelta(hours=overlap_hours)
        )
    console.print(f"new webhook secret; the old one also signs for {overlap_hours} hours:")
    click.echo(secret)


@click.group("employers", invoke_without_command=True)
@click.pass_context
def employers(ctx: click.Context) -> None:
    """List employers with their aliases (or add an alias)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_app(ctx) as app:
        rows = list_employers(app)
    table = Table("id", "name", "aliases", "website")
    for employer in rows:
        aliases = ", ".join(employer.aliases)
        table.add_row(str(employer.id), employer.name, aliases, employer.website or "")
    console.print(table)


@employers.command("alias")
@click.argument("employer")
@click.argument("alias")
@click.pass_context
def employers_alias(ctx: click.Context, employer: str, alias: str) -> None:
    """Record ALIAS as another name of EMPLOYER (matched in news like the name)."""
    from workers.services.directory import add_alias, employer_named

    with open_app(ctx) as app, refused(ValueError), transaction(app.sessions) as session:
        owner = employer_named(session, employer, utc_now(), app.settings)
        add_alias(session, owner, alias)
        owner_id = owner.id
    console.print(f"employer {owner_id}: alias {alias!r} added", markup=False)


@click.group("vacancies", invoke_without_command=True)
@click.pass_context
def vacancies(ctx: click.Context) -> None:
    """List vacancies (or import or close them)."""
    if ctx.invoked_subcommand is not None:
        return
    with open_app(ctx) as app:
        rows = list_vacancies(app)
    table = Table("id", "title", "employer", "status", "closes", "moments")
    for vacancy in rows:
        closes = f"{vacancy.closes_at:%Y-%m-%d}" if vacancy.closes_at else ""
        table.add_row(
            str(vacancy.id),
            vacancy.title,
            vacancy.employer or "",
            vacancy.status,
            closes,
            str(vacancy.moments),
        )
    console.print(table)


@vacancies.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def vacancies_import(ctx: click.Context, path: Path) -> None:
    """Import vacancies from CSV/XLSX: id, title, employer, areas, location, url, closes, status."""
    from workers.services.vacancy_import import import_vacancies

    run_import(ctx, lambda app, progress: import_vacancies(app, path, utc_now(), progress))


@vacancies.command("close")
@click.argument("vacancy_id", type=int)
@click.pass_context
def vacancies_close(ctx: click.Context, vacancy_id: int) -> None:
    """Close a vacancy; its moments expire."""
    from workers.services.vacancies import close_vacancy

    with open_app(ctx) as app, refused(ValueError):
        expired = close_vacancy(app, vacancy_id, utc_now())
    console.print(f"vacancy {vacancy_id} closed; {expired} moments expired")
