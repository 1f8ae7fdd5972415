"""Name normalisation: folding, company keys, person keys and first names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.names import company_key, first_name, fold, padded, person_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jan de Vries", "jan de vries"),
        ("JAN DE VRIES", "jan de vries"),
        ("José Álvarez", "jose alvarez"),
        ("Chloë Brontë-Émile", "chloe bronte emile"),
        ("Straße", "strasse"),
        ("l’Oréal", "l oreal"),
        ("O'Brien, Jr.", "o brien jr"),
        ("  lots   of\tspace\n", "lots of space"),
        ("B.V.", "bv"),
        ("Noordzee Energie N.V.", "noordzee energie nv"),
        ("A.B.C. Holding", "abc holding"),
        ("Ｆｕｌｌwidth", "fullwidth"),
        ("...!!!", ""),
        ("", ""),
        ("Café 2024", "cafe 2024"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@given(st.text())
def test_fold_output_is_plain_lowercase_words(text: str) -> None:
    folded = fold(text)

    assert folded == folded.strip()
    assert "  " not in folded
    assert all(c == " " or c.isalnum() for c in folded)
    assert fold(folded) == folded


def test_padded_puts_one_space_on_each_side() -> None:
    assert padded("Jan, de Vries!") == " jan de vries "


@pytest.mark.parametrize(
    "spelling",
    [
        "ACME B.V.",
        "Acme bv",
        "acme",
        "Acme BV.",
        "Acme, B.V.",
        "ACME N.V.",
        "Acme Holding B.V.",
        "Acme Inc.",
        "Acme GmbH",
        "acme ltd",
        "Acme Group",
        "Acme Holdings Limited",
    ],
)
def test_company_key_ignores_case_punctuation_and_legal_suffixes(spelling: str) -> None:
    assert company_key(spelling) == "acme"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Noordzee Energie N.V.", "noordzee energie"),
        ("Holding", "holding"),
        ("Holding B.V.", "holding"),
        ("B.V.", "bv"),
        ("Group Holding", "group"),
        ("Société Générale S.A.", "societe generale"),
        ("Bakkerij de Vries v.o.f.", "bakkerij de vries"),
        ("BV Bouw", "bv bouw"),  # a suffix is only dropped at the end
        ("Acme Corp International", "acme corp international"),
        ("", ""),
    ],
)
def test_company_key(name: str, expected: str) -> None:
    assert company_key(name) == expected


def test_company_key_keeps_different_companies_apart() -> None:
    assert company_key("Acme Energy B.V.") != company_key("Acme B.V.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jan de Vries", "jan de vries"),
        ("  JAN  de   VRIES ", "jan de vries"),
        ("Jan-Willem van den Bërg", "jan willem van den berg"),
        ("Madonna", "madonna"),
        ("Jan de Vries B.V.", "jan de vries bv"),  # no suffix stripping for people
    ],
)
def test_person_key(name: str, expected: str) -> None:
    assert person_key(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jan de Vries", "Jan"),
        ("  Anna   Bakker ", "Anna"),
        ("Jan-Willem de Boer", "Jan-Willem"),
        ("Émile", "Émile"),
        ("", ""),
    ],
)
def test_first_name(name: str, expected: str) -> None:
    assert first_name(name) == expected
