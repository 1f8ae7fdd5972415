"""Benchmark: build the name matcher for a large pool and match articles against it.

    .venv/bin/python bench/match_names.py [--members 680000] [--employers 50000] [--articles 2000]

Prints build time, resident memory of the automaton and articles per second, and writes
the figures to bench/results/match_names.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from pathlib import Path

from sources.detect import NameMatcher

FIRST = [
    "jan",
    "piet",
    "kees",
    "anna",
    "lisa",
    "sanne",
    "emma",
    "sophie",
    "daan",
    "noah",
    "lucas",
    "sem",
    "finn",
    "milan",
    "levi",
    "eva",
    "julia",
    "tess",
    "sara",
    "mila",
    "nina",
    "fleur",
    "lotte",
    "anouk",
    "iris",
    "tom",
    "bram",
    "thijs",
    "ruben",
    "jesse",
    "john",
    "mary",
    "james",
    "linda",
    "robert",
    "patricia",
    "michael",
    "jennifer",
    "david",
    "elizabeth",
]
PARTICLE = ("", "", "", "van ", "de ", "van der ", "van den ", "ter ", "den ")
LAST = [
    "jansen",
    "vries",
    "bakker",
    "visser",
    "smit",
    "meijer",
    "boer",
    "mulder",
    "bos",
    "vos",
    "peters",
    "hendriks",
    "dekker",
    "brouwer",
    "dijk",
    "berg",
    "wit",
    "kok",
    "jacobs",
    "vermeulen",
    "graaf",
    "leeuwen",
    "wouters",
    "willems",
    "maas",
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "miller",
    "davis",
    "wilson",
    "anderson",
    "taylor",
]
WORDS = [
    "de",
    "het",
    "een",
    "en",
    "van",
    "in",
    "op",
    "met",
    "voor",
    "bedrijf",
    "nieuws",
    "markt",
    "groei",
    "jaar",
    "nieuwe",
    "directeur",
    "the",
    "a",
    "of",
    "and",
    "to",
    "company",
    "news",
    "market",
    "growth",
    "year",
    "new",
    "director",
    "said",
    "today",
]


def rss_mib() -> float:
    """Resident memory of this process in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_pool(
    members: int, employers: int, rng: random.Random
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    people = [
        (
            i,
            f"{rng.choice(FIRST).title()} {rng.choice(PARTICLE)}"
            f"{rng.choice(LAST).title()}{i % 997 or ''}",
        )
        for i in range(members)
    ]
    companies = [
        (i, f"{rng.choice(LAST).title()} {rng.choice(WORDS).title()} {i} B.V.")
        for i in range(employers)
    ]
    return people, companies


def article(
    rng: random.Random, people: list[tuple[int, str]], companies: list[tuple[int, str]]
) -> str:
    words = [rng.choice(WORDS) for _ in range(800)]
    for _ in range(3):
        words.insert(rng.randrange(len(words)), rng.choice(people)[1])
        words.insert(rng.randrange(len(words)), rng.choice(companies)[1])
    return " ".join(words)  # about 5 KB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--employers", type=int, default=50_000)
    parser.add_argument("--articles", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(7)
    people, companies = synthetic_pool(args.members, args.employers, rng)
    texts = [article(rng, people, companies) for _ in range(args.articles)]
    gc.collect()
    before = rss_mib()
    started = time.perf_counter()
    matcher = NameMatcher(employers=companies, members=people)
    build = time.perf_counter() - started
    gc.collect()
    memory = rss_mib() - before
    started = time.perf_counter()
    found = sum(len(matcher.find(text).member_ids) for text in texts)
    elapsed = time.perf_counter() - started
    figures = {
        "members": args.members,
        "employers": args.employers,
        "keys": matcher.size,
        "build_seconds": round(build, 2),
        "memory_mib": round(memory, 1),
        "articles": args.articles,
        "article_bytes": round(sum(map(len, texts)) / len(texts)),
        "articles_per_second": round(args.articles / elapsed),
        "members_found": found,
    }
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}")
    out = Path(__file__).parent / "results" / "match_names.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
