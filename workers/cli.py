"""The ``keepwarm`` command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, select

from models.schema import Employer, Moment, Recruiter, Source
from workers.app import App, use_app
from workers.db import transaction
from workers.logs import configure_logging
from workers.services.directory import SOURCE_KINDS
from workers.services.pool_import import ImportReport
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
    from workers.services.pool_import import import_pool, read_rows

    def run(app: App) -> ImportReport:
        total, _ = read_rows(path)
        with Progress(console=console, transient=True, disable=total < 200) as progress:
            task = progress.add_task("importing", total=total)
            return import_pool(app, path, _now(), lambda n: progress.advance(task, n))

    _import(ctx, run)


def _import(
    ctx: click.Context, run: Callable[[App], ImportReport], *, sources: bool = False
) -> None:
    """Run an import; print its counts and every rejected row with its line and reason."""
    from workers.services.pool_import import ImportFileError

    with _app(ctx) as app:
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
@click.option("--capacity", type=int, help="Moments a week they can act on (default 5).")
@click.option("--hours", help="Working hours, e.g. 09:00-17:00 (default).")
@click.option("--days", help="Working days, e.g. mon-fri (default), mon,wed,fri or mon-sun.")
@click.option("--timezone", help="IANA timezone (default Europe/Amsterdam).")
@click.option("--areas", help="Interest areas their team covers, comma-separated.")
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
) -> None:
    """Add a recruiter, or update the settings given."""
    from workers.services.directory import RecruiterSettings, configure_recruiter

    wanted = RecruiterSettings(
        name=name,
        webhook_url=webhook_url,
        capacity=capacity,
        hours=hours,
        days=days,
        timezone=timezone,
        areas=areas,
    )
    with _app(ctx) as app:
        try:
            with transaction(app.sessions) as session:
                recruiter = configure_recruiter(session, email, _now(), wanted)
                summary = (
                    f"recruiter {recruiter.id}: {recruiter.email} by {recruiter.channel}, "
                    f"{recruiter.weekly_capacity}/week, "
                    f"{recruiter.work_start}-{recruiter.work_end} {recruiter.timezone}"
                )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(summary, markup=False)


@cli.group("sources", invoke_without_command=True)
@click.option(
    "--failing", is_flag=True, help="Only sources that fail or were disabled, with since when."
)
@click.pass_context
def sources(ctx: click.Context, failing: bool) -> None:
    """List sources with their state; add, import or discover them."""
    if ctx.invoked_subcommand is not None:
        return
    query = select(Source, Employer.name).outerjoin(Employer, Source.employer_id == Employer.id)
    if failing:
        query = query.where((Source.failing_since.is_not(None)) | (Source.enabled.is_(False)))
    with _app(ctx) as app, app.sessions() as session:
        table = Table(
            "id", "kind", "url", "employer", "state", "last status", "errors", "next poll"
        )
        for source, employer in session.execute(query.order_by(Source.id)):
            state = (
                "disabled" if not source.enabled else "failing" if source.failing_since else "ok"
            )
            since = f" since {source.failing_since:%Y-%m-%d %H:%M}" if source.failing_since else ""
            table.add_row(
                str(source.id),
                source.kind,
                source.url,
                employer or "",
                state + since,
                source.disabled_reason or source.last_status or "never polled",
                f"{source.error_count} {source.last_error or ''}".strip(),
                f"{source.next_poll_at:%Y-%m-%d %H:%M}" if source.enabled else "-",
            )
        console.print(table)


@sources.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def sources_import(ctx: click.Context, path: Path) -> None:
    """Add sources in bulk from CSV/XLSX: url, kind, employer, member (idempotent)."""
    from workers.services.directory import import_sources

    _import(ctx, lambda app: import_sources(app, path, _now()), sources=True)


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
    with _app(ctx) as app:
        try:
            with transaction(app.sessions) as session:
                owner = (
                    employer_named(session, employer, _now(), app.settings) if employer else None
                )
                member = find_member(session, member_ref) if member_ref else None
                source, created = add_source(
                    session, url, _now(), kind=kind, employer=owner, member=member, selectors=parts
                )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    state = "added" if created else "already known"
    console.print(f"source {source.id} {state}: {source.url}", markup=False)


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


@cli.group("employers", invoke_without_command=True)
@click.pass_context
def employers(ctx: click.Context) -> None:
    """List employers with their aliases (or add an alias)."""
    if ctx.invoked_subcommand is not None:
        return
    with _app(ctx) as app, app.sessions() as session:
        table = Table("id", "name", "aliases", "website")
        for employer in session.scalars(select(Employer).order_by(Employer.id)):
            aliases = ", ".join(a.name for a in employer.aliases)
            table.add_row(str(employer.id), employer.name, aliases, employer.website or "")
        console.print(table)


@employers.command("alias")
@click.argument("employer")
@click.argument("alias")
@click.pass_context
def employers_alias(ctx: click.Context, employer: str, alias: str) -> None:
    """Record ALIAS as another name of EMPLOYER (matched in news like the name)."""
    from workers.services.directory import add_alias, employer_named

    with _app(ctx) as app:
        try:
            with transaction(app.sessions) as session:
                owner = employer_named(session, employer, _now(), app.settings)
                add_alias(session, owner, alias)
                owner_id = owner.id
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"employer {owner_id}: alias {alias!r} added", markup=False)


@cli.command("classify")
def classify_command() -> None:
    """Classify JSON lines {"id", "text", "language"} from stdin; one JSON line out each."""
    from sources.events import classify

    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            text = record["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            click.echo(json.dumps({"line": number, "error": f"bad input: {exc}"}))
            continue
        event = classify(text, record.get("language"))
        click.echo(
            json.dumps(
                {
                    "id": record.get("id"),
                    "label": event.label,
                    "event": event.event,
                    "person": event.person,
                    "new_employer": event.new_employer,
                    "old_employer": event.old_employer,
                    "new_title": event.new_title,
                    "confidence": event.confidence,
                    "language": event.language,
                },
                ensure_ascii=False,
            )
        )


@cli.command("check-source")
@click.argument("url")
@click.option("--kind", type=click.Choice(SOURCE_KINDS), default="feed", show_default=True)
@click.pass_context
def check_source(ctx: click.Context, url: str, kind: str) -> None:
    """Fetch URL once and show what would be extracted and detected; write nothing."""
    from workers.services.inspection import inspect_source

    with _app(ctx) as app:
        try:
            report = inspect_source(app, url, kind)
        except Exception as exc:
            raise click.ClickException(f"{type(exc).__name__}: {exc}") from exc
    for line in report:
        click.echo(line)


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
                "confidence": round(m.confidence, 2),
                "draft": m.draft,
            }
            for m in moments
        ]


@cli.command("status")
@click.pass_context
def status_command(ctx: click.Context) -> None:
    """Queues, sources due and polled, 304/unchanged ratio, failures, moments waiting."""
    from workers.services.reporting import status

    settings: Settings = ctx.obj
    with _app(ctx) as app:
        report = status(app, _now(), queue_depths(settings))
    for name, value in report.items():
        console.print(f"{name:<32} {value}", markup=False)


def queue_depths(settings: Settings) -> dict[str, int | str]:
    """Messages waiting per queue: Redis in the distributed mode; embedded queues live in
    the running process, so from outside there is nothing to count."""
    if settings.embedded:
        return {"queues": "in-process (embedded mode)"}
    import redis

    client = redis.Redis.from_url(settings.broker_url)
    try:
        return {
            f"queue {queue}": int(client.llen(f"{settings.broker_namespace}:{queue}"))  # type: ignore[arg-type]
            for queue in ("poll", "pipeline")
        }
    except redis.RedisError as exc:
        return {"queues": f"unavailable ({type(exc).__name__})"}
    finally:
        client.close()


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
            _with_confidence(r["reason"] or "", r["confidence"]),
        )
    console.print(table)


LOW_CONFIDENCE = 0.5


def _with_confidence(reason: str, confidence: float) -> str:
    """A reason, flagged when the evidence is weak (a possible namesake)."""
    if confidence < LOW_CONFIDENCE:
        return f"(low confidence {confidence:.2f}: check it is really them) {reason}"
    return reason


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


@cli.command("snooze")
@click.argument("moment_id", type=int)
@click.option(
    "--until", "until", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="YYYY-MM-DD"
)
@click.pass_context
def snooze_command(ctx: click.Context, moment_id: int, until: datetime) -> None:
    """Put a moment back until a date (the member's slot is free meanwhile)."""
    from workers.services.feedback import FeedbackError, snooze

    with _app(ctx) as app:
        try:
            snooze(app, moment_id, until.replace(tzinfo=UTC), _now())
        except FeedbackError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"moment {moment_id} snoozed until {until:%Y-%m-%d}")


@cli.command("skip")
@click.argument("moment_id", type=int)
@click.option(
    "--not-relevant", is_flag=True, help="The signal was wrong (counts against its kind)."
)
@click.pass_context
def skip_command(ctx: click.Context, moment_id: int, not_relevant: bool) -> None:
    """Close a moment without contacting the member."""
    from workers.services.feedback import FeedbackError, skip

    with _app(ctx) as app:
        try:
            skip(app, moment_id, _now(), not_relevant=not_relevant)
        except FeedbackError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"moment {moment_id} {'marked not relevant' if not_relevant else 'skipped'}")


@cli.command("stats")
@click.pass_context
def stats_command(ctx: click.Context) -> None:
    """Per moment kind and recruiter: routed, acted on, response rate, time to act."""
    from workers.services.reporting import stats

    with _app(ctx) as app:
        report = stats(app, _now())
    for title, tallies in (
        ("per moment kind", report.by_kind),
        ("per recruiter", report.by_recruiter),
    ):
        table = Table(
            title,
            "routed",
            "acted on",
            "done",
            "positive",
            "response rate",
            "median hours to act",
            title=title,
        )
        for name, tally in sorted(tallies.items()):
            rate = f"{tally.response_rate:.0%}" if tally.response_rate is not None else "-"
            hours = (
                f"{tally.median_hours_to_act:.1f}" if tally.median_hours_to_act is not None else "-"
            )
            table.add_row(
                name,
                str(tally.routed),
                str(tally.acted),
                str(tally.done),
                str(tally.positive),
                rate,
                hours,
            )
        console.print(table)
    if report.first_contacts:
        console.print("first contacts tried (small pool):")
        for day, kind, outcome in report.first_contacts:
            console.print(f"  {day} {kind}: {outcome}")
        positive = sum(1 for *_, outcome in report.first_contacts if outcome == "positive")
        console.print(f"  {positive} of {len(report.first_contacts)} answered positively")
    console.print(
        f"members at risk (no contact for longer than the re-engage limit): {len(report.at_risk)}"
    )
    for member_id, name, last in report.at_risk[:20]:
        console.print(f"  member {member_id} {name}: last contact {last}", markup=False)


@cli.command("explain")
@click.argument("member")
@click.pass_context
def explain_command(ctx: click.Context, member: str) -> None:
    """A member's timeline: contacts, signals, moments and why each was decided so."""
    from workers.services.reporting import explain

    with _app(ctx) as app:
        try:
            header, events = explain(app, member)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(header, markup=False)
    for at, line in events:
        console.print(f"  {at:%Y-%m-%d %H:%M}  {line}", markup=False)


@cli.group("vacancies", invoke_without_command=True)
@click.pass_context
def vacancies(ctx: click.Context) -> None:
    """List vacancies (or import or close them)."""
    if ctx.invoked_subcommand is not None:
        return
    from models.schema import Vacancy

    with _app(ctx) as app, app.sessions() as session:
        table = Table("id", "title", "employer", "status", "closes", "moments")
        for vacancy in session.scalars(select(Vacancy).order_by(Vacancy.id)):
            count = session.scalar(
                select(func.count(Moment.id)).where(Moment.vacancy_id == vacancy.id)
            )
            closes = f"{vacancy.closes_at:%Y-%m-%d}" if vacancy.closes_at else ""
            table.add_row(
                str(vacancy.id),
                vacancy.title,
                vacancy.employer or "",
                vacancy.status,
                closes,
                str(count),
            )
        console.print(table)


@vacancies.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def vacancies_import(ctx: click.Context, path: Path) -> None:
    """Import vacancies from CSV/XLSX: id, title, employer, areas, location, url, closes, status."""
    from workers.services.vacancies import import_vacancies

    _import(ctx, lambda app: import_vacancies(app, path, _now()))


@vacancies.command("close")
@click.argument("vacancy_id", type=int)
@click.pass_context
def vacancies_close(ctx: click.Context, vacancy_id: int) -> None:
    """Close a vacancy; its moments expire."""
    from workers.services.vacancies import close_vacancy

    with _app(ctx) as app:
        try:
            expired = close_vacancy(app, vacancy_id, _now())
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
    console.print(f"vacancy {vacancy_id} closed; {expired} moments expired")


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

    if settings.metrics_port:  # read by dramatiq's exposition server, forked from here
        os.environ["dramatiq_prom_port"] = settings.metrics_port  # noqa: SIM112
        os.environ["dramatiq_prom_host"] = settings.metrics_host  # noqa: SIM112

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
    from alembic.util import CommandError

    from workers.db import upgrade

    settings: Settings = ctx.parent.obj if ctx.parent else ctx.obj
    try:
        upgrade(settings.effective_database_url, revision)
    except CommandError as exc:
        raise click.ClickException(str(exc)) from exc
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
