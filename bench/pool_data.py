"""A generated agency pool as a Dutch Excel export would give it (semicolons, Dutch headers).

Names follow how real Dutch and Belgian pools look: a few surnames carry a large share
(Jansen, de Vries, van den Berg, Bakker, Visser, de Boer in the Netherlands; Peeters,
Janssens, Maes in Flanders), a long tail of compound surnames, and international names.
Employers are drawn Zipf-wise from about 25,000 companies, a few big ones shared by
thousands and spelled several ways ("ASML", "ASML Netherlands B.V."), as exports do.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

WORDS = json.loads((Path(__file__).parent / "pool_words.json").read_text("utf-8"))
NL_FIRST, BE_FIRST, INT_FIRST = WORDS["nl_first"], WORDS["be_first"], WORDS["int_first"]
NL_LAST, BE_LAST, INT_LAST = WORDS["nl_last"], WORDS["be_last"], WORDS["int_last"]
TAIL_HEAD, TAIL_ROOT, PLACES = WORDS["tail_head"], WORDS["tail_root"], WORDS["places"]
DOMAINS, BIG, SECTOR = WORDS["domains"], WORDS["big"], WORDS["sector"]
TITLES, CITIES = WORDS["titles"], WORDS["cities"]
INTERESTS, TOPICS = WORDS["interests"], WORDS["topics"]
HEADER = [
    "Externe ID",
    "Naam",
    "E-mailadres",
    "Werkgever",
    "Website werkgever",
    "Functie",
    "Plaats",
    "Laatste contact",
    "Onderwerp laatste gesprek",
    "Interessegebieden",
    "Eigenaar",
    "Taal",
    "Profielen",
]
TAIL_PARTICLE = ("", "", "", "van ", "van der ", "van den ", "ter ", "van de ")
FORMS = ("B.V.", "BV", "bv", "N.V.", "NV", "", "", "", "Holding B.V.", "Group")


def zipf(items: list[str], exponent: float) -> list[float]:
    """Cumulative Zipf weights over ``items`` in their order."""
    return list(accumulate(1 / (rank**exponent) for rank in range(1, len(items) + 1)))


def companies(rng: random.Random, count: int, tail: list[str]) -> list[str]:
    """The big names first, then made-up regional firms, unique by their company key."""
    names, seen = list(BIG), {b.lower() for b in BIG}
    while len(names) < count:
        first = rng.choice((NL_LAST, BE_LAST, PLACES, tail)[rng.randrange(4)])
        suffix = rng.choice(("", "", "", " Groep", " & Partners", " Nederland", " Benelux"))
        name = f"{first} {rng.choice(SECTOR)}{suffix}"
        if name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def spelling(rng: random.Random, company: str) -> str:
    """The company as one recruiter typed it: with or without its legal form, any case."""
    form = rng.choice(FORMS)
    spelled = f"{company} {form}".strip()
    return spelled.lower() if rng.random() < 0.05 else spelled


def slug(text: str) -> str:
    """Letters and digits only, lower case."""
    return "".join(c for c in text.lower() if c.isalnum())


def write_pool(path: Path, rows: int, rng: random.Random, *, today: date) -> dict[str, int]:
    """Write ``rows`` members to ``path``; return how many distinct names and employers."""
    tail = [f"{p}{h}{r}".strip() for p in TAIL_PARTICLE[3:] for h in TAIL_HEAD for r in TAIL_ROOT]
    tail += [f"{h}{r}" for h in TAIL_HEAD for r in TAIL_ROOT]
    origins = (
        (0.62, NL_FIRST, NL_LAST),
        (0.20, BE_FIRST, BE_LAST),
        (0.18, INT_FIRST, INT_LAST),
    )
    weights = {id(last): zipf(last, 0.9) for _, _, last in origins}
    firms = companies(rng, 25_000, tail)
    firm_weights = zipf(firms, 1.0)
    owners = [f"recruiter{n:02d}@agency.example" for n in range(1, 41)]
    used: dict[str, int] = {}
    surnames: set[str] = set()
    employers: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(HEADER)
        for n in range(rows):
            _, first_names, last_names = rng.choices(origins, weights=[o[0] for o in origins])[0]
            first = rng.choice(first_names)
            if rng.random() < 0.25:
                last = rng.choice(tail)
            else:
                last = rng.choices(last_names, cum_weights=weights[id(last_names)])[0]
            surnames.add(last)
            local = f"{slug(first)}.{slug(last)}"
            used[local] = used.get(local, 0) + 1
            if used[local] > 1:
                local += str(used[local])
            firm = rng.choices(firms, cum_weights=firm_weights)[0]
            employers.add(firm)
            site = f"https://www.{slug(firm)}.nl" if rng.random() < 0.3 else ""
            contact = today - timedelta(days=rng.randrange(30, 1100))
            profile = ""
            if rng.random() < 0.2:
                profile = f"https://www.linkedin.com/in/{local.replace('.', '-')}"
            elif rng.random() < 0.03:
                profile = f"https://{local.replace('.', '')}.nl/over-mij"
            writer.writerow(
                [
                    f"ats-{100000 + n}" if rng.random() < 0.9 else "",
                    f"{first} {last}",
                    f"{local}@{rng.choice(DOMAINS)}",
                    spelling(rng, firm),
                    site,
                    rng.choice(TITLES),
                    rng.choice(CITIES),
                    f"{contact:%d-%m-%Y}" if rng.random() < 0.7 else "",
                    rng.choice(TOPICS) if rng.random() < 0.3 else "",
                    ", ".join(rng.sample(INTERESTS, 2)) if rng.random() < 0.5 else "",
                    rng.choice(owners) if rng.random() < 0.8 else "",
                    "nl" if rng.random() < 0.8 else "en",
                    profile,
                ]
            )
    return {"distinct_surnames": len(surnames), "distinct_employers": len(employers)}
