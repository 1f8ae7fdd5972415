"""Running keepwarm: ``run``, ``worker``, ``scheduler``, ``db``, ``demo``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from workers.app import App
from workers.cli.common import console, open_app, refused, utc_now
from workers.settings import Settings


@click.command("run")
@click.option("--once", is_flag=True, help="Poll due sources once, process everything, exit.")
@click.pass_context
def run(ctx: click.Context, once: bool) -> None:
    """Run scheduler and workers in this process until Ctrl-C (embedded)."""
    from workers.runtime import StopFlag, run_embedded

    settings: Settings = ctx.obj
    with open_app(ctx) as app:
        if settings.embedded:
            stop = StopFlag()
            stop.install()
            if not once and settings.web_port:
                from workers.web.app import serve_in_background

                serve_in_background(app, host=settings.web_host, port=settings.web_port)
                console.print(f"inbox on {settings.base_url}", markup=False)
            enqueued = run_embedded(app, once=once, stop=stop)
        elif once:
            enqueued = drain_distributed(app)
        else:
            raise click.ClickException(
                "with KEEPWARM_BROKER_URL set, run `keepwarm worker` and `keepwarm scheduler`"
            )
    if once:
        console.print(f"done: {enqueued} messages processed")


@click.command("serve")
@click.option("--host", help="Address to listen on (default KEEPWARM_WEB_HOST, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default KEEPWARM_WEB_PORT, 8000).")
@click.pass_context
def serve(ctx: click.Context, host: str | None, port: int | None) -> None:
    """Serve the recruiter inbox (sign-in by email link, moments, contacts, team)."""
    from workers.web.app import serve as serve_inbox

    settings: Settings = ctx.obj
    with open_app(ctx) as app:
        serve_inbox(app, host=host or settings.web_host, port=port or settings.web_port)


def drain_distributed(app: App) -> int:
    """One tick against the shared broker; workers elsewhere do the work."""
    from workers.actors import ENQUEUE
    from workers.services.scheduler import tick

    return tick(app, utc_now(), ENQUEUE)


@click.command("worker", context_settings={"ignore_unknown_options": True})
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

    if settings.metrics_port:  # read by dramatiq's exposition server, forked from here
        os.environ["dramatiq_prom_port"] = settings.metrics_port  # noqa: SIM112
        os.environ["dramatiq_prom_host"] = settings.metrics_host  # noqa: SIM112

    args = make_argument_parser().parse_args(
        ["workers.actors", "--processes", str(processes), "--threads", str(threads)]
    )
    sys.exit(dramatiq_main(args))


@click.command("scheduler")
@click.pass_context
def scheduler(ctx: click.Context) -> None:
    """Enqueue due polls and owed work every tick (distributed mode)."""
    from workers.runtime import StopFlag, scheduler_loop

    settings: Settings = ctx.obj
    if settings.embedded:
        raise click.ClickException("the embedded mode schedules inside `keepwarm run`")
    stop = StopFlag()
    stop.install()
    with open_app(ctx) as app:
        scheduler_loop(app, stop)


@click.group("db")
def db() -> None:
    """Database schema commands."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@click.pass_context
def db_upgrade(ctx: click.Context, revision: str) -> None:
    """Apply the schema migrations."""
    from alembic.util import CommandError

    from workers.db import upgrade

    settings: Settings = ctx.parent.obj if ctx.parent else ctx.obj
    with refused(CommandError):
        upgrade(settings.effective_database_url, revision)
    console.print(f"schema at {revision}")


@click.command("demo")
@click.option(
    "--keep",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep the demo's data in this folder.",
)
def demo(keep: Path | None) -> None:
    """Tour keepwarm offline: bundled feeds, pool, email and webhooks on loopback."""
    from workers.demo.tour import run_tour

    sys.exit(run_tour(console, keep))
