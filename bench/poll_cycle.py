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
127.0.0.1 (the test services).
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil
import psycopg
from match_names import FIRST, surnames
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, insert, select, update

PG_ADMIN = os.environ.get("KEEPWARM_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("KEEPWARM_TEST_REDIS", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]
WORDS = [
    "market",
    "growth",
    "company",
    "office",
    "news",
    "team",
    "product",
    "customers",
    "results",
    "year",
    "launch",
    "partner",
    "investment",
    "funding",
    "expansion",
    "hiring",
    "engineering",
    "logistics",
    "energy",
    "data",
    "platform",
]


ANCHOR = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
"""Entries are dated up to a few days before the bench starts: inside the news horizon
(KEEPWARM_MAX_ITEM_AGE_DAYS), so they are stored, detected and planned."""
SOURCES = 5_000  # the feed server and the pool agree on it through --sources
ENTRIES = 30
MENTION_EVERY = 6
"""One entry in so many names a member of the feed's company with a job change."""
_RNG = random.Random(14)
FAMILY = surnames(_RNG, 50_000)
"""Surnames drawn with Dutch frequencies (bench/match_names.py): thousands share one."""


def member_name(member: int) -> str:
    """Member ``member``'s name (0-based), the same in the feed server and in the pool."""
    return f"{FIRST[member * 7919 % len(FIRST)]} {FAMILY[member % len(FAMILY)]}"


def feed_body(index: int, version: int) -> bytes:
    """A realistic feed: 30 entries of a few hundred bytes, five new ones per version, one
    in six naming a member of the feed's company in a job change; the rest company news
    and everyday words."""
    items = []
    for n in range(ENTRIES):
        number = version * 5 + n
        words = " ".join(WORDS[(index + number + k) % len(WORDS)] for k in range(40))
        title = f"Company {index} {WORDS[number % len(WORDS)]} update {number}"
        if number % MENTION_EVERY == 0:
            member = index + SOURCES * (number // MENTION_EVERY % 4)
            title = f"{member_name(member)} benoemd tot directeur bij Company {index}"
        published = ANCHOR - timedelta(hours=(n * 37 + index) % 96)
        items.append(
            f"<item><title>{title}</title>"
            f"<link>https://news{index}.example/{number}</link><guid>n{index}-{number}</guid>"
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{words}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Company {index}</title><link>https://news{index}.example/</link>"
        f"<description>News</description>{''.join(items)}</channel></rss>"
    ).encode()


def serve(port_queue: Any, share: Any, cycle: Any, total: int) -> None:
    """The feed server process: /robots.txt is absent, /feed/<i>.xml answers with ETags."""
    body_of = functools.lru_cache(maxsize=32_768)(feed_body)  # a server's cache
    for index in range(total):  # the cold cycle's feeds, as files ready to serve
        body_of(index, 1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm
            # and delayed ACKs add 40 ms to every keep-alive response.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            if not self.path.startswith("/feed/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            index = int(self.path.split("/")[2].split(".")[0])
            version = self._version(index)
            etag = f'"{index}-{version}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = body_of(index, version)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _version(self, index: int) -> int:
            """How many cycles changed this feed so far."""
            changed = 0
            for k in range(1, cycle.value + 1):
                digest = hashlib.sha256(f"{index}:{k}".encode()).digest()[0] / 256
                changed += digest < share[k]
            return changed

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def tree_cpu(processes: list[psutil.Process]) -> tuple[float, float]:
    """CPU seconds (with exited children's) and resident MiB of processes and their
    children."""
    cpu = rss = 0.0
    for root in processes:
        try:
            times = root.cpu_times()
            cpu += times.children_user + times.children_system
            family = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for proc in family:
            try:
                times = proc.cpu_times()
                cpu += times.user + times.system
                rss += proc.memory_info().rss / 2**20
            except psutil.NoSuchProcess:
                continue
    return cpu, rss


def service_processes() -> list[psutil.Process]:
    """The PostgreSQL and Redis servers on this machine (their main processes)."""
    found = []
    for proc in psutil.process_iter(["name", "ppid"]):
        name = proc.info["name"] or ""
        if name.startswith("redis-server"):
            found.append(proc)
        elif name.startswith("postgres"):
            try:
                parent = psutil.Process(proc.info["ppid"]).name()
            except psutil.NoSuchProcess:
                parent = ""
            if not parent.startswith("postgres"):
                found.append(proc)
    return found


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

    global SOURCES
    SOURCES = args.sources  # before the feed server forks: it names the same members
    # share[k]: the fraction of feeds that change in cycle k.
    share, cycle = multiprocessing.Array("d", 16), multiprocessing.Value("i", 0)
    ports: Any = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve, args=(ports, share, cycle, args.sources), daemon=True
    )
    server.start()

    database = f"keepwarm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    url = (
        PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
        + f"/{database}"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")},
        "KEEPWARM_DATABASE_URL": url,
        "KEEPWARM_BROKER_URL": REDIS,
        "KEEPWARM_BROKER_NAMESPACE": f"bench-{uuid.uuid4().hex[:6]}",
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        # Every feed is on one loopback host: per-host limits would serialise the bench.
        "KEEPWARM_HOST_INTERVAL": "0",
        "KEEPWARM_HOST_CONCURRENCY": "0",
        "KEEPWARM_TICK_SECONDS": "1",
        "KEEPWARM_FETCH_CONCURRENCY": str(args.fetches),
        "KEEPWARM_LOG_LEVEL": "WARNING",
        # Every feed is new to the bench: its entries are news, not a baseline to record.
        "KEEPWARM_FIRST_POLL_BASELINE": "false",
        "KEEPWARM_LOG_FORMAT": "json",
    }
    os.environ.update(env)
    from models.schema import Employer, Member, Source
    from workers.app import App
    from workers.demo.servers import free_port
    from workers.settings import Settings

    base = f"http://127.0.0.1:{ports.get(timeout=120)}"

    app = App.build(Settings.from_env(), migrate=True)
    now = datetime.now(UTC)
    with app.engine.begin() as connection:
        connection.execute(
            insert(Employer),
            [
                {"name": f"Company {i}", "key": f"company {i}", "created_at": now}
                for i in range(args.sources)
            ],
        )
        connection.execute(
            insert(Member),
            [
                {
                    "name": member_name(i),
                    "email": f"p{i}@example.net",
                    "employer_id": 1 + i % args.sources,
                    "language": "en",
                    "do_not_contact": False,
                    # Contacted today: no check-ins fall due, so the cycles measure polling.
                    "last_contact_on": now.date(),
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(args.members)
            ],
        )
        connection.execute(
            insert(Source),
            [
                {
                    "url": f"{base}/feed/{i}.xml",
                    "kind": "feed",
                    "employer_id": i + 1,
                    "enabled": True,
                    "next_poll_at": now + timedelta(days=1),  # due when a cycle starts
                    "error_count": 0,
                    "created_at": now,
                }
                for i in range(args.sources)
            ],
        )

    command = [sys.executable, "-m", "workers"]
    # Each worker serves its metrics (its parse CPU among them) on a port of its own.
    metrics_ports = [free_port(), free_port()]
    prom_dir = Path(tempfile.mkdtemp(prefix="keepwarm-bench-prom-"))
    keepwarm = [
        *(
            subprocess.Popen(
                [*command, "worker", "--processes", "1", "--threads", str(args.threads)],
                env={
                    **env,
                    "KEEPWARM_METRICS_PORT": str(port),
                    "KEEPWARM_METRICS_HOST": "127.0.0.1",
                    "dramatiq_prom_db": str(prom_dir / str(port)),
                },
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
            )
            for port in metrics_ports
        ),
        subprocess.Popen([*command, "scheduler"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL),
    ]
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
        for process in keepwarm:
            process.terminate()
        for process in keepwarm:
            process.wait(timeout=30)
        app.close()
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
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


def cycle_progress(app: Any, start: datetime) -> dict[str, int]:
    """Sources polled since ``start``; the cycle's items, signals and moments, and the
    items and signals still owed detection and planning."""
    from models.schema import Item, Moment, Signal, Source

    with app.sessions() as session:
        return {
            "polled": session.scalar(
                select(func.count(Source.id)).where(Source.last_polled_at >= start)
            )
            or 0,
            "items": session.scalar(select(func.count(Item.id)).where(Item.fetched_at >= start))
            or 0,
            "undetected": session.scalar(
                select(func.count(Item.id)).where(Item.detected_at.is_(None))
            )
            or 0,
            "signals": session.scalar(
                select(func.count(Signal.id)).where(Signal.created_at >= start)
            )
            or 0,
            "unplanned": session.scalar(
                select(func.count(Signal.id)).where(Signal.planned_at.is_(None))
            )
            or 0,
            "moments": session.scalar(
                select(func.count(Moment.id)).where(Moment.created_at >= start)
            )
            or 0,
        }


def queue_length(settings: Any) -> int:
    """Messages waiting in the poll and pipeline queues (delayed ones too)."""
    import redis

    client = redis.Redis.from_url(settings.broker_url)
    try:
        return sum(
            int(client.llen(f"{settings.broker_namespace}:{queue}"))
            + int(client.zcard(f"{settings.broker_namespace}:{queue}.DQ"))
            for queue in ("poll", "pipeline")
        )
    finally:
        client.close()


def workers_stage_cpu(ports: list[int]) -> dict[str, float]:
    """CPU seconds the workers spent so far per actor, and parsing ("parse")."""
    totals: dict[str, float] = {}
    for port in ports:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if not sample.name.endswith("_total"):
                    continue
                if family.name == "keepwarm_stage_cpu_seconds":
                    actor = sample.labels["actor"]
                    totals[actor] = totals.get(actor, 0.0) + sample.value
                elif family.name == "keepwarm_parse_cpu_seconds":
                    totals["parse"] = totals.get("parse", 0.0) + sample.value
    return totals


def workers_parse_cpu(ports: list[int]) -> float:
    """The CPU seconds the workers spent parsing so far, from their metrics."""
    total = 0.0
    for port in ports:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            if family.name == "keepwarm_parse_cpu_seconds":
                total += sum(s.value for s in family.samples if s.name.endswith("_total"))
    return total


def wait_for_metrics(ports: list[int]) -> None:
    """Wait until every worker serves its metrics."""
    deadline = time.monotonic() + 60
    while True:
        try:
            workers_parse_cpu(ports)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def steal_seconds() -> float:
    """CPU seconds the hypervisor gave to other machines, all cores together (Linux)."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return 0.0
    return int(fields[8]) / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def bare_fetch(base: str, total: int) -> dict[str, float]:
    """The ceiling: one httpx client fetching every feed, then asking again with its ETag."""
    with httpx.Client() as client:
        started, cpu_before = time.monotonic(), time.process_time()
        etags = [client.get(f"{base}/feed/{i}.xml").headers["etag"] for i in range(total)]
        full = time.process_time() - cpu_before
        middle, cpu_middle = time.monotonic(), time.process_time()
        for i, etag in enumerate(etags):
            client.get(f"{base}/feed/{i}.xml", headers={"If-None-Match": etag})
        conditional = time.process_time() - cpu_middle
        elapsed = time.monotonic() - middle
    return {
        "seconds": round(time.monotonic() - started, 1),
        "sources_per_second": round(total / elapsed, 1),
        "cpu_ms_per_source": round(1000 * conditional / total, 2),
        "cpu_ms_per_full_fetch": round(1000 * full / total, 2),
    }


FETCH_PATH = "fetch path over bare httpx (304s)"


def fetch_path_over_bare_httpx(
    fetcher: Any, base: str, total: int, sample: int = 1000, rounds: int = 4
) -> dict[str, float]:
    """CPU per unchanged source (a conditional GET answered 304) through keepwarm's fetcher
    and through a bare ``httpx.Client`` loop, against the same server in this process;
    rounds alternate so that the machine's drift falls on both alike."""
    urls = [f"{base}/feed/{i}.xml" for i in range(0, total, max(1, total // sample))]
    cpu = {"keepwarm": 0.0, "bare": 0.0}
    with httpx.Client() as client:
        etags = [client.get(url).headers["etag"] for url in urls]
        for _ in range(rounds):
            before = time.process_time()
            for url, etag in zip(urls, etags, strict=True):
                assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
            middle = time.process_time()
            for url, etag in zip(urls, etags, strict=True):
                assert fetcher.get(url, etag=etag).not_modified
            cpu["bare"] += middle - before
            cpu["keepwarm"] += time.process_time() - middle
    requests = rounds * len(urls)
    return {
        "requests_each": requests,
        "keepwarm_cpu_ms_per_304": round(1000 * cpu["keepwarm"] / requests, 3),
        "bare_httpx_cpu_ms_per_304": round(1000 * cpu["bare"] / requests, 3),
        "ratio": round(cpu["keepwarm"] / cpu["bare"], 2),
    }


def parse_cpu_per_feed(total: int, sample: int = 400) -> float:
    """feedparser's CPU seconds for one of the cold cycle's feeds (a sample of them)."""
    from sources.feeds import parse_feed

    indexes = range(0, total, max(1, total // sample))
    cpu_before = time.process_time()
    for index in indexes:
        parse_feed(feed_body(index, 1), url=f"http://127.0.0.1/feed/{index}.xml")
    return (time.process_time() - cpu_before) / len(indexes)


def parse_floor(
    total: int, cold: dict[str, float], before: float, after: float
) -> dict[str, float]:
    """The cold cycle's parse-bound floor: the workers' parse CPU for its feeds over the
    cores."""
    parse = cold["workers_parse_cpu_seconds"]
    floor = parse / (os.cpu_count() or 1)
    return {
        "parse_cpu_ms_per_feed": round(1000 * parse / total, 2),
        "quiet_parse_cpu_ms_before_and_after": [round(1000 * before, 2), round(1000 * after, 2)],
        "floor_seconds": round(floor, 1),
        "cold_over_floor": round(cold["seconds"] / floor, 2),
    }


PHYSICAL_FLOOR = "physical floor (steady cycle)"


def physical_floor(results: dict[str, Any], parse_s: float, changed: float) -> dict[str, float]:
    """The issue's floor for a steady cycle: (1 - changed) x a bare httpx 304 plus
    changed x (a bare 200 plus feedparser's parse of that feed), measured in this run;
    and the steady cycle's CPU per source (keepwarm, PostgreSQL and Redis) over it."""
    bare = results["bare fetch loop (ceiling)"]
    floor = (1 - changed) * bare["cpu_ms_per_source"] + changed * (
        bare["cpu_ms_per_full_fetch"] + 1000 * parse_s
    )
    steady = next(v for k, v in results.items() if k.startswith("steady"))
    return {
        "floor_cpu_ms_per_source": round(floor, 3),
        "steady_cpu_ms_per_source_all_told": steady["cpu_ms_per_source_all_told"],
        "steady_over_floor": round(steady["cpu_ms_per_source_all_told"] / floor, 1),
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
