"""What every command uses: the console, the clock, an open App, the import report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from rich.console import Console
from rich.progress import Progress as ProgressBar

from workers.app import App, use_app
from workers.diskfull import database_folder, disk_full_error, is_disk_full
from workers.services.tables import ImportFileError, ImportReport, Progress, ProgressLog
from workers.settings import Settings

console = Console()


def utc_now() -> datetime:
    """The wall clock, read at the edge and passed down."""
    return datetime.now(UTC)


@contextmanager
def refused(*errors: type[Exception]) -> Iterator[None]:
    """A service's refusal (one of ``errors``) as the command's error: its message, exit 1."""
    try:
        yield
    except errors as exc:
        raise click.ClickException(str(exc)) from exc


@contextmanager
def open_app(ctx: click.Context) -> Iterator[App]:
    """The App for the command's settings, installed for the duration and closed after."""
    settings: Settings = ctx.obj
    try:
        app = App.build(settings)
    except Exception as exc:
        url = settings.effective_database_url
        if is_disk_full(exc, database_folder(url)):
            raise click.ClickException(str(disk_full_error(url))) from exc
        raise click.ClickException(f"cannot open the database: {exc}") from exc
    use_app(app)
    try:
        yield app
    finally:
        use_app(None)
        app.close()


def run_import(
    ctx: click.Context, run: Callable[[App, Progress], ImportReport], *, sources: bool = False
) -> None:
    """Run an import with a progress bar on a terminal (a progress log line every few
    seconds elsewhere); print its counts and every rejected row with its line and reason."""
    with open_app(ctx) as app, _progress() as progress, refused(ImportFileError):
        report = run(app, progress)
    if sources:
        console.print(f"added {report.created}, already known {report.unchanged}, ", end="")
    else:
        console.print(
            f"created {report.created}, updated {report.updated}, unchanged {report.unchanged}, ",
            end="",
        )
    console.print(f"rejected {len(report.rejected)}")
    for rejection in report.rejected:
        console.print(f"  line {rejection.line}: {rejection.reason}", markup=False)
    for warning in report.warnings:
        console.print(f"  line {warning.line}: note: {warning.reason}", markup=False)


@contextmanager
def _progress() -> Iterator[Progress]:
    if not console.is_terminal:
        yield ProgressLog("import")
        return
    with ProgressBar(console=console, transient=True) as bar:
        task = bar.add_task("importing", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total or None)
