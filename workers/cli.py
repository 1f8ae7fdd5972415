"""The ``keepwarm`` command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select

from models.schema import Employer, Moment, Recruiter, Source
from workers.app import App, use_app
from workers.db import transaction
from workers.logs import configure_logging
from workers.settings import Settings, SettingsError

console = Console()


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _app(ctx: click.Context) -> Iterator[App]:
    settings: Settings = ctx.obj
    try:
        app = App.build(settings)
    except Exception as exc:
        raise click.ClickException(f"cannot open the database: {exc}") from exc
    use_app(app)
    try:
        yield app
    finally:
        use_app(None)
        app.close()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """keepwarm: keep a talent pool warm with timed, personal contact moments."""
    if ctx.resilient_parsing or "--help" in sys.argv or "-h" in sys.argv:
        return
    try:
        ctx.obj = Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    configure_logging(ctx.obj)


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_command(ctx: click.Context, path: Path) -> None:
    """Import or update pool members from a CSV or XLSX file."""
    from workers.services.pool_import import ImportFileError, import_pool, read_rows

    with _app(ctx) as app:
        try:
            total, _ = read_rows(path)
            with Progress(console=console, transient=True, disable=total < 200) as progress:
                task = progress.add_task("importing", total=total)
                report = import_pool(app, path, _now(), lambda n: progress.advance(task, n))
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(
        f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, "
        f"rejected {len(report.rejected)}"
    )
    for rejection in report.rejected:
        console.print(f"  line {rejection.line}: {rejection.reason}", markup=False)


@cli.group("recruiters", invoke_without_command=True)
@click.pass_context
def recruiters(ctx: click.Context) -> None:
    """List recruiters (or add one)."""
    if ctx.invoked_subcommand is not None:
        return
    with _app(ctx) as app, app.sessions() as session:
        table = Table("id", "name", "email", "channel", "active")
        for r in session.scalars(select(Recruiter).order_by(Recruiter.id)):
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
@click.pass_context
def recruiters_add(
    ctx: click.Context, email: str, name: str | None, webhook_url: str | None
) -> None:
    """Add a recruiter (or update their name and channel)."""
    from workers.services.directory import recruiter_for_email
    from workers.services.pool_import import EMAIL

    if not EMAIL.match(email):
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    if webhook_url and not webhook_url.lower().startswith(("http://", "https://")):
        raise click.BadParameter("the webhook must be an http(s) URL", param_hint="--webhook")
    with _app(ctx) as app, transaction(app.sessions) as session:
        recruiter = recruiter_for_email(session, email, _now(), name=name)
        if name:
            recruiter.name = name
        recruiter.channel = "webhook" if webhook_url else "email"
        recruiter.webhook_url = webhook_url
        recruiter_id = recruiter.id
    console.print(f"recruiter {recruiter_id}: {email} by {'webhook' if webhook_url else 'email'}")


@cli.group("sources", invoke_without_command=True)
@click.pass_context
def sources(ctx: click.Context) -> None:
    """List sources with their state; add or discover feeds."""
    if ctx.invoked_subcommand is not None:
        return
    with _app(ctx) as app, app.sessions() as session:
        table = Table("id", "kind", "url", "employer", "last status", "errors", "next poll")
        rows = session.execute(
            select(Source, Employer.name)
            .outerjoin(Employer, Source.employer_id == Employer.id)
            .order_by(Source.id)
        )
        for source, employer in rows:
            table.add_row(
                str(source.id),
                source.kind,
                source.url,
                employer or "",
                source.last_status or "never polled",
                f"{source.error_count} {source.last_error or ''}".strip(),
                f"{source.next_poll_at:%Y-%m-%d %H:%M}",
            )
        console.print(table)


@sources.command("add")
@click.argument("url")
@click.option("--employer", help="The employer this source is about (created if new).")
@click.pass_context
def sources_add(ctx: click.Context, url: str, employer: str | None) -> None:
    """Add a feed to poll."""
    from workers.services.directory import add_source, employer_named

    with _app(ctx) as app:
        try:
            with transaction(app.sessions) as session:
                owner = (
                    employer_named(session, employer, _now(), app.settings) if employer else None
                )
                source, created = add_source(session, url, _now(), employer=owner)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(
        f"source {source.id} {'added' if created else 'already known'}: {source.url}", markup=False
    )


@sources.command("discover")
@click.pass_context
def sources_discover(ctx: click.Context) -> None:
    """Find the feed of every employer website and add it as a source."""
    from workers.services.directory import discover_sources

    with _app(ctx) as app:
        for found in discover_sources(app, _now()):
            verdict = "added" if found.added else "known" if found.feed else "no feed found at"
            console.print(
                f"employer {found.employer_id}: {verdict} {found.feed or found.website}",
                markup=False,
            )


def moment_rows(app: App) -> list[dict[str, Any]]:
    """Every moment as a plain dict, newest first (for ``keepwarm moments`` and the demo)."""
    with app.sessions() as session:
        moments = session.scalars(select(Moment).order_by(Moment.id))
        return [
            {
                "id": m.id,
                "member_id": m.member_id,
                "member": m.member.name,
                "kind": m.kind,
                "status": m.status,
                "reason": m.reason,
                "due_at": m.not_before.isoformat(),
                "expires_at": m.expires_at.isoformat(),
                "recruiter": m.recruiter.email if m.recruiter else None,
                "draft": m.draft,
            }
            for m in moments
        ]


@cli.command("moments")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per moment, for scripts.")
@click.option("--status", help="Only moments with this status.")
@click.pass_context
def moments(ctx: click.Context, as_json: bool, status: str | None) -> None:
    """List contact moments with their status and reason."""
    with _app(ctx) as app:
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
            r["reason"] or "",
        )
    console.print(table)


@cli.command("done")
@click.argument("moment_id", type=int)
@click.option(
    "--outcome", type=click.Choice(["positive", "negative", "no-response", "later"]), required=True
)
@click.pass_context
def done(ctx: click.Context, moment_id: int, outcome: str) -> None:
    """Record that a moment led to a contact, with its outcome."""
    from workers.services.feedback import FeedbackError, Outcome, mark_done

    with _app(ctx) as app:
        try:
            mark_done(app, moment_id, Outcome(outcome), _now())
        except FeedbackError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"moment {moment_id} done ({outcome}); last contact updated")


@cli.command("run")
@click.option("--once", is_flag=True, help="Poll due sources once, process everything, exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run scheduler and workers in this process until Ctrl-C (embedded)."""
    from workers.runtime import StopFlag, run_embedded

    settings: Settings = ctx.obj
    with _app(ctx) as app:
        if settings.embedded:
            stop = StopFlag()
            stop.install()
            enqueued = run_embedded(app, once=once, stop=stop)
        elif once:
            enqueued = drain_distributed(app)
        else:
            raise click.ClickException(
                "with KEEPWARM_BROKER_URL set, run `keepwarm worker` and `keepwarm scheduler`"
            )
    if once:
        console.print(f"done: {enqueued} messages processed")


def drain_distributed(app: App) -> int:
    """One tick against the shared broker; workers elsewhere do the work."""
    from workers.actors import ENQUEUE
    from workers.services.scheduler import tick

    return tick(app, _now(), ENQUEUE)


@cli.command("worker", context_settings={"ignore_unknown_options": True})
@click.option("--processes", type=int, default=2, show_default=True)
@click.option("--threads", type=int, default=4, show_default=True)
@click.pass_context
def worker(ctx: click.Context, processes: int, threads: int) -> None:
    """Run worker processes on the Redis broker (distributed mode)."""
    settings: Settings = ctx.obj
    if settings.embedded:
        raise click.ClickException("set KEEPWARM_BROKER_URL=redis://... to run separate workers")
    from dramatiq.cli import main as dramatiq_main
    from dramatiq.cli import make_argument_parser

    args = make_argument_parser().parse_args(
        ["workers.actors", "--processes", str(processes), "--threads", str(threads)]
    )
    sys.exit(dramatiq_main(args))


@cli.command("scheduler")
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    """Enqueue due polls and owed work every tick (distributed mode)."""
    from workers.runtime import StopFlag, scheduler_loop

    settings: Settings = ctx.obj
    if settings.embedded:
        raise click.ClickException("the embedded mode schedules inside `keepwarm run`")
    stop = StopFlag()
    stop.install()
    with _app(ctx) as app:
        scheduler_loop(app, stop)


@cli.group("db")
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the schema migrations."""
    from workers.db import upgrade

    settings: Settings = ctx.parent.obj if ctx.parent else ctx.obj
    upgrade(settings.effective_database_url, revision)
    console.print(f"schema at {revision}")


@cli.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's data in this folder.",
)
def demo(keep: Path | None) -> None:
    """Tour keepwarm offline: bundled feeds, pool, email and webhooks on loopback."""
    from workers.demo.tour import run_tour

    sys.exit(run_tour(console, keep))


def main() -> None:
    """Entry point of the ``keepwarm`` console script."""
    cli(prog_name="keepwarm")
