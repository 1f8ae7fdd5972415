"""The poll-cycle bench's meters: CPU and memory of process trees, the workers' CPU per
stage from their Prometheus metrics, the hypervisor's steal, the queues' length and a
cycle's progress in the database."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psutil
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select


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


def cycle_progress(app: Any, start: datetime) -> dict[str, int]:
    """Sources polled since ``start``; the cycle's items, signals and moments, and the
    items and signals still owed detection and planning."""
    from models.schema import Item, Moment, Signal, Source

    queries = {
        "polled": select(func.count(Source.id)).where(Source.last_polled_at >= start),
        "items": select(func.count(Item.id)).where(Item.fetched_at >= start),
        "undetected": select(func.count(Item.id)).where(Item.detected_at.is_(None)),
        "signals": select(func.count(Signal.id)).where(Signal.created_at >= start),
        "unplanned": select(func.count(Signal.id)).where(Signal.planned_at.is_(None)),
        "moments": select(func.count(Moment.id)).where(Moment.created_at >= start),
    }
    with app.sessions() as session:
        return {name: session.scalar(query) or 0 for name, query in queries.items()}


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
