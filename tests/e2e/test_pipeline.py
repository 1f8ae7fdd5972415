"""One scenario, run embedded (SQLite, in-memory broker) and distributed (PostgreSQL, Redis,
two worker processes and the scheduler), through the real CLI; both must agree."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.distributed import cluster, keepwarm, keepwarm_env, wait_until
from workers.demo.servers import MailCatcher, SiteServer, WebhookReceiver, free_port
from workers.demo.tour import demo_pool, demo_site

Outcome = dict[str, Any]


def base_env(tmp_path: Path, mail: MailCatcher, **extra: str) -> dict[str, str]:
    """keepwarm's settings for this test: its mail catcher, a short pause between a host's
    requests; ``extra`` on top."""
    return keepwarm_env(
        tmp_path, KEEPWARM_SMTP_PORT=str(mail.port), KEEPWARM_HOST_INTERVAL="0.1", **extra
    )


def prepare(env: dict[str, str], tmp_path: Path, site: SiteServer, hooks: WebhookReceiver) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text(demo_pool(site.base, datetime.now(UTC)), "utf-8")
    imported = keepwarm(env, "import", str(pool))
    assert "created 5" in imported and "rejected 1" in imported and "line 7" in imported
    assert "created 0, updated 0, unchanged 5" in keepwarm(env, "import", str(pool))
    # The test runs at any hour on any day: the default capacity, paced over the week,
    # would allow one moment on a Monday.
    always = ("--hours", "00:00-23:59", "--days", "mon-sun", "--capacity", "20")
    keepwarm(env, "recruiters", "add", "anna@agency.example", *always)
    webhook = f"{hooks.base}/hooks/keepwarm"
    keepwarm(env, "recruiters", "add", "bram@agency.example", "--webhook", webhook, *always)
    keepwarm(env, "sources", "add", f"{site.base}/wire/nieuws.xml")
    discovered = keepwarm(env, "sources", "discover")
    assert discovered.count("added") == 2


def outcome(env: dict[str, str], mail: MailCatcher, hooks: WebhookReceiver) -> Outcome:
    moments = [json.loads(line) for line in keepwarm(env, "moments", "--json").splitlines()]
    # Check-ins depend on when the scheduler ticked relative to the news; they must
    # never reach a recruiter while news for the same member does.
    check_ins = [m for m in moments if m["kind"] in ("check_in", "reengage")]
    assert all(m["status"] in ("pending", "merged") for m in check_ins), check_ins
    news = [m for m in moments if m not in check_ins]
    return {
        "moments": sorted((m["member_id"], m["kind"], m["status"], m["recruiter"]) for m in news),
        "emails": sorted((str(m["X-Envelope-To"]), str(m["Subject"])) for m in mail.inbox),
        "webhooks": sorted(
            (h["json"]["data"]["member"]["id"], h["json"]["data"]["moment"]["kind"])
            for h in hooks.received
        ),
    }


EXPECTED_STATUSES = {
    (1, "company_news", "delivered"),
    (2, "company_news", "suppressed"),
    (3, "company_news", "delivered"),
    (4, "press_mention", "deferred"),
    (5, "company_news", "delivered"),
}


def check(result: Outcome) -> None:
    assert {(m, k, s) for m, k, s, _ in result["moments"]} == EXPECTED_STATUSES
    assert [to for to, _ in result["emails"]] == ["anna@agency.example", "anna@agency.example"]
    assert result["webhooks"] == [(5, "company_news")]


def run_embedded(
    tmp_path: Path, site: SiteServer, mail: MailCatcher, hooks: WebhookReceiver
) -> Outcome:
    env = base_env(tmp_path, mail)
    prepare(env, tmp_path, site, hooks)
    keepwarm(env, "run", "--once")
    keepwarm(env, "run", "--once")  # nothing is due: nothing changes, nothing is sent again
    return outcome(env, mail, hooks)


def run_distributed(
    tmp_path: Path,
    site: SiteServer,
    mail: MailCatcher,
    hooks: WebhookReceiver,
    pg_url: str,
    redis_url: str,
) -> Outcome:
    env = base_env(
        tmp_path,
        mail,
        KEEPWARM_DATABASE_URL=pg_url,
        KEEPWARM_BROKER_URL=redis_url,
        KEEPWARM_BROKER_NAMESPACE=f"keepwarm-test-{uuid.uuid4().hex[:8]}",
    )
    keepwarm(env, "db", "upgrade")
    prepare(env, tmp_path, site, hooks)
    with cluster(env, tmp_path) as running:
        running.start_workers(2)
        running.start_scheduler()
        wait_until(
            lambda: len(mail.inbox) >= 2 and bool(hooks.received) and _settled(env),
            90,
            "both emails, the webhook and every moment settled",
            running.logs,
        )
        time.sleep(2)  # anything sent twice would arrive now
        assert running.all_alive(), f"a worker or the scheduler died\n{running.logs()}"
    return outcome(env, mail, hooks)


def _settled(env: dict[str, str]) -> bool:
    moments = [json.loads(line) for line in keepwarm(env, "moments", "--json").splitlines()]
    news = [m for m in moments if m["kind"] not in ("check_in", "reengage")]
    return len(news) == 5 and not any(m["status"] in ("pending", "routed") for m in news)


@pytest.mark.e2e
def test_embedded_and_distributed_give_the_same_moments_and_deliveries(
    tmp_path: Path, pg_url: str, redis_url: str
) -> None:
    results = []
    for mode in ("embedded", "distributed"):
        site, mail, hooks = demo_site(), MailCatcher(), WebhookReceiver()
        for server in (site, mail, hooks):
            server.start()
        try:
            folder = tmp_path / mode
            folder.mkdir()
            if mode == "embedded":
                results.append(run_embedded(folder, site, mail, hooks))
            else:
                results.append(run_distributed(folder, site, mail, hooks, pg_url, redis_url))
        finally:
            for server in (site, mail, hooks):
                server.stop()
    embedded, distributed = results
    check(embedded)
    assert distributed == embedded


@pytest.mark.e2e
def test_run_processes_until_ctrl_c_and_exits_cleanly(tmp_path: Path) -> None:
    site, mail, hooks = demo_site(), MailCatcher(), WebhookReceiver()
    for server in (site, mail, hooks):
        server.start()
    try:
        port = free_port()
        env = base_env(tmp_path, mail, KEEPWARM_WEB_PORT=str(port))
        prepare(env, tmp_path, site, hooks)
        process = subprocess.Popen(
            [sys.executable, "-m", "workers", "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (len(mail.inbox) < 2 or not hooks.received):
            time.sleep(0.2)
        # The same process serves the inbox, whose alert links the mails carry.
        inbox = httpx.get(f"http://127.0.0.1:{port}/inbox", timeout=5)
        assert inbox.status_code == 303 and inbox.headers["location"].startswith("/login")
        body = mail.inbox[0].get_body(("plain",))
        assert body is not None and f"http://127.0.0.1:{port}/a/" in body.get_content()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        assert process.returncode == 0, stderr
        assert '"event": "scheduler.stopped"' in stderr
        assert len(mail.inbox) == 2 and len(hooks.received) == 1
        for name in ("Lisa", "Jansen", "Sanne", "agency.example", "example.net"):
            assert name not in stderr, f"personal data in the logs: {name}"
    finally:
        for server in (site, mail, hooks):
            server.stop()
