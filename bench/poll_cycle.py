"""Benchmark: poll cycles over N synthetic feeds with the real scheduler, two worker
processes, Redis and PostgreSQL, against the ceiling of a bare fetch loop.

    .venv/bin/python bench/poll_cycle.py [--sources 5000] [--changed 0.1] [--members 20000]
                                         [--threads 2] [--fetches 4] [--timeout 900]

A loopback feed server runs in its own process (ETags, 30 entries a feed dated inside the
news horizon, one in six naming a pool member of the feed's company in a job change, a
share of feeds changed per cycle); like a publisher's server with its files cached, it
renders the cold cycle's feeds before the cycles begin. The pool's names are drawn with
Dutch surname frequencies (bench/match_names.py), so many members share a name. Each
cycle is timed end to end, from the first fetch to the last signal planned, and its CPU
is split by stage (each actor's worker-thread CPU from the workers' metrics; the rest of
the worker processes, the fetch pool's threads among it; the scheduler; PostgreSQL and
Redis), with the peak length of the queues. Three cycles are measured: cold (every feed
new), all unchanged (every answer a 304), and the steady state with ``--changed`` of the
feeds changed. CPU is counted for keepwarm's processes (scheduler and workers) and "all
told" with the PostgreSQL and Redis servers; the feed server's CPU is shown on its own,
and so is the CPU time the hypervisor gave to other machines (steal), which slows a cycle
without showing in any process. The parse floor is the CPU the workers spent parsing the
cold cycle's feeds (their ``keepwarm_parse_cpu_seconds_total``) divided by the cores; the
same parse in the quiet bench process, before and after the cycles, is shown beside it.
The steady cycle's CPU per source is compared with the issue's physical floor, measured
in the same run: 0.9 x a bare httpx 304 plus 0.1 x (a bare 200 plus the feed's parse).
Prints a table and writes bench/results/poll_cycle.json. Needs PostgreSQL and Redis on
127.0.0.1 (the test services). Its parts: cycle_feeds (the feed server), cycle_cluster (the
database, settings and keepwarm processes), cycle_meters (CPU, metrics, queues, progress)
and cycle_floors (the same work without keepwarm).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from cycle_cluster import (
    ROOT,
    create_database,
    drop_database,
    keepwarm_env,
    seed,
    start_keepwarm,
    stop_keepwarm,
)
from cycle_feeds import serve
from cycle_floors import (
    FETCH_PATH,
    PHYSICAL_FLOOR,
    bare_fetch,
    fetch_path_over_bare_httpx,
    parse_cpu_per_feed,
    parse_floor,
    physical_floor,
)
from cycle_meters import (
    cycle_progress,
    queue_length,
    service_processes,
    steal_seconds,
    tree_cpu,
    wait_for_metrics,
    workers_stage_cpu,
)
from sqlalchemy import update


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=5_000)
    parser.add_argument("--changed", type=float, default=0.1)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument(
        "--timeout", type=float, default=900, help="seconds a cycle may take at most"
    )
    # Loopback feeds answer at once, so a few threads keep the CPU busy; more only contend
    # for the GIL. Real hosts take 100s of ms: production wants more fetches in flight.
    parser.add_argument("--threads", type=int, default=2, help="worker threads a process")
    parser.add_argument("--fetches", type=int, default=4, help="fetches in flight a process")
    args = parser.parse_args()

    # share[k]: the fraction of feeds that change in cycle k.
    share, cycle = multiprocessing.Array("d", 16), multiprocessing.Value("i", 0)
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve, args=(ports, share, cycle, args.sources), daemon=True
    )
    server.start()

    database, url = create_database()
    env = keepwarm_env(url, fetches=args.fetches)
    os.environ.update(env)
    from workers.app import App
    from workers.demo.servers import free_port
    from workers.settings import Settings

    base = f"http://127.0.0.1:{ports.get(timeout=120)}"

    app = App.build(Settings.from_env(), migrate=True)
    seed(app, base, sources=args.sources, members=args.members)

    # Each worker serves its metrics (its parse CPU among them) on a port of its own.
    metrics_ports = [free_port(), free_port()]
    prom_dir = Path(tempfile.mkdtemp(prefix="keepwarm-bench-prom-"))
    keepwarm = start_keepwarm(
        env, threads=args.threads, metrics_ports=metrics_ports, prom_dir=prom_dir
    )
    watched = {
        "workers": [psutil.Process(p.pid) for p in keepwarm[:2]],
        "scheduler": [psutil.Process(keepwarm[2].pid)],
        "services": service_processes(),
        "server": [psutil.Process(server.pid)],
    }
    results: dict[str, Any] = {"sources": args.sources, "members": args.members}
    # The parse alone in this quiet process, for comparison (this machine's speed drifts
    # by a fifth between minutes: before and after the cycles).
    parse_before = parse_cpu_per_feed(args.sources)
    try:
        wait_for_metrics(metrics_ports)  # the workers have booted
        for name, changed in (
            ("cold (all new)", 1.0),
            ("unchanged (all 304)", 0.0),
            (f"steady ({args.changed:.0%} changed)", args.changed),
        ):
            results[name] = run_cycle(
                app, watched, metrics_ports, share, cycle, changed, args.sources, args.timeout
            )
        results["bare fetch loop (ceiling)"] = bare_fetch(base, args.sources)
        results[FETCH_PATH] = fetch_path_over_bare_httpx(app.fetcher, base, args.sources)
        parse_after = parse_cpu_per_feed(args.sources)
        results["parse floor"] = parse_floor(
            args.sources, results["cold (all new)"], parse_before, parse_after
        )
        results[PHYSICAL_FLOOR] = physical_floor(
            results, (parse_before + parse_after) / 2, args.changed
        )
    finally:
        stop_keepwarm(keepwarm)
        app.close()
        drop_database(database)
        server.terminate()
        shutil.rmtree(prom_dir, ignore_errors=True)
    report(results)


def run_cycle(
    app: Any,
    watched: dict[str, list[psutil.Process]],
    metrics_ports: list[int],
    share: Any,
    cycle: Any,
    changed: float,
    total: int,
    timeout: float,
) -> dict[str, Any]:
    """Make every source due; wait until every source is polled and every new item is
    detected and its signals planned (the end of the cycle, end to end), then until the
    queues are empty (routing and delivery done: ``drained_seconds``), ``timeout`` at
    most. CPU is counted up to the drain."""
    from models.schema import Source

    cycle.value += 1
    share[cycle.value] = changed
    before = {group: tree_cpu(procs)[0] for group, procs in watched.items()}
    stages_before, steal_before = workers_stage_cpu(metrics_ports), steal_seconds()
    started, peak, queued = time.monotonic(), 0.0, 0
    start = datetime.now(UTC)
    with app.engine.begin() as connection:
        connection.execute(update(Source).values(next_poll_at=start))
    polled_at = None
    while True:
        time.sleep(0.5)
        progress = cycle_progress(app, start)
        peak = max(peak, tree_cpu(watched["workers"])[1] + tree_cpu(watched["scheduler"])[1])
        queued = max(queued, queue_length(app.settings))
        if polled_at is None and progress["polled"] >= total:
            polled_at = time.monotonic() - started
        if polled_at is not None and not progress["undetected"] and not progress["unplanned"]:
            break
        if time.monotonic() - started > timeout:
            break
    elapsed = time.monotonic() - started
    # What the cycle handed on (routing, deliveries) finishes before its CPU is read and
    # the next cycle starts.
    while queue_length(app.settings) and time.monotonic() - started < timeout:
        time.sleep(0.5)
    drained = time.monotonic() - started
    cpu = {group: tree_cpu(procs)[0] - before[group] for group, procs in watched.items()}
    stages = {
        actor: seconds - stages_before.get(actor, 0.0)
        for actor, seconds in workers_stage_cpu(metrics_ports).items()
    }
    steal = steal_seconds() - steal_before
    cpu["keepwarm"] = cpu["workers"] + cpu["scheduler"]
    # The next cycle starts from a quiet machine: nothing scheduled until it begins.
    with app.engine.begin() as connection:
        connection.execute(update(Source).values(next_poll_at=start + timedelta(days=1)))
    done = cycle_progress(app, start)
    per_source = {name: round(1000 * seconds / total, 2) for name, seconds in stages.items()}
    per_source["other worker threads"] = round(
        1000 * (cpu["workers"] - sum(v for k, v in stages.items() if k != "parse")) / total, 2
    )
    per_source["scheduler"] = round(1000 * cpu["scheduler"] / total, 2)
    per_source["postgresql and redis"] = round(1000 * cpu["services"] / total, 2)
    return {
        "changed_share": changed,
        "complete": bool(
            polled_at is not None and not done["undetected"] and not done["unplanned"]
        ),
        "polled_seconds": round(polled_at or elapsed, 1),
        "seconds": round(elapsed, 1),
        "drained_seconds": round(drained, 1),
        "sources_per_second": round(total / elapsed, 1),
        "items": done["items"],
        "signals": done["signals"],
        "moments": done["moments"],
        "left_undetected": done["undetected"],
        "left_unplanned": done["unplanned"],
        "peak_queue_messages": queued,
        "cpu_ms_per_source": round(1000 * cpu["keepwarm"] / total, 2),
        "cpu_ms_per_source_all_told": round(1000 * (cpu["keepwarm"] + cpu["services"]) / total, 2),
        "server_cpu_ms_per_source": round(1000 * cpu["server"] / total, 2),
        "cpu_ms_per_source_by_stage": per_source,
        "workers_parse_cpu_seconds": round(stages.get("parse", 0.0), 1),
        "steal_seconds": round(steal, 1),
        "peak_keepwarm_mib": round(peak),
    }


def report(results: dict[str, Any]) -> None:
    print(f"{results['sources']} sources, {results['members']} members, 2 worker processes")
    print(
        f"{'cycle':<26}{'seconds':>8}{'sources/s':>10}{'CPU ms/src':>11}"
        f"{'all told':>10}{'server':>8}{'peak MiB':>9}"
    )
    for name, figures in results.items():
        if isinstance(figures, dict) and "sources_per_second" in figures:
            print(
                f"{name:<26}{figures['seconds']:>8}{figures['sources_per_second']:>10}"
                f"{figures['cpu_ms_per_source']:>11}"
                f"{figures.get('cpu_ms_per_source_all_told', '-'):>10}"
                f"{figures.get('server_cpu_ms_per_source', '-'):>8}"
                f"{figures.get('peak_keepwarm_mib', '-'):>9}"
            )
    bare = results["bare fetch loop (ceiling)"]
    print(f"bare fetch of a full feed: {bare['cpu_ms_per_full_fetch']} CPU ms")
    path = results[FETCH_PATH]
    print(
        f"a 304 through keepwarm's fetcher: {path['keepwarm_cpu_ms_per_304']} CPU ms, a bare"
        f" httpx.Client loop: {path['bare_httpx_cpu_ms_per_304']} ms, ratio {path['ratio']}"
        f" (target <= 1.3; {path['requests_each']} requests each, same run)"
    )
    cold, unchanged = results["cold (all new)"], results["unchanged (all 304)"]
    ratio = unchanged["cpu_ms_per_source_all_told"] / cold["cpu_ms_per_source_all_told"]
    print(f"an unchanged source costs {ratio:.1%} of a changed one (all told)")
    floor = results["parse floor"]
    before, after = floor["quiet_parse_cpu_ms_before_and_after"]
    print(
        f"parse floor: {floor['parse_cpu_ms_per_feed']} ms a feed in the workers (in a quiet"
        f" process: {before} before, {after} after), {floor['floor_seconds']} s for the cold"
        f" cycle; cold took {floor['cold_over_floor']}x the floor"
    )
    steal = ", ".join(
        f"{name} {figures['steal_seconds']} s"
        for name, figures in results.items()
        if isinstance(figures, dict) and "steal_seconds" in figures
    )
    print(f"CPU taken by the hypervisor (steal) during the cycles: {steal}")
    print()
    print(
        f"{'cycle':<26}{'complete':>9}{'polled s':>9}{'end s':>7}{'drained s':>10}"
        f"{'items':>8}{'signals':>8}{'moments':>8}{'left':>7}{'peak queue':>11}"
    )
    for name, figures in results.items():
        if isinstance(figures, dict) and "complete" in figures:
            left = figures["left_undetected"] + figures["left_unplanned"]
            print(
                f"{name:<26}{'yes' if figures['complete'] else 'NO':>9}"
                f"{figures['polled_seconds']:>9}{figures['seconds']:>7}"
                f"{figures['drained_seconds']:>10}{figures['items']:>8}"
                f"{figures['signals']:>8}{figures['moments']:>8}{left:>7}"
                f"{figures['peak_queue_messages']:>11}"
            )
    print()
    print("CPU ms per source by stage (worker threads per actor; parse is part of poll)")
    stages = sorted(
        {
            s
            for f in results.values()
            if isinstance(f, dict)
            for s in f.get("cpu_ms_per_source_by_stage", {})
        }
    )
    print(f"{'cycle':<26}" + "".join(f"{s[:10]:>11}" for s in stages))
    for name, figures in results.items():
        if isinstance(figures, dict) and "cpu_ms_per_source_by_stage" in figures:
            by_stage = figures["cpu_ms_per_source_by_stage"]
            print(f"{name:<26}" + "".join(f"{by_stage.get(s, 0.0):>11}" for s in stages))
    floor = results[PHYSICAL_FLOOR]
    print(
        f"steady cycle: {floor['steady_cpu_ms_per_source_all_told']} CPU ms a source (keepwarm,"
        f" PostgreSQL, Redis) over a physical floor of {floor['floor_cpu_ms_per_source']} ms:"
        f" {floor['steady_over_floor']}x (target <= 3x)"
    )
    cold = results["cold (all new)"]
    print(
        f"cold cycle end to end (first fetch to last signal planned): {cold['seconds']} s"
        f" (target < 180 s for 5,000 feeds of 30 entries)"
        + ("" if cold["complete"] else " - NOT complete within the timeout")
    )
    out = ROOT / "bench" / "results" / "poll_cycle.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
