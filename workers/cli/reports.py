"""How things stand and what happened: ``status``, ``stats``, ``explain``."""

from __future__ import annotations

import click
from rich.table import Table

from workers.cli.common import console, open_app, refused, utc_now
from workers.settings import Settings


@click.command("status")
@click.pass_context
def status_command(ctx: click.Context) -> None:
    """Queues, sources due and polled, 304/unchanged ratio, failures, moments waiting."""
    from workers.services.reporting import status

    settings: Settings = ctx.obj
    with open_app(ctx) as app:
        report = status(app, utc_now(), queue_depths(settings))
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


@click.command("stats")
@click.pass_context
def stats_command(ctx: click.Context) -> None:
    """Per moment kind and recruiter: routed, acted on, response rate, time to act."""
    from workers.services.reporting import stats

    with open_app(ctx) as app:
        report = stats(app, utc_now())
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


@click.command("explain")
@click.argument("member")
@click.pass_context
def explain_command(ctx: click.Context, member: str) -> None:
    """A member's timeline: contacts, signals, moments and why each was decided so."""
    from workers.services.reporting import explain

    with open_app(ctx) as app, refused(ValueError):
        header, events = explain(app, member)
    console.print(header, markup=False)
    for at, line in events:
        console.print(f"  {at:%Y-%m-%d %H:%M}  {line}", markup=False)
