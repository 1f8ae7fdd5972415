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
@click.argument("member", required=False)
@click.option("--text", help="A news text: how detection reads it, and why, sentence by sentence.")
@click.option("--language", type=click.Choice(["nl", "en"]), help="The text's language.")
@click.pass_context
def explain_command(
    ctx: click.Context, member: str | None, text: str | None, language: str | None
) -> None:
    """A member's timeline: contacts, signals, moments and why each was decided so; or, with
    --text, the event a news text gives and the learned model's weightiest features."""
    from workers.services.reporting import explain

    if text is not None:
        for line in explain_text(text, language):
            click.echo(line)
        return
    if member is None:
        raise click.UsageError("give a MEMBER, or --text")
    with open_app(ctx) as app, refused(ValueError):
        header, events = explain(app, member)
    console.print(header, markup=False)
    for at, line in events:
        console.print(f"  {at:%Y-%m-%d %H:%M}  {line}", markup=False)


def explain_text(text: str, language: str | None) -> list[str]:
    """What detection says of ``text`` and, per sentence, what the learned model says and
    the features that weighed most for it (weight towards its label over the others)."""
    from sources.events import classify
    from sources.events.decisions import sentence_decisions
    from sources.events.learned import enabled, shipped_model

    event = classify(text, language)
    parts = [f"{name}={value}" for name, value in vars(event).items() if value is not None]
    lines = ["detection: " + ", ".join(parts)]
    model = shipped_model()
    if model is None:
        return [*lines, "no learned model: bench/train_signals.py writes one"]
    use = "used" if enabled() else "not used; KEEPWARM_EVENT_MODEL=on uses it"
    lines.append(f"the learned model ({use}), per sentence:")
    for decision in sentence_decisions(text, event.language, model):
        odds = ", ".join(f"{k} {v:.2f}" for k, v in decision.probabilities.items())
        lines += [f"  “{decision.sentence}”", f"    says {decision.label} ({odds}); weighed most:"]
        lines += [f"      {weight:+.3f}  {feature}" for feature, weight in decision.reasons]
    return lines
