"""The ``keepwarm`` command line: the group here, its commands by subject in the modules.

pool       import, recruiters, employers, vacancies
sources    sources, check-source, classify
moments    moments, done, snooze, skip, drafts preview
reports    status, stats, explain
runtime    run, serve, worker, scheduler, db, demo
integrations  tokens, contacts, deliveries
privacy    erase, export, audit
"""

from __future__ import annotations

import sys

import click

from sources.events.learned import use_model
from workers.cli import integrations, moments, pool, privacy, reports, runtime, sources
from workers.cli.common import refused
from workers.diskfull import DiskFullError, database_folder, disk_full_error, is_disk_full
from workers.logs import configure_logging
from workers.settings import Settings, SettingsError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def cli(ctx: click.Context) -> None:
    """keepwarm: keep a talent pool warm with timed, personal contact moments."""
    if ctx.resilient_parsing or "--help" in sys.argv or "-h" in sys.argv:
        return
    with refused(SettingsError):
        ctx.obj = Settings.from_env()
    configure_logging(ctx.obj)
    use_model(ctx.obj.event_model)  # classify and explain --text read texts without an App


for command in (
    pool.import_command,
    pool.recruiters,
    pool.employers,
    pool.vacancies,
    sources.sources,
    sources.check_source,
    sources.classify_command,
    moments.moments,
    moments.done,
    moments.snooze_command,
    moments.skip_command,
    moments.drafts,
    reports.status_command,
    reports.stats_command,
    reports.explain_command,
    runtime.run,
    runtime.serve,
    runtime.worker,
    runtime.scheduler,
    runtime.db,
    runtime.demo,
    integrations.tokens,
    integrations.contacts,
    integrations.deliveries,
    privacy.erase_command,
    privacy.export_command,
    privacy.audit_command,
):
    cli.add_command(command)


def main() -> None:
    """Entry point of the ``keepwarm`` console script. A full disk under the database is
    one clear error from any command, not a traceback."""
    try:
        cli(prog_name="keepwarm")
    except Exception as exc:
        settings = Settings.from_env()
        folder = database_folder(settings.effective_database_url)
        if not is_disk_full(exc, folder):
            raise
        error = exc if isinstance(exc, DiskFullError) else None
        error = error or disk_full_error(settings.effective_database_url)
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
