"""Benchmark: import a generated 680,000-row pool into SQLite and PostgreSQL, twice.

    .venv/bin/python bench/import_pool.py [--rows 680000] [--databases sqlite,postgresql]

The pool file is what a Dutch agency exports: Dutch headers, semicolons, Dutch, Belgian
and international names with the surnames real pools share by the thousand (Jansen,
de Vries, van den Berg, Peeters, Janssens...), personal and ATS-made emails, employers
drawn Zipf-wise from some 25,000 companies (spelled several ways), titles, owners.

Each import runs in its own process (``--child``), so its peak RSS is the importer's
alone. PostgreSQL gets a fresh database on 127.0.0.1:5432, dropped afterwards. Prints a
table (rows/s, CPU seconds of the importer, peak RSS, a second unchanged import) and
writes bench/results/import_pool.json. The machine is shared: the load average at each
run is recorded beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pool_data import write_pool

PG_ADMIN = os.environ.get("KEEPWARM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
RESULTS = Path(__file__).resolve().parent / "results" / "import_pool.json"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
TARGETS = {"sqlite": 90.0, "postgresql": 60.0}
PEAK_TARGET_MB, SECOND_TARGET_S = 500.0, 30.0


def child(url: str, data_dir: str, path: str) -> None:
    """Run one import in this process; print its figures as one JSON line."""
    from workers.app import App
    from workers.services.pool_import import import_pool
    from workers.settings import Settings

    values = {"data_dir": data_dir, "log_level": "WARNING"}
    if url:
        values["database_url"] = url
    app = App.build(Settings.from_values(values))
    started, cpu = time.perf_counter(), time.process_time()
    report = import_pool(app, Path(path), NOW)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    app.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(peak_mb, 1),
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": len(report.rejected),
    }
    print(json.dumps(figures))


def run_import(url: str, data_dir: str, path: Path) -> dict[str, Any]:
    """One import in a fresh process, with the load average when it started."""
    load = os.getloadavg()[0]
    command = [sys.executable, __file__, "--child", url, data_dir, str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"the import failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load_at_start"] = round(load, 2)
    return figures


def bench_database(kind: str, path: Path, rows: int, work: Path) -> dict[str, Any]:
    """Migrate a fresh database of ``kind``, import the file twice, count what is there."""
    from sqlalchemy import func, select

    from models.schema import Employer, Member, Recruiter
    from workers.app import App
    from workers.settings import Settings

    data_dir = work / kind
    data_dir.mkdir()
    url, database = "", ""
    if kind == "postgresql":
        import psycopg

        database = f"keepwarm_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
        base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        url = f"{base}/{database}"
    try:
        values = {"data_dir": str(data_dir), **({"database_url": url} if url else {})}
        app = App.build(Settings.from_values(values), migrate=True)
        app.close()
        first = run_import(url, str(data_dir), path)
        second = run_import(url, str(data_dir), path)
        app = App.build(Settings.from_values(values))
        with app.sessions() as session:
            counts = {
                "members": session.scalar(select(func.count(Member.id))),
                "employers": session.scalar(select(func.count(Employer.id))),
                "recruiters": session.scalar(select(func.count(Recruiter.id))),
            }
        app.close()
    finally:
        if database:
            with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    first["rows_per_s"] = round(rows / first["seconds"])
    second["rows_per_s"] = round(rows / second["seconds"])
    return {"first": first, "second (unchanged)": second, "stored": counts}


def verdict(kind: str, result: dict[str, Any]) -> list[str]:
    """Each target met, or the gap."""
    first, second = result["first"], result["second (unchanged)"]
    peak = max(first["peak_rss_mb"], second["peak_rss_mb"])
    checks = [
        (f"{kind}: import", first["seconds"], TARGETS[kind], "s"),
        (f"{kind}: peak RSS", peak, PEAK_TARGET_MB, "MB"),
        (f"{kind}: second, unchanged import", second["seconds"], SECOND_TARGET_S, "s"),
    ]
    return [
        f"{name} {value:.1f} {unit} (target < {target:.0f} {unit}): "
        + ("met" if value < target else f"MISSED by {value - target:.1f} {unit}")
        for name, value, target, unit in checks
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=680_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--child", nargs=3, metavar=("URL", "DATA_DIR", "FILE"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    results: dict[str, Any] = {
        "rows": args.rows,
        "cpus": os.cpu_count(),
        "note": "shared 2-core machine: absolute times move with the other engineers' load",
    }
    with tempfile.TemporaryDirectory(prefix="keepwarm-bench-") as tmp:
        work = Path(tmp)
        path = work / "kandidaten.csv"
        started = time.perf_counter()
        stats = write_pool(path, args.rows, random.Random(args.seed), today=date(2026, 12, 1))
        results["file"] = {
            **stats,
            "megabytes": round(path.stat().st_size / 1e6, 1),
            "generated_in_s": round(time.perf_counter() - started, 1),
        }
        print(f"generated {args.rows:,} rows ({results['file']['megabytes']} MB)", flush=True)
        for kind in args.databases.split(","):
            results[kind] = bench_database(kind, path, args.rows, work)
            print(f"{kind} done", flush=True)
    results["verdict"] = [
        line for kind in args.databases.split(",") for line in verdict(kind, results[kind])
    ]
    print_table(results, args.databases.split(","))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {RESULTS}")


def print_table(results: dict[str, Any], kinds: list[str]) -> None:
    """The figures, one line per import."""
    print(f"\n{results['rows']:,} rows, {results['file']}")
    header = f"{'database':<11} {'import':<20} {'s':>7} {'rows/s':>8} {'cpu s':>7}"
    print(header + f" {'peak MB':>8} {'load':>5}  created/updated/unchanged/rejected")
    for kind in kinds:
        for name in ("first", "second (unchanged)"):
            r = results[kind][name]
            counts = f"{r['created']}/{r['updated']}/{r['unchanged']}/{r['rejected']}"
            print(
                f"{kind:<11} {name:<20} {r['seconds']:>7.1f} {r['rows_per_s']:>8,}"
                f" {r['cpu_seconds']:>7.1f} {r['peak_rss_mb']:>8.0f} {r['load_at_start']:>5.1f}"
                f"  {counts}"
            )
        print(f"{'':<11} stored: {results[kind]['stored']}")
    print()
    for line in results["verdict"]:
        print(line)


if __name__ == "__main__":
    main()
