"""Benchmark: CPU and peak memory per file of the hostile corpus, each in a fresh process.

    .venv/bin/python bench/hostile.py

Feeds go through ``parse_feed``, pages through ``people_on_page``. Prints one line per
file (CPU seconds, growth of the peak resident memory, outcome) and writes the figures to
bench/results/hostile.json. The bound to keep: well under a second and tens of MB each.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(name: str) -> dict[str, object]:
    """Parse one corpus file in this process; its CPU, memory growth and outcome."""
    from sources.feeds import parse_feed
    from sources.pages import people_on_page
    from tests.hostile_files import FEEDS, PAGES

    body = {**FEEDS, **PAGES}[name]()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    try:
        if name in PAGES:
            outcome = f"{len(people_on_page(body, url='https://acme.example/team'))} people"
        else:
            feed = parse_feed(body, url="https://news.example/feed")
            outcome = f"{len(feed.entries)} entries, {feed.skipped} skipped"
    except Exception as exc:
        outcome = f"refused: {type(exc).__name__}"
    cpu = time.process_time() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return {
        "file": name,
        "kb": len(body) // 1000,
        "cpu_s": round(cpu, 3),
        "peak_mb": round(grown),
        "outcome": outcome,
    }


def main() -> None:
    """Measure every corpus file in a fresh process and report."""
    if len(sys.argv) == 2:
        print(json.dumps(measure(sys.argv[1])))
        return
    sys.path.insert(0, str(ROOT))
    from tests.hostile_files import FEEDS, PAGES

    figures = []
    for name in [*FEEDS, *PAGES]:
        run = subprocess.run(
            [sys.executable, __file__, name], capture_output=True, text=True, cwd=ROOT, check=True
        )
        figure = json.loads(run.stdout)
        figures.append(figure)
        print(
            f"{name:24} {figure['kb']:>6} KB  {figure['cpu_s']:6.3f} s CPU  "
            f"+{figure['peak_mb']:>3} MB  {figure['outcome']}"
        )
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / "hostile.json").write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
