"""Workers serve Prometheus metrics: dramatiq's own and keepwarm's counters."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

from workers.demo.servers import SiteServer, free_port

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
    "<item><title>x</title><guid>1</guid></item></channel></rss>"
)


def test_a_worker_counts_its_polls_for_prometheus(
    pg_url: str, redis_url: str, tmp_path: Path
) -> None:
    site = SiteServer({"/feed.xml": (FEED, "application/rss+xml")})
    site.start()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEEPWARM_")},
        "KEEPWARM_DATABASE_URL": pg_url,
        "KEEPWARM_BROKER_URL": redis_url,
        "KEEPWARM_BROKER_NAMESPACE": f"metrics-{uuid.uuid4().hex[:6]}",
        "KEEPWARM_ALLOW_PRIVATE_NETWORKS": "127.0.0.0/8",
        "KEEPWARM_METRICS_PORT": str(port),
        "KEEPWARM_METRICS_HOST": "127.0.0.1",
        "dramatiq_prom_db": str(tmp_path / "prom"),
    }
    command = [sys.executable, "-m", "workers"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*command, "sources", "add", f"{site.base}/feed.xml"],
        env=env,
        check=True,
        capture_output=True,
    )
    worker = subprocess.Popen(
        [*command, "worker", "--processes", "1", "--threads", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        subprocess.run([*command, "run", "--once"], env=env, check=True, capture_output=True)
        text = ""
        for _ in range(60):
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.HTTPError:
                text = ""
            if 'keepwarm_polls_total{outcome="changed"}' in text:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        site.stop()
    assert 'keepwarm_polls_total{outcome="changed"} 1.0' in text
    parse_cpu = re.search(r'keepwarm_parse_cpu_seconds_total\{kind="feed"\} (\S+)', text)
    assert parse_cpu is not None and float(parse_cpu.group(1)) > 0
    assert "dramatiq_messages_total" in text
