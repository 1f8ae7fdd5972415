"""The reader beyond one event per text: sentences, several events, texts read apart."""

from __future__ import annotations

import pytest

from sources.events import NONE, classify, events_in
from sources.events.calibration import interpolated


def test_two_clauses_give_two_events_with_their_own_slots() -> None:
    events = events_in("Jan Jansen wordt CEO van Philips; Piet de Vries vertrekt naar Shell.")

    assert [(e.person, e.new_employer) for e in events] == [
        ("Jan Jansen", "Philips"),
        ("Piet de Vries", "Shell"),
    ]
    assert events[0].new_title == "CEO"


def test_a_paragraph_with_three_appointments_gives_three() -> None:
    text = (
        "Anna Smit is benoemd tot CFO van ING. Karel Bos wordt directeur van Rabobank. "
        "Els Mol treedt aan als voorzitter van KPN."
    )

    found = {(e.person, e.new_employer) for e in events_in(text)}

    assert found == {("Anna Smit", "ING"), ("Karel Bos", "Rabobank"), ("Els Mol", "KPN")}


def test_a_title_and_summary_are_read_apart() -> None:
    text = "Nieuwe directeur bij ZeelandSoftware\nRuben Smits begint per 1 april."

    for event in events_in(text):
        assert "Ruben" not in (event.new_employer or "")
        assert "ZeelandSoftware" not in (event.person or "")


def test_the_same_news_in_headline_and_summary_is_one_event() -> None:
    text = (
        "Jan de Vries nieuwe CFO van Acme\n"
        "Jan de Vries treedt per 1 maart in dienst als CFO van Acme."
    )

    events = events_in(text)

    assert len(events) == 1 and events[0].person == "Jan de Vries"


def test_an_initial_or_honorific_does_not_end_a_sentence() -> None:
    event = classify("Arvin Industries Inc said L.K. Evans has been elected president.")

    assert event.person == "L.K. Evans"


def test_classify_is_the_best_of_the_events() -> None:
    text = "Het regent.\nJan Jansen wordt CEO van Philips; Piet de Vries vertrekt."

    assert classify(text) == events_in(text)[0]
    assert classify("Het regent vandaag in Zeeland.").label == NONE
    assert events_in("Het regent vandaag in Zeeland.") == []


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.1, 0.2), (0.5, 0.2), (0.6, 0.5), (0.7, 0.8), (0.8, 0.9), (0.99, 0.9)],
)
def test_a_calibration_curve_is_interpolated_and_flat_beyond_its_ends(
    score: float, expected: float
) -> None:
    points = [(0.5, 0.2), (0.7, 0.8), (0.8, 0.9)]

    assert interpolated(points, score) == pytest.approx(expected)
