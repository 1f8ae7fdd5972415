"""The poll-cycle bench's floors: what the same work costs without keepwarm. A bare httpx
loop over the feeds (the ceiling), keepwarm's fetcher against a bare client on 304s,
feedparser's parse of a feed in a quiet process, and the issue's physical floor for a
steady cycle built from them."""

from __future__ import annotations

import os
import time
from typing import Any

import httpx
from cycle_feeds import feed_body


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
        parse_feed(feed_body(index, 1, total), url=f"http://127.0.0.1/feed/{index}.xml")
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
