"""Detection over hostile text: whatever a feed's title and summary hold, reading them
stays bounded in CPU and ends in an event or none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.events import NONE, classify, events_in
from tests.fuzz.profile import cpu_bound

# Words the rules react to (names, particles, connectors, roles, change cues), so that
# drawn texts exercise the slot reading rather than pass it by.
WORDS = [
    "De",
    "opvolger",
    "van",
    "Jan",
    "de",
    "Vries",
    "Bakker",
    "wordt",
    "per",
    "1",
    "maart",
    "directeur",
    "CEO",
    "of",
    "Acme",
    "B.V.",
    "bij",
    "en",
    "(52)",
    "benoemd",
    "tot",
    "appointed",
    "as",
    "joins",
    "from",
    "Dr",
    "J.",
    "'t",
    "Hof",
    ",",
    ";",
    "ING",
    "Van",
    "Oord",
    "topman",
    "neemt",
    "afscheid",
    "award",
    "wint",
    "prijs",
    "overname",
]


@pytest.mark.parametrize(
    "fragment",
    [
        "De opvolger van X van Y ",  # 12,000 characters of it took 4 s before the cap
        "de opvolger van Jan de Vries van Bakker ",
        "De opvolger van Anna Bakker van ING ",
    ],
)
def test_a_megabyte_of_names_and_connectors_is_read_in_bounded_time(fragment: str) -> None:
    text = fragment * (1_000_000 // len(fragment))
    with cpu_bound(2.0):
        events = events_in(text, "nl")
    assert all(event.label != NONE for event in events)


@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3_000), st.sampled_from(["nl", "en"]))
def test_any_run_of_trigger_words_is_read_in_bounded_time(words: list[str], language: str) -> None:
    text = " ".join(words)
    with cpu_bound(2.0):
        event = classify(text, language)
    assert 0.0 <= event.confidence <= 1.0
