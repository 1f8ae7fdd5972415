"""Benchmark: match new vacancies against a pool of 680,000 members.

    .venv/bin/python bench/match_vacancy.py [--members 680000] [--postgres]

Fills a fresh database (the embedded SQLite file, or with ``--postgres`` a new database on
127.0.0.1:5432, dropped afterwards) with members whose titles and interests are drawn from
realistic Dutch and English job titles and interest lists (most members' texts are
unique, so the matcher's cache of repeated texts helps little: the pessimistic case), then
imports vacancies as a recruiter would and times ``match_vacancy`` for each: the whole
path, from the candidates' query to the moments written with their drafts. Deriving
every member's concepts once after the pool is filled (what the first vacancy after an
import pays otherwise) is timed apart, as ``concepts s``. Prints a table and
writes bench/results/match_vacancy.json.
Target (issue 14): a new vacancy against 680,000 members in under 5 s.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, text

from models.schema import Member
from workers.app import App
from workers.services.vacancies import match_vacancy
from workers.services.vacancy_import import import_vacancies
from workers.services.vacancy_matching import refresh_concepts
from workers.settings import Settings

TITLES = [
    "Software engineer",
    "Senior ontwikkelaar",
    "Data analist",
    "Data scientist",
    "Accountmanager",
    "Verpleegkundige",
    "Docent wiskunde",
    "Controller",
    "Financieel adviseur",
    "HR adviseur",
    "Recruiter",
    "Projectleider",
    "Logistiek planner",
    "Magazijnmedewerker",
    "Teamleider klantenservice",
    "Marketing manager",
    "Product owner",
    "UX designer",
    "Jurist",
    "Compliance officer",
    "Monteur",
    "Technicus",
    "Werkvoorbereider",
    "Inkoper",
    "Operations manager",
    "Directeur",
    "Consultant",
    "Beleidsmedewerker",
    "Office manager",
    "Cloud engineer",
    "Security specialist",
    "Business controller",
    "Sales manager",
]
INTERESTS = [
    "data",
    "cloud",
    "software",
    "security",
    "finance",
    "hr",
    "sales",
    "marketing",
    "logistiek",
    "zorg",
    "onderwijs",
    "duurzaamheid",
    "energie",
    "legal",
    "product",
    "design",
    "management",
    "operations",
    "techniek",
    "overheid",
    "retail",
    "horeca",
]
LEVELS = ["", "", "Senior", "Junior", "Medior", "Lead", "Interim", "Freelance", "Stagiair"]
VACANCIES = [
    ("V1", "Senior Data Engineer", "data, cloud"),
    ("V2", "Accountmanager Zakelijk", "verkoop"),
    ("V3", "Verpleegkundige IC", "zorg"),
    ("V4", "Head of Finance", "finance, management"),
]


def fill(app: App, members: int, rng: random.Random) -> float:
    """Insert the pool in batches; returns the seconds it took."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    batch = []
    with app.engine.begin() as connection:
        for n in range(members):
            batch.append(
                {
                    "name": f"Member {n}",
                    "email": f"m{n}@example.net",
                    "title": f"{rng.choice(LEVELS)} {rng.choice(TITLES)}".strip(),
                    "interests": ", ".join(rng.sample(INTERESTS, rng.randint(0, 4))),
                    "language": rng.choice(("nl", "nl", "en")),
                    "do_not_contact": rng.random() < 0.02,
                    "formal": False,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            if len(batch) == 10_000:
                connection.execute(insert(Member), batch)
                batch = []
        if batch:
            connection.execute(insert(Member), batch)
    return time.perf_counter() - started


def run(url: str, members: int, label: str, folder: Path) -> list[dict[str, object]]:
    settings = Settings.from_values({"data_dir": str(folder), "database_url": url})
    app = App.build(settings, migrate=True)
    rng = random.Random(14)
    filled = fill(app, members, rng)
    # Once after an import: every new member's concepts derived and indexed (what the
    # first vacancy would otherwise pay for); a later vacancy reads only changed members.
    started = time.perf_counter()
    refresh_concepts(app)
    derived = time.perf_counter() - started
    path = folder / "vacatures.csv"
    rows = "\n".join(f"{key};{title};{areas}" for key, title, areas in VACANCIES)
    path.write_text(f"Vacaturenummer;Functie;Vakgebied\n{rows}\n", "utf-8")
    now = datetime.now(UTC)
    import_vacancies(app, path, now)
    results = []
    for number, (key, title, _) in enumerate(VACANCIES, start=1):
        started = time.perf_counter()
        cpu = time.process_time()
        created = match_vacancy(app, number, now)
        results.append(
            {
                "database": label,
                "members": members,
                "fill_s": round(filled, 1),
                "concepts_s": round(derived, 1),
                "vacancy": f"{key} {title}",
                "moments": len(created),
                "seconds": round(time.perf_counter() - started, 2),
                "cpu_s": round(time.process_time() - cpu, 2),
            }
        )
    app.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--postgres", action="store_true", help="also on 127.0.0.1:5432")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "keepwarm.db"
        results += run(f"sqlite:///{database}", args.members, "sqlite", Path(folder))
    if args.postgres:
        import psycopg

        name = f"keepwarm_bench_{uuid.uuid4().hex[:8]}"
        admin_url = "postgresql://postgres@127.0.0.1:5432/test"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            with tempfile.TemporaryDirectory() as folder:
                url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
                results += run(url, args.members, "postgresql", Path(folder))
        finally:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)').text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(
        f"{'database':<11} {'members':>8} {'concepts s':>10} {'vacancy':<32} "
        f"{'moments':>7} {'s':>6} {'cpu s':>6}"
    )
    for row in results:
        print(
            f"{row['database']:<11} {row['members']:>8} {row['concepts_s']:>10} "
            f"{row['vacancy']:<32} {row['moments']:>7} {row['seconds']:>6} {row['cpu_s']:>6}"
        )
    worst = max(float(str(r["seconds"])) for r in results)
    verdict = "met" if worst < 5 else "NOT met"
    print(f"peak memory {peak} MB; slowest vacancy {worst} s (target < 5 s: {verdict})")
    out = Path(__file__).parent / "results" / "match_vacancy.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"runs": results, "peak_mb": peak}, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
