"""``keepwarm demo``: the whole pipeline on loopback servers, with no network and no services."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table
from standardwebhooks.webhooks import Webhook

from workers.demo.servers import MailCatcher, SiteServer, WebhookReceiver, render

PAGES = {
    "/acme/": ("acme-index.html", "text/html; charset=utf-8"),
    "/acme/news.xml": ("acme-news.xml", "application/rss+xml"),
    "/bakker/": ("bakker-index.html", "text/html; charset=utf-8"),
    "/bakker/feed": ("bakker-feed.xml", "application/atom+xml"),
    "/wire/nieuws.xml": ("wire-nieuws.xml", "application/rss+xml"),
}


def demo_site() -> SiteServer:
    """The bundled news site, not yet started."""
    folder = resources.files("workers.demo") / "site"
    return SiteServer(
        {path: ((folder / name).read_text("utf-8"), kind) for path, (name, kind) in PAGES.items()}
    )


def demo_pool(base: str, now: datetime) -> str:
    """The bundled pool file with dates relative to ``now`` and the site's address."""
    return render(
        (resources.files("workers.demo") / "pool.csv").read_text("utf-8"), base=base, now=now
    )


def run_tour(console: Console, keep: Path | None = None) -> int:
    """Run the tour; return 0 when every stage showed what it should."""
    os.environ.pop("KEEPWARM_BROKER_URL", None)  # the tour is embedded by definition
    site, mail, hooks = demo_site(), MailCatcher(), WebhookReceiver()
    for server in (site, mail, hooks):
        server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="keepwarm-demo-") as tmp:
            folder = keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            return _tour(console, folder, site, mail, hooks)
    finally:
        for server in (site, mail, hooks):
            server.stop()


def _tour(
    console: Console, folder: Path, site: SiteServer, mail: MailCatcher, hooks: WebhookReceiver
) -> int:
    from workers.app import App, use_app
    from workers.db import transaction
    from workers.logs import configure_logging
    from workers.services.directory import (
        RecruiterSettings,
        add_source,
        configure_recruiter,
        discover_sources,
        webhook_secret_of,
    )
    from workers.services.listings import list_deliveries, moment_rows
    from workers.services.pool_import import import_pool
    from workers.settings import Settings

    now = datetime.now(UTC)
    settings = Settings.from_values(
        {
            "data_dir": str(folder),
            "allow_private_networks": "127.0.0.0/8",
            "allow_private_webhooks": "127.0.0.0/8",
            "smtp_host": "127.0.0.1",
            "smtp_port": str(mail.port),
            "log_level": "WARNING",
            "mail_from": "keepwarm@agency.example",
            "host_interval": "0.1",
            # The demo site's news was published just now, not a back catalogue.
            "first_poll_baseline": "false",
        }
    )
    configure_logging(settings)
    (folder / "keepwarm.db").unlink(missing_ok=True)
    app = App.build(settings)
    use_app(app)
    try:
        console.rule("1. keepwarm import pool.csv (Dutch headers, one bad row)")
        pool_file = folder / "pool.csv"
        pool_file.write_text(demo_pool(site.base, now), "utf-8")
        report = import_pool(app, pool_file, now)
        console.print(
            f"created {report.created}, updated {report.updated}, rejected {len(report.rejected)}"
        )
        for rejection in report.rejected:
            console.print(f"  line {rejection.line}: {rejection.reason}", markup=False)

        console.rule("2. recruiters and sources")
        with transaction(app.sessions) as session:
            # The tour runs at any hour on any day: both recruiters take alerts around
            # the clock, with room (the default 5 a week, paced, allows one on a Monday).
            always = RecruiterSettings(hours="00:00-23:59", days="mon-sun", capacity=20)
            configure_recruiter(session, "anna@agency.example", now, always)
            webhook = replace(always, webhook_url=f"{hooks.base}/hooks/keepwarm")
            configure_recruiter(
                session,
                "bram@agency.example",
                now,
                webhook,
                allowed_networks=settings.allow_private_webhooks,
            )
            add_source(session, f"{site.base}/wire/nieuws.xml", now)
        for found in discover_sources(app, now):
            console.print(
                f"sources discover: employer {found.employer_id}: {found.feed or 'no feed'}"
            )

        console.rule("3. keepwarm run --once")
        from workers.runtime import run_embedded

        run_embedded(app, once=True)

        console.rule("4. moments")
        rows = moment_rows(app)
        table = Table("id", "member", "kind", "status", "reason")
        for row in rows:
            table.add_row(
                str(row["id"]), row["member"], row["kind"], row["status"], row["reason"] or ""
            )
        console.print(table)
        for row in rows:
            if row["status"] in ("delivered", "routed", "deferred"):
                console.print(f"[bold]draft for moment {row['id']} ({row['member']}):[/bold]")
                console.print(f"  {row['draft']}", markup=False)

        console.rule("5. deliveries")
        for delivery in reversed(list_deliveries(app, failed=False)):
            where = f"{delivery.channel} to {delivery.target}"
            console.print(f"moment {delivery.moment_id}: {where}: {delivery.status}", markup=False)
        for message in mail.inbox:
            console.print(
                f"SMTP catcher got: {message['Subject']} -> {message['X-Envelope-To']}",
                markup=False,
            )
        with app.sessions() as session:
            secret = webhook_secret_of(session, "bram@agency.example")
        for hook in hooks.received:
            event = Webhook(secret or "").verify(hook["body"], hook["headers"])
            moment = event["data"]["moment"]
            console.print(
                f"webhook receiver got {event['type']} for moment {moment['id']} "
                f"({moment['kind']}), signature verified (Standard Webhooks)",
                markup=False,
            )
        return _verdict(console, rows, len(mail.inbox), len(hooks.received))
    finally:
        use_app(None)
        app.close()


def _verdict(console: Console, rows: list[dict[str, object]], emails: int, hooks: int) -> int:
    kinds = {r["kind"] for r in rows if r["status"] == "delivered"}
    missing = []
    if "company_news" not in kinds:
        missing.append("a delivered company-news moment")
    if not any(r["kind"] == "press_mention" for r in rows):
        missing.append("a press-mention moment")
    if not any(r["status"] == "deferred" for r in rows):
        missing.append("a deferred moment")
    if not emails:
        missing.append("an email")
    if not hooks:
        missing.append("a webhook")
    if missing:
        console.print(f"[red]demo incomplete: missing {', '.join(missing)}[/red]")
        return 1
    console.print("[green]demo complete: every stage ran on loopback servers[/green]")
    return 0
