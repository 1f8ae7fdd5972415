"""NameMatcher: employers and members named in text, on word boundaries, longest first."""

from __future__ import annotations

import pytest

from sources.detect import Mentions, NameMatcher

ACME, DE_VRIES_HOLDING, NOORDZEE, ING = 1, 2, 3, 4
JAN, JAN_NAMESAKE, JOSE, MADONNA, JAN_DOUBLE = 10, 11, 12, 13, 14

MATCHER = NameMatcher(
    employers=[
        (ACME, "Acme B.V."),
        (DE_VRIES_HOLDING, "De Vries Holding"),
        (NOORDZEE, "Noordzee Energie N.V."),
        (ING, "ING"),
        (99, "X"),  # too short to be a usable key
    ],
    members=[
        (JAN, "Jan de Vries", None),
        (JAN_NAMESAKE, "Jan de Vries", None),
        (JOSE, "José Álvarez", None),
        (MADONNA, "Madonna", None),  # a single word is too weak to name a person
        (JAN_DOUBLE, "Jan de Vries-Bakker", None),
    ],
)


Named = tuple[frozenset[int], frozenset[int]]


def found(employers: set[int] = frozenset(), members: set[int] = frozenset()) -> Named:
    """The employers and the members named (in full) that a text should yield."""
    return frozenset(employers), frozenset(members)


def named(mentions: Mentions) -> Named:
    """Employers and members named in full; weaker hints are not part of these checks."""
    return mentions.employer_ids, mentions.member_ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Jan de Vries joins Acme", found({ACME}, {JAN, JAN_NAMESAKE}), id="both"),
        pytest.param("JAN DE VRIES", found(members={JAN, JAN_NAMESAKE}), id="case"),
        pytest.param("Jan  de\n Vries", found(members={JAN, JAN_NAMESAKE}), id="whitespace"),
        pytest.param("(Jan de Vries)", found(members={JAN, JAN_NAMESAKE}), id="punctuation"),
        pytest.param("Vriesman, jan de vriesman", found(), id="no-match-inside-a-word"),
        pytest.param("Marijan de Vries", found({DE_VRIES_HOLDING}), id="no-match-word-start"),
        pytest.param("the acmeco firm", found(), id="employer-word-boundary"),
        pytest.param("Jose Alvarez named CEO", found(members={JOSE}), id="accents-in-key"),
        pytest.param("JOSÉ ÁLVAREZ", found(members={JOSE}), id="accents-in-text"),
        pytest.param("Madonna visits Rotterdam", found(), id="single-word-person-ignored"),
        pytest.param("acme bv hires", found({ACME}), id="suffix-lowercase"),
        pytest.param("ACME N.V. expands", found({ACME}), id="other-suffix"),
        pytest.param("Acme, B.V. expands", found({ACME}), id="suffix-with-comma"),
        pytest.param("Noordzee Energie NV reports", found({NOORDZEE}), id="nv-without-dots"),
        pytest.param("Noordzee Energie", found({NOORDZEE}), id="without-suffix"),
        pytest.param("ING-bank groeit", found({ING}), id="hyphen-is-a-boundary"),
        pytest.param("X marks the spot", found(), id="one-letter-employer-ignored"),
        pytest.param(
            "De Vries Holding B.V. buys a stake", found({DE_VRIES_HOLDING}), id="employer-suffix"
        ),
        pytest.param(
            "Jan de Vries-Bakker wins", found(members={JAN_DOUBLE}), id="longest-member-wins"
        ),
        pytest.param(
            "Jan de Vries spoke", found(members={JAN, JAN_NAMESAKE}), id="longest-over-employer"
        ),
        pytest.param(
            "Jan de Vries and de Vries Holding",
            found({DE_VRIES_HOLDING}, {JAN, JAN_NAMESAKE}),
            id="separate-mentions-both-count",
        ),
        pytest.param("", found(), id="empty-text"),
    ],
)
def test_find(text: str, expected: Named) -> None:
    assert named(MATCHER.find(text)) == expected


def test_namesakes_are_both_returned() -> None:
    matcher = NameMatcher(
        employers=[], members=[(1, "Anna Bakker", None), (2, "anna  BAKKER", None)]
    )

    assert matcher.find("Anna Bakker promoted").member_ids == {1, 2}


def test_employer_spellings_share_one_key() -> None:
    matcher = NameMatcher(employers=[(1, "Acme B.V."), (2, "ACME bv"), (3, "acme")], members=[])

    assert matcher.size == 1
    assert matcher.find("news about acme").employer_ids == {1, 2, 3}


def test_a_name_that_is_both_employer_and_member_returns_both() -> None:
    matcher = NameMatcher(employers=[(5, "Van Dijk B.V.")], members=[(6, "Van Dijk", None)])

    assert named(matcher.find("Van Dijk")) == found({5}, {6})


def test_adjacent_names_are_both_found() -> None:
    matcher = NameMatcher(employers=[(1, "Acme")], members=[(2, "Anna Bakker", None)])

    assert named(matcher.find("Acme Anna Bakker")) == found({1}, {2})


def test_matcher_of_only_weak_names_is_empty_and_finds_nothing() -> None:
    matcher = NameMatcher(employers=[(1, "X"), (2, "!!")], members=[(3, "Madonna", None)])

    assert matcher.size == 0
    assert named(matcher.find("X and Madonna")) == found()


def test_matcher_without_names_finds_nothing() -> None:
    assert NameMatcher(employers=[], members=[]).find("Acme Jan de Vries") == Mentions()


def dutch_pool(size: int) -> NameMatcher:
    """A pool where thousands share "de Vries" and dozens "Jan de Vries", spread over 100
    employers; member 1 is the one Jan de Vries at employer 7."""
    members = [(1, "Jan de Vries", 7)]
    members += [
        (i, f"{'Jan' if i % 50 == 0 else 'Piet'} de Vries", i % 100 + 100) for i in range(2, size)
    ]
    members += [(size + 1, "Piet Bakker", 7)]
    employers = [(7, "Acme")] + [(e, f"Bedrijf {e}") for e in range(100, 200)]
    return NameMatcher(employers=employers, members=members)


def test_a_surname_thousands_share_yields_only_those_at_an_employer_named() -> None:
    matcher = dutch_pool(5_000)
    mentions = matcher.find("De Vries vertrekt bij Bedrijf 150")
    assert mentions.surname_member_ids == {i for i in range(2, 5_000) if i % 100 + 100 == 150}
    assert matcher.find("De Vries vertrekt").surname_member_ids == frozenset()


def test_a_full_name_dozens_share_is_narrowed_by_the_employer_and_marked_shared() -> None:
    matcher = dutch_pool(5_000)
    # About a hundred members are called Jan de Vries: with no employer named, no one.
    assert matcher.find("Jan de Vries wint de marathon").member_ids == frozenset()
    at_acme = matcher.find("Jan de Vries (Acme) wint de marathon")
    assert at_acme.member_ids == at_acme.shared_member_ids == {1}
    assert matcher.find("J. de Vries van Acme").member_ids == {1}
    few = NameMatcher(employers=[], members=[(1, "Anna Smit", None), (2, "Anna Smit", None)])
    assert few.find("Anna Smit").shared_member_ids == {1, 2}


def test_a_surname_that_is_an_everyday_word_names_no_one_alone() -> None:
    matcher = dutch_pool(10)
    assert matcher.find("De bakker van Acme bakt brood").surname_member_ids == frozenset()
    assert matcher.find("Piet Bakker (Acme)").member_ids == {10 + 1}
