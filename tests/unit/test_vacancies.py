"""Matching vacancies to members by concept groups, in Dutch and English."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.vacancies import ConceptFinder, concepts, default_synonyms, load_synonyms, relevance

# ----------------------------------------------------------------------------- concepts


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("Senior Data Engineer", {"data"}),
        ("Ontwikkelaar backend", {"software"}),
        ("Supply chain planner", {"logistics"}),
        ("Medior softwareontwikkelaar", {"software"}),
        ("Full-stack developer", {"software"}),
        ("Data analist bij de gemeente", {"data"}),
        ("Head of Data", {"data", "leadership"}),
        ("Teamleider magazijn", {"leadership", "logistics"}),
        ("Product Owner", {"product"}),
        ("Verpleegkundige IC", {"healthcare"}),
        ("Jurist arbeidsrecht", {"legal"}),
        ("Docent wiskunde", {"education"}),
        ("Medewerker werving & selectie", {"hr"}),
        ("Site Reliability Engineer (SRE)", {"cloud"}),
        # Case and accents do not matter; punctuation separates words.
        ("SENIOR DATA ENGINEER", {"data"}),
        ("Financiën en control", {"finance"}),
        ("Medewerker FINANCIËN", {"finance"}),
        ("Zonne-energie projectleider", {"energy"}),
        ("FP&A analyst", {"finance"}),
        ("AI/ML engineer", {"data"}),
        ("B.I. specialist", {"data"}),
        # Whole words only.
        ("Een bijzonder leuke baan", set()),
        ("BI specialist", {"data"}),
        ("Mail room assistant", set()),
        ("Planningsmedewerker", set()),
        ("Hoofdaannemer", set()),
        ("", set()),
        ("   ", set()),
        ("Bakker", set()),
    ],
)
def test_concepts(text: str, groups: set[str]) -> None:
    assert concepts(text) == frozenset(groups)


def test_default_groups_are_bundled_and_padded() -> None:
    groups = default_synonyms()

    assert {"software", "data", "logistics", "finance", "hr", "energy"} <= set(groups)
    for terms in groups.values():
        assert terms
        assert all(t.startswith(" ") and t.endswith(" ") and t.strip() for t in terms)
        assert all(t == t.lower() for t in terms)


GROUP_TERMS = [
    (group, term.strip()) for group, terms in default_synonyms().items() for term in terms
]
SEPARATORS = [" ", ", ", " / ", " - ", " (", ") ", ": ", "\n", " & "]


@given(
    group_term=st.sampled_from(GROUP_TERMS),
    before=st.sampled_from(["", "Senior", "Wij zoeken een", "Lead"]),
    after=st.sampled_from(["", "m/v/x", "bij Acme B.V.", "(32 uur)"]),
    left=st.sampled_from(SEPARATORS),
    right=st.sampled_from(SEPARATORS),
    shout=st.booleans(),
)
def test_every_term_finds_its_group_whatever_surrounds_it(
    group_term: tuple[str, str], before: str, after: str, left: str, right: str, shout: bool
) -> None:
    group, term = group_term
    text = f"{before}{left}{term}{right}{after}"

    assert group in concepts(text.upper() if shout else text)


WORDS = [term for _, term in GROUP_TERMS] + ["Café", "engineer", "bij", "Ångström", "data-", "x"]


@given(
    vacancy=st.lists(st.sampled_from(WORDS), max_size=6),
    member=st.lists(st.sampled_from(WORDS + SEPARATORS), max_size=12),
)
def test_the_finder_sees_exactly_the_wanted_concepts_concepts_sees(
    vacancy: list[str], member: list[str]
) -> None:
    wanted = concepts(" ".join(vacancy))
    text = " ".join(member)

    assert ConceptFinder(wanted).concepts(text) == concepts(text) & wanted


@given(a=st.text(max_size=60), b=st.text(max_size=60))
def test_more_text_never_loses_a_concept(a: str, b: str) -> None:
    assert concepts(f"{a} {b}") >= concepts(a) | concepts(b)


@given(text=st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_concepts_ignore_case(text: str) -> None:
    assert concepts(text.upper()) == concepts(text.lower()) == concepts(text)


# ---------------------------------------------------------------------------- relevance


@pytest.mark.parametrize(
    ("vacancy", "member", "expected"),
    [
        ({"data"}, {"software"}, 0.0),
        ({"data"}, set(), 0.0),
        (set(), {"data"}, 0.0),
        (set(), set(), 0.0),
        ({"data"}, {"data"}, 1.0),
        ({"data"}, {"data", "software", "cloud"}, 1.0),
        ({"data", "software"}, {"data"}, 0.5),
        ({"data", "software", "cloud"}, {"cloud"}, 0.33),
        ({"data", "software", "cloud"}, {"cloud", "data"}, 0.67),
        ({"data", "software", "cloud", "leadership"}, {"leadership", "hr"}, 0.25),
    ],
)
def test_relevance(vacancy: set[str], member: set[str], expected: float) -> None:
    assert relevance(frozenset(vacancy), frozenset(member)) == expected


group_names = st.frozensets(st.sampled_from(sorted(default_synonyms())), max_size=6)


@given(vacancy=group_names, member=group_names)
def test_relevance_is_the_share_of_the_vacancys_concepts(
    vacancy: frozenset[str], member: frozenset[str]
) -> None:
    value = relevance(vacancy, member)

    assert 0.0 <= value <= 1.0
    assert (value == 0.0) == (not vacancy & member)
    if vacancy and vacancy <= member:
        assert value == 1.0
    if vacancy:
        assert value == pytest.approx(len(vacancy & member) / len(vacancy), abs=0.005)


def test_vacancy_and_member_texts_match_across_languages() -> None:
    vacancy = concepts("Senior Data Engineer (Azure)")
    member = concepts("data engineering, cloud, kunstmatige intelligentie")

    assert vacancy == {"data", "cloud"}
    assert relevance(vacancy, member) == 1.0
    assert relevance(vacancy, concepts("Accountmanager")) == 0.0


# ------------------------------------------------------------------------ load_synonyms


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        pytest.param({}, r"needs a \[groups\] table", id="no-groups"),
        pytest.param({"group": {"x": ["y"]}}, r"needs a \[groups\] table", id="misspelled"),
        pytest.param({"groups": ["data"]}, r"needs a \[groups\] table", id="groups-a-list"),
        pytest.param({"groups": "data"}, r"needs a \[groups\] table", id="groups-a-string"),
        pytest.param(
            {"groups": {"data": "data"}}, "group 'data' must be a list of strings", id="a-string"
        ),
        pytest.param(
            {"groups": {"data": ["data", 3]}},
            "group 'data' must be a list of strings",
            id="a-number-in-the-list",
        ),
        pytest.param(
            {"groups": {"data": {"terms": ["data"]}}},
            "group 'data' must be a list of strings",
            id="a-table",
        ),
    ],
)
def test_load_synonyms_rejects_bad_files(raw: Mapping[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        load_synonyms(raw)


def test_load_synonyms_folds_terms_and_drops_empty_ones() -> None:
    groups = load_synonyms(
        {"groups": {"horeca": ["Barista", "Café-Manager", "", "  ", "--"], "leeg": []}}
    )

    assert groups == {"horeca": (" barista ", " cafe manager "), "leeg": ()}


CUSTOM = load_synonyms(
    {
        "groups": {
            "horeca": ["barista", "café", "kok", "chef"],
            "data": ["big data"],
        }
    }
)


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("Barista in het Cafe", {"horeca"}),
        ("Chef-kok", {"horeca"}),
        ("Chefarts", set()),
        ("Big Data engineer", {"data"}),
        ("Data engineer", set()),  # the custom groups replace the bundled ones
        ("Software developer", set()),
    ],
)
def test_concepts_with_custom_synonyms(text: str, groups: set[str]) -> None:
    assert concepts(text, CUSTOM) == frozenset(groups)


def test_empty_custom_synonyms_find_nothing() -> None:
    assert concepts("Senior Data Engineer", {}) == frozenset()
