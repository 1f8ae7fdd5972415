"""Benchmark: CPU and peak memory per file of the hostile corpus, three ways, each run in
a fresh process.

    .venv/bin/python bench/hostile.py

Every file of tests/hostile_files.py (those in tests/data/hostile/ and the generated
ones) goes through the parser alone (``parse_feed`` or ``people_on_page``), through
``keepwarm check-source`` against a loopback server, and through a poll batch of one
source on an embedded SQLite database. Each is measured after a warm-up on a healthy
feed (imports, the database, the name matcher), so the figure is what the file adds: CPU
seconds of the process and growth of its peak resident memory. Prints a table and writes
bench/results/hostile.json. The bound to keep (issue #13): under 2 s of CPU and 200 MB
each.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WAYS = ("parse", "check-source", "poll")
HEALTHY = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>Acme opens an office in Delft</title><guid>a-1</guid></item></channel></rss>"""
CPU_BOUND, MEMORY_BOUND = 2.0, 200


def measure(way: str, name: str) -> dict[str, object]:
    """Run one corpus file one way in this process: its CPU, memory growth and outcome."""
    from tests.hostile_files import Site, corpus_answers

    answers = corpus_answers()
    site = Site({**answers, "/healthy": (200, answers[f"/{name}"][1], HEALTHY)})
    try:
        run = {"parse": _parse, "check-source": _check_source, "poll": _poll}[way]
        return run(name, answers[f"/{name}"][2], site.base)
    finally:
        site.close()


def _timed(action: Callable[[], str]) -> tuple[float, int, str]:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        outcome = action()
    except Exception as exc:
        outcome = f"refused: {type(exc).__name__}"
    cpu = time.process_time() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
    return cpu, grown, outcome


def _figure(name: str, body: bytes, timed: tuple[float, int, str]) -> dict[str, object]:
    cpu, grown, outcome = timed
    return {"file": name, "kb": len(body) // 1000, "cpu_s": round(cpu, 3), "peak_mb": grown,
            "outcome": outcome}  # fmt: skip


def _parse(name: str, body: bytes, base: str) -> dict[str, object]:
    from sources.feeds import parse_feed
    from sources.pages import people_on_page
    from tests.hostile_files import kind_of

    def action() -> str:
        if kind_of(name) == "team_page":
            return f"{len(people_on_page(body, url='https://acme.example/team'))} people"
        feed = parse_feed(body, url="https://news.example/feed")
        return f"{len(feed.entries)} entries, {feed.skipped} skipped"

    parse_feed(HEALTHY, url="https://news.example/feed")
    return _figure(name, body, _timed(action))


def _check_source(name: str, body: bytes, base: str) -> dict[str, object]:
    from click.testing import CliRunner

    from tests.hostile_files import kind_of
    from workers.cli import cli

    env = {
        "KEEPWARM_DATA_DIR": tempfile.mkdtemp(prefix="keepwarm-bench-"),
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_HOST_INTERVAL": "0",
        "KEEPWARM_LOG_LEVEL": "warning",
    }

    def check(path: str) -> str:
        args = ["check-source", f"{base}/{path}", "--kind", kind_of(name)]
        result = CliRunner().invoke(cli, args, env=env)
        lines = [line for line in result.output.splitlines() if '"event"' not in line]
        return (lines[0] if lines else f"exit {result.exit_code}")[:60]

    check("healthy")
    return _figure(name, body, _timed(lambda: check(name)))


def _poll(name: str, body: bytes, base: str) -> dict[str, object]:
    from datetime import UTC, datetime

    from models.schema import Source
    from tests.hostile_files import kind_of
    from workers.app import App
    from workers.db import transaction
    from workers.services.directory import add_source, employer_named
    from workers.services.polling import poll_sources
    from workers.settings import Settings

    now = datetime.now(UTC)
    settings = Settings.from_values(
        {
            "data_dir": tempfile.mkdtemp(prefix="keepwarm-bench-"),
            "allow_private_networks": "127.0.0.0/8",
            "host_interval": "0",
            "host_concurrency": "0",
            "first_poll_baseline": "false",  # store the entries, as every later poll does
        }
    )
    app = App.build(settings)
    with transaction(app.sessions) as session:
        employer = employer_named(session, "Acme", now, settings)
        ids = [
            add_source(session, f"{base}/{path}", now, kind=kind, employer=employer)[0].id
            for path, kind in (("healthy", "feed"), (name, kind_of(name)))
        ]

    def poll() -> str:
        poll_sources(app, ids[1:], now)
        with app.sessions() as session:
            source = session.get_one(Source, ids[1])
            return (source.last_error or source.last_status or "not recorded")[:60]

    try:
        poll_sources(app, ids[:1], now)
        return _figure(name, body, _timed(poll))
    finally:
        app.close()


def main() -> None:
    """Measure every corpus file every way, each in a fresh process, and report."""
    if len(sys.argv) == 3:
        print(json.dumps(measure(sys.argv[1], sys.argv[2])))
        return
    from tests.hostile_files import FEEDS, PAGES

    figures: dict[str, dict[str, dict[str, object]]] = {}
    print(f"{'file':22} {'KB':>5}  " + "  ".join(f"{way:>17}" for way in WAYS) + "  outcome")
    for name in [*FEEDS, *PAGES]:
        for way in WAYS:
            run = subprocess.run(
                [sys.executable, __file__, way, name],
                capture_output=True, text=True, cwd=ROOT, check=True,
            )  # fmt: skip
            figures.setdefault(name, {})[way] = json.loads(run.stdout.splitlines()[-1])
        ways = figures[name]
        cells = "  ".join(f"{ways[w]['cpu_s']:6.3f} s +{ways[w]['peak_mb']:>4} MB" for w in WAYS)
        print(f"{name:22} {ways['parse']['kb']:>5}  {cells}  {ways['poll']['outcome']}")
    worst_cpu = max(float(str(f["cpu_s"])) for ways in figures.values() for f in ways.values())
    worst_mb = max(int(str(f["peak_mb"])) for ways in figures.values() for f in ways.values())
    within = worst_cpu < CPU_BOUND and worst_mb < MEMORY_BOUND
    print(f"worst: {worst_cpu:.3f} s CPU, +{worst_mb} MB: {'within' if within else 'OVER'} "
          f"the bound of {CPU_BOUND:g} s and {MEMORY_BOUND} MB")  # fmt: skip
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "hostile.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
