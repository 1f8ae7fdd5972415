"""What every command uses: the console, the clock, an open App, the import report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import click
from rich.console import Console

from workers.app import App, use_app
from workers.services.pool_import import ImportFileError, ImportReport
from workers.settings import Settings

console = Console()


def utc_now() -> datetime:
    """The wall clock, read at the edge and passed down."""
    return datetime.now(UTC)


@contextmanager
def open_app(ctx: click.Context) -> Iterator[App]:
    """The App for the command's settings, installed for the duration and closed after."""
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


def run_import(
    ctx: click.Context, run: Callable[[App], ImportReport], *, sources: bool = False
) -> None:
    """Run an import; print its counts and every rejected row with its line and reason."""
    with open_app(ctx) as app:
        try:
            report = run(app)
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from exc
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
