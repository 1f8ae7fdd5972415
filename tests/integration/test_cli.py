"""The CLI commands that read and explain, run in-process with click's runner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from workers.cli import cli
from workers.demo.servers import SiteServer

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title>
<item><title>Marieke Jansen benoemd tot CFO van Bakker Logistiek</title><guid>1</guid></item>
<item><title>Maak een afspraak met onze adviseur</title><guid>2</guid></item>
</channel></rss>"""


def run(tmp_path: Path, *args: str, stdin: str | None = None) -> str:
    env = {
        "KEEPWARM_DATA_DIR": str(tmp_path),
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_FIRST_POLL_BASELINE": "false",  # the test feeds' news is fresh
        "KEEPWARM_ALLOW_PRIVATE_WEBHOOKS": "127.0.0.0/8",
        "COLUMNS": "200",
    }
    result = CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_classify_reads_json_lines_and_reports_bad_ones(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            json.dumps(
                {"id": "a", "text": "Jan de Vries treedt per 1 maart in dienst als CFO van Acme."}
            ),
            "not json",
            json.dumps(
                {"id": "b", "text": "Maak een afspraak met onze adviseur.", "language": "nl"}
            ),
        ]
    )
    out = [json.loads(line) for line in run(tmp_path, "classify", stdin=lines).splitlines()]
    assert out[0]["id"] == "a" and out[0]["label"] == "job_change" and out[0]["new_title"] == "CFO"
    assert out[1]["line"] == 2 and "bad input" in out[1]["error"]
    assert (out[2]["id"], out[2]["label"]) == ("b", "none")


def test_classify_lists_every_event_and_keeps_the_best_at_the_top(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            json.dumps(
                {"id": "two", "text": "Jan Jansen wordt CEO van Philips; Piet Bos vertrekt."}
            ),
            json.dumps(
                {
                    "id": "apart",
                    "title": "Nieuwe directeur bij ZeelandSoftware",
                    "summary": "Ruben Smits wordt per 1 april directeur bij Acme.",
                }
            ),
            json.dumps({"id": "none", "text": "Het regent in Zeeland.", "language": "nl"}),
        ]
    )
    out = {
        line["id"]: line
        for line in map(json.loads, run(tmp_path, "classify", stdin=lines).splitlines())
    }
    two = out["two"]
    assert [e["person"] for e in two["events"]] == ["Jan Jansen", "Piet Bos"]
    assert (two["person"], two["new_title"]) == ("Jan Jansen", "CEO")
    assert "ZeelandSoftware Ruben Smits" not in json.dumps(out["apart"])
    assert out["none"]["label"] == "none" and out["none"]["events"] == []


def test_check_source_shows_what_would_be_detected_and_writes_nothing(tmp_path: Path) -> None:
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")})
    site.start()
    try:
        out = run(tmp_path, "check-source", f"{site.base}/feed.xml")
    finally:
        site.stop()
    assert "2 entries" in out
    assert "job_change/appointment" in out and "new employer: Bakker Logistiek" in out
    assert "Maak een afspraak" in out and "none" in out
    assert "http" not in run(tmp_path, "sources")  # nothing was added


def test_every_command_is_listed_with_one_line(tmp_path: Path) -> None:
    out = run(tmp_path, "--help")
    for command in (
        "import",
        "recruiters",
        "employers",
        "sources",
        "run",
        "worker",
        "scheduler",
        "moments",
        "done",
        "snooze",
        "skip",
        "stats",
        "explain",
        "vacancies",
        "classify",
        "check-source",
        "db",
        "demo",
    ):
        assert f"  {command} " in out, command


def test_a_webhook_secret_is_shown_once_and_rotates(tmp_path: Path) -> None:
    hook = "http://127.0.0.1:9/hooks/secret-path"
    added = run(tmp_path, "recruiters", "add", "bram@agency.example", "--webhook", hook)
    secret = added.strip().splitlines()[-1]
    assert secret.startswith("whsec_")
    assert "whsec_" not in run(
        tmp_path, "recruiters", "add", "bram@agency.example", "--capacity", "3"
    )
    rotated = run(tmp_path, "recruiters", "rotate-secret", "bram@agency.example")
    new = rotated.strip().splitlines()[-1]
    assert new.startswith("whsec_") and new != secret
    refused = CliRunner().invoke(
        cli,
        ["recruiters", "add", "eve@agency.example", "--webhook", "http://hooks.example/x"],
        env={"KEEPWARM_DATA_DIR": str(tmp_path)},
    )
    assert refused.exit_code != 0 and "https://" in refused.output


def test_failed_deliveries_are_listed_without_a_webhooks_secret_path(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from models.schema import Delivery, Member, Moment
    from workers.app import App
    from workers.db import transaction
    from workers.settings import Settings

    now = datetime.now(UTC)
    app = App.build(Settings.from_values({"data_dir": str(tmp_path)}))
    with transaction(app.sessions) as session:
        member = Member(name="Lisa", created_at=now, updated_at=now)
        session.add(member)
        session.flush()
        moment = Moment(
            member_id=member.id, kind="check_in", not_before=now, expires_at=now, created_at=now
        )
        session.add(moment)
        session.flush()
        for status in ("dead", "sent"):
            session.add(
                Delivery(
                    moment_id=moment.id,
                    routing=1 if status == "dead" else 2,
                    channel="webhook",
                    target="https://hooks.example/T0/B0/secret",
                    status=status,
                    next_attempt_at=now,
                    created_at=now,
                    last_error="receiver answered 500",
                )
            )
    app.close()
    listed = run(tmp_path, "deliveries", "--failed")
    assert "dead" in listed and "receiver answered 500" in listed and "sent" not in listed
    assert "https://hooks.example/…" in listed and "secret" not in listed
    assert "is owed again" in run(tmp_path, "deliveries", "retry", "1")


def test_erase_asks_first_and_export_writes_json_and_text(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_text("naam,e-mail,externe id\nLisa Jansen,lisa@example.net,ats-1\n", "utf-8")
    run(tmp_path, "import", str(pool))
    exported = tmp_path / "lisa.json"
    run(tmp_path, "export", "lisa@example.net", "--output", str(exported))
    assert json.loads(exported.read_text())["member"]["external_id"] == "ats-1"
    assert "Lisa Jansen" in exported.with_suffix(".txt").read_text()
    declined = CliRunner().invoke(
        cli, ["erase", "ats-1"], input="n\n", env={"KEEPWARM_DATA_DIR": str(tmp_path)}
    )
    assert declined.exit_code != 0 and "Aborted" in declined.output
    assert "erased" in run(tmp_path, "erase", "ats-1", stdin="y\n")
    assert "rejected 1" in run(tmp_path, "import", str(pool))
    audit = run(tmp_path, "audit")
    assert "erase" in audit and "export" in audit and "Lisa" not in audit
