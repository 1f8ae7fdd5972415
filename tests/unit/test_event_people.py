"""Who a job change is about, beyond tests/unit/test_event_slots.py: clause boundaries.

Sentences of the tuning half of the real development data (tests/data/signals-real-nl.jsonl),
quoted as published, each with the address of its page.
"""

from __future__ import annotations

from sources.events import classify


def test_a_name_after_a_clause_word_is_not_said_in_passing() -> None:
    # "de Raad van Toezicht gevraagd of Petra Reijnhoudt": "van" introduces the board, the
    # clause after "of" names the person
    # (nl-0010, https://www.onderwijsmuseum.nl/nieuws/aanstaand-vertrek-directeur-tijs-van-ruiten)
    found = classify(
        "Wegens ziekte is Tijs tijdelijk afwezig, in de tussentijd heeft de Raad van Toezicht "
        "gevraagd of Petra Reijnhoudt (adjunct directeur) zo lang de taken van Tijs wil "
        "waarnemen.",
        "nl",
    )
    assert (found.label, found.person) == ("job_change", "Petra Reijnhoudt")
