"""The slots of a job change (person, new employer, new title), family by family.

Each family of extraction error was found on the tuning half of the real development data
(tests/data/signals-real-*.jsonl); the sentences here are records of that half, quoted as
published, each with the address of its page. The scoring the benchmark uses for the slots
(bench/eval_signals.py) is checked here too.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from sources.events import classify

BENCH = Path(__file__).resolve().parents[2] / "bench" / "eval_signals.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_signals_slots", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("gold", "found", "equal"),
    [
        ("Dr. Allen Bourff", "Allen Bourff", True),  # a leading honorific does not count
        ("Mevrouw Erna Mobach", "Erna Mobach", True),
        ("Bert Ooms; Tini van der Heiden", "Tini van der Heiden; Bert Ooms", True),
        ("Bert Ooms; Tini van der Heiden", "Bert Ooms", False),  # one of two is not both
        ("J. Tuytel", "Tuytel", False),  # an initial is part of the name
        ("Drs Jansen", "Jansen", True),
    ],
)
def test_a_person_is_scored_without_honorifics_in_any_order(
    gold: str, found: str, equal: bool
) -> None:
    assert _bench().same("person", gold, found) is equal


def test_an_employer_is_scored_without_legal_suffix_case_or_article() -> None:
    same = _bench().same
    assert same("new_employer", "CHORUS/CHOR, Inc.", "chorus/chor")
    assert same("new_employer", "The Washington Post", "Washington Post")
    assert not same("new_employer", "Department of Education", "Education")


@pytest.mark.parametrize(
    ("text", "person"),
    [
        # an initial opening the text is no sentence of its own
        # (nl-0365, https://www.nrc.nl/nieuws/1996/03/06/j-tuytel-7301655-a435053)
        (
            "J. Tuytel is benoemd tot voorzitter van het college van bestuur van de Hogeschool "
            "Rotterdam en Omstreken.",
            "J. Tuytel",
        ),
        # a name inside the apposition that describes the person is not the person
        # (nl-0194, http://olivijn.almere-speciaal.nl/nieuws/112)
        (
            "In de tussentijd zal Ad van Tok, directeur Regie en Bedrijfsvoering, op verzoek van "
            "de raad van toezicht voor een korte periode optreden als bestuurder.",
            "Ad van Tok",
        ),
        # (en-0130, http://goitway.blogspot.com/2013/03/consumers-will-spend-usd-22-billion-on.html)
        (
            "Susan Desmond-Hellmann, the Chancellor of the University of California, San "
            "Francisco, becomes Facebook's ninth director and the second woman on its board.",
            "Susan Desmond-Hellmann",
        ),
        # "named current chairman, X, as": the name set off after its title
        # (en-0001, https://avtournet.blogspot.com/2019/12/boeing-announces-new-major-appointments.html)
        (
            "Boeing today announced that its Board of Directors has named current chairman, "
            "David L. Calhoun, as chief executive officer and President, effective January 13, "
            "2020.",
            "David L. Calhoun",
        ),
    ],
)
def test_the_person_is_the_one_the_sentence_is_about(text: str, person: str) -> None:
    found = classify(text)
    assert (found.label, found.person) == ("job_change", person)


def test_the_organisation_owning_the_new_role_is_the_new_employer() -> None:
    # "becomes Facebook's ninth director" (en-0130, source address above)
    found = classify(
        "Susan Desmond-Hellmann, the Chancellor of the University of California, San "
        "Francisco, becomes Facebook's ninth director and the second woman on its board."
    )
    assert found.new_employer == "Facebook"
