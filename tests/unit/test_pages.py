"""People and titles from real team, speaker and profile pages and from small hand-written ones."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.pages import (
    PagePerson,
    RosterChange,
    Selectors,
    diff_people,
    people_on_page,
    profile_of,
)

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "pages"
NAV_WORDS = {"blog", "about", "home", "contact", "team", "news", "search", "menu", "login"}


@cache
def corpus_people(name: str) -> tuple[PagePerson, ...]:
    """The people on a corpus page, parsed once per test run."""
    return tuple(people_on_page((CORPUS / name).read_bytes(), url=f"https://example.org/{name}"))


def by_name(people: tuple[PagePerson, ...] | list[PagePerson]) -> dict[str, PagePerson]:
    return {person.name: person for person in people}


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def json_ld(payload: str) -> str:
    return f'<script type="application/ld+json">{payload}</script>'


# --- real pages -------------------------------------------------------------------------------


def test_2i2c_team_page_lists_the_team_with_job_titles() -> None:
    people = corpus_people("2i2c-org.github.io__team_index.html")
    found = by_name(people)

    assert len(people) >= 12
    assert found["Damián Avila"].title == "Open Source Infrastructure Engineer"
    assert found["Sarah Gibson"].title == "Open Source Infrastructure Engineer"
    assert found["James Munroe"].title == "Product and Community Lead"
    assert found["Jim Colliander"].title == "Partnerships Lead"
    assert found["Chris Holdgraf"].title == "Executive Director"
    assert found["Yuvi Panda"].title == "Senior Open Source Infrastructure Engineer (Volunteer)"
    assert found["Sarah Gibson"].url == "https://example.org/author/sarah-gibson/"


def test_2i2c_team_page_keeps_page_order_and_lists_people_once() -> None:
    names = [p.name for p in corpus_people("2i2c-org.github.io__team_index.html")]

    assert names[:3] == ["Damián Avila", "Sarah Gibson", "Erik Sundell"]
    assert len(names) == len(set(names))  # Chris, Jim and Yuvi appear twice on the page
    assert "Executive Director" not in names  # a group heading, not a person
    assert "Steering Council" not in names


def test_2i2c_founders_page_lists_the_founders() -> None:
    people = corpus_people("2i2c-org.github.io__founders_index.html")
    found = by_name(people)

    assert len(people) == 7
    assert found["Cathryn Carson"].title == "Co-Founder"
    assert found["Ryan Abernathey"].title == "Co-Founder"
    assert found["Chris Holdgraf"].title == "Executive Director"
    assert not {"Jupyter Book", "Project Jupyter", "Jupyter at Berkeley"} & set(found)


def test_speaker_page_gives_titles_and_employers() -> None:
    people = corpus_people("apistrat-berlin__speakers_index.html")
    found = by_name(people)

    assert len(people) >= 70
    assert found["Chris Taggart"] == PagePerson(
        name="Chris Taggart",
        title="CEO of OpenCorporates",
        employer="OpenCorporates",
        url="http://apidaysberlin2015.apistrat.com/speakers/chris-taggart/",
    )
    assert found["Mike Görlich"].title == "VP EMEA @ Akana"
    assert found["Mike Görlich"].employer == "Akana"
    assert found["Matt Boyle"].employer == "Shapeways"  # "VP of Engineering at Shapeways"
    # "Name (Company)" with a title that names no company.
    assert found["Jordi Romero"].title == "VP Business Development & Platform"
    assert found["Jordi Romero"].employer == "Redbooth"
    assert found["R. Kevin Nelson"].title == "Independent Software Engineer and API Specialist"
    # The description repeats her name: "Kirsten Hunter, API Evangelist @ Akamai Technologies".
    assert found["Kirsten Hunter"].title == "API Evangelist @ Akamai Technologies"
    # An empty description: still a speaker, without a title.
    assert found["Steve Willmott"].title is None
    assert found["Steve Willmott"].employer == "3scale"


def test_dutch_team_page_lists_first_names_with_roles() -> None:
    people = corpus_people("ConductionNL-.github__over-ons.html")
    found = by_name(people)

    assert [p.name for p in people] == [
        "Ruben", "Marleen", "Remco", "Mark", "Robert", "Wilco", "Barry", "Remko", "Thijn",
    ]  # fmt: skip
    assert found["Ruben"].title == "OMDENKER EN HET BREIN ACHTER DE TECHNIEK"
    assert found["Thijn"].title == "FRONTEND DEVELOPER EN PROBLEEMOPLOSSER"
    assert found["Ruben"].url == "https://www.linkedin.com/in/rubenlinde/"
    # The company's four pillars are headings with text too, but no people.
    assert not {"Samen", "Open", "Verantwoord"} & set(found)


def test_german_about_page_lists_the_team() -> None:
    found = by_name(corpus_people("trafilatura__fairkom.eu.about.html"))

    assert len(found) >= 12
    assert found["Roland Alton"].title == "Kommunikationsarchitekt"
    assert found["David Ayers"].title == "Sysadmin"
    assert "Büro Dornbirn" not in found


@pytest.mark.parametrize(
    "name",
    [
        "htmldate__blog.wordpress.com.html",
        "trafilatura__wikimediafoundation.org.turkey.html",
        "NetNewsWire__RSCore_inessential.html",
        "2i2c-org.github.io__blog_index.html",
        "2i2c-org.github.io__about_index.html",
        "htmldate__eza.gv.at.html",
        "htmldate__medef.fr.dispute.html",
        "htmldate__pbrunst.de.html",
        "extruct__songkick_tovestyrke.html",
        "extruct__Portfolio_Niels_Lubberman.html",
    ],
)
def test_pages_without_a_team_give_no_junk_people(name: str) -> None:
    people = corpus_people(name)

    assert len(people) <= 3
    assert not [p for p in people if p.name.casefold() in NAV_WORDS]


def test_profile_page_gives_the_person_title_and_employer() -> None:
    name = "2i2c-org.github.io__author_chris-holdgraf_index.html"
    url = "https://2i2c.org/author/chris-holdgraf/"

    person = profile_of((CORPUS / name).read_bytes(), url=url)

    assert person == PagePerson("Chris Holdgraf", "Executive Director", "2i2c", url)


def test_profile_of_a_portfolio_named_only_in_its_title() -> None:
    name = "extruct__Portfolio_Niels_Lubberman.html"

    person = profile_of((CORPUS / name).read_bytes(), url="http://nielslubberman.nl/drupal/")

    assert person is not None
    assert person.name == "Niels Lubberman"


def test_profile_of_a_personal_blog_drops_the_honorific() -> None:
    person = profile_of(
        (CORPUS / "htmldate__pbrunst.de.html").read_bytes(), url="http://pbrunst.de/"
    )

    assert person is not None
    assert person.name == "Phillip W. Brunst"


def test_a_speaker_page_of_80_kb_parses_in_a_few_milliseconds() -> None:
    html = (CORPUS / "apistrat-berlin__speakers_index.html").read_bytes()
    durations = []
    for _ in range(5):
        started = time.perf_counter()
        people_on_page(html, url="https://example.org/speakers/")
        durations.append(time.perf_counter() - started)

    assert sorted(durations)[2] < 0.05  # measured about 6 ms; generous for slow CI machines


# --- JSON-LD ----------------------------------------------------------------------------------

GRAPH = json_ld(
    """{"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "@id": "https://acme.example/#org", "name": "Acme B.V."},
      {"@type": "WebPage", "@id": "https://acme.example/team", "name": "Team"},
      {"@type": "Person", "name": "Jan de Vries", "jobTitle": "CTO",
       "worksFor": {"@id": "https://acme.example/#org"}, "url": "/team/jan"},
      {"@type": ["Person"], "givenName": "Eva", "familyName": "Janssen",
       "jobTitle": ["Head of Sales", "Partner"],
       "worksFor": [{"@type": "Organization", "name": "Beta Ltd"}, "Gamma"]}
    ]}"""
)


def test_json_ld_graph_with_references_and_lists() -> None:
    people = people_on_page(page(GRAPH), url="https://acme.example/team")

    assert people == [
        PagePerson("Jan de Vries", "CTO", "Acme B.V.", "https://acme.example/team/jan"),
        PagePerson("Eva Janssen", "Head of Sales, Partner", "Beta Ltd", None),
    ]


def test_json_ld_people_nested_in_an_organization_work_there() -> None:
    org = json_ld(
        """{"@context": "http://schema.org", "@type": "Organization", "name": "Acme",
            "founder": {"@type": "Person", "name": "Ann Founder"},
            "employee": [{"@type": "Person", "name": "Bo Worker", "jobTitle": "Engineer"},
                         {"@type": "Person", "name": "Cy Other", "worksFor": "Elsewhere Inc"}],
            "author": {"@type": "Person", "name": "Dee Writer"}}"""
    )

    found = by_name(people_on_page(page(org), url="https://acme.example/"))

    assert found["Ann Founder"].employer == "Acme"
    assert found["Bo Worker"] == PagePerson("Bo Worker", "Engineer", "Acme")
    assert found["Cy Other"].employer == "Elsewhere Inc"
    assert found["Dee Writer"].employer is None  # an author need not work for the publisher


def test_json_ld_worksfor_as_a_plain_string_and_a_performer() -> None:
    event = json_ld(
        """[{"@type": "Event", "name": "Talk",
             "performer": {"@type": "Person", "name": "Pia Speaker", "jobTitle": "CEO",
                           "worksFor": "Delta"}}]"""
    )

    assert people_on_page(page(event), url="https://x.example/") == [
        PagePerson("Pia Speaker", "CEO", "Delta")
    ]


def test_malformed_json_ld_is_skipped_without_raising() -> None:
    broken = json_ld('{"@type": "Person", "name": "Nobody",')
    good = json_ld('{"@type": "Person", "name": "Rita Real", "jobTitle": "Designer"}')
    odd = json_ld('{"@type": "Person", "@id": {"x": 1}, "name": 42}') + json_ld("[[[[[[[[]]]]]]]]")

    people = people_on_page(page(broken + odd + good), url="https://x.example/")

    assert people == [PagePerson("Rita Real", "Designer")]


def test_deeply_nested_json_ld_does_not_raise() -> None:
    deep = json_ld("[" * 5000 + "]" * 5000)

    assert people_on_page(page(deep), url="https://x.example/") == []


# --- microdata and microformats ---------------------------------------------------------------


def test_microdata_person_with_nested_organization() -> None:
    body = """
      <div itemscope itemtype="https://schema.org/Person">
        <span itemprop="name">Karel Appel</span>, <span itemprop="jobTitle">Art Director</span>
        <div itemprop="worksFor" itemscope itemtype="https://schema.org/Organization">
          <span itemprop="name">Cobra Studio</span></div>
        <a itemprop="url" href="/karel">profile</a>
      </div>
      <div itemscope itemtype="http://schema.org/Organization">
        <meta itemprop="name" content="Omega">
        <div itemprop="employee" itemscope itemtype="http://schema.org/Person">
          <span itemprop="name">Lotte Lenya</span><span itemprop="jobTitle">Singer</span></div>
      </div>"""

    people = people_on_page(page(body), url="https://cobra.example/about")

    assert people == [
        PagePerson("Karel Appel", "Art Director", "Cobra Studio", "https://cobra.example/karel"),
        PagePerson("Lotte Lenya", "Singer", "Omega"),
    ]


def test_h_cards_and_classic_hcards() -> None:
    body = """
      <div class="h-card"><a class="p-name u-url" href="https://mia.example/">Mia Wong</a>
        <span class="p-job-title">Staff Engineer</span>
        <div class="p-org h-card"><span class="p-name">Zeta Labs</span></div></div>
      <a class="h-card" href="https://tom.example/">Tom Berg</a>
      <div class="vcard"><span class="fn">Ole Olsen</span> <span class="title">Chair</span>
        <span class="org">Board of Things</span></div>
      <div class="vcard"><span class="fn org">Just A Company</span></div>"""

    people = people_on_page(page(body), url="https://x.example/")

    assert people == [
        PagePerson("Mia Wong", "Staff Engineer", "Zeta Labs", "https://mia.example/"),
        PagePerson("Tom Berg", None, None, "https://tom.example/"),
        PagePerson("Ole Olsen", "Chair", "Board of Things"),
    ]


def test_profile_of_prefers_the_structured_person_at_the_page_url() -> None:
    body = """
      <div class="h-card"><a class="p-name u-url" href="https://other.example/">Sam Other</a></div>
      <div class="h-card"><a class="p-name u-url" href="https://me.example/">Ina Self</a>
        <span class="p-job-title">Founder</span><span class="p-org">Selfco</span></div>"""

    person = profile_of(page(body), url="https://me.example")

    assert person == PagePerson("Ina Self", "Founder", "Selfco", "https://me.example/")


def test_profile_of_from_open_graph_profile_tags() -> None:
    head = """<title>Home</title><meta property="og:title" content="Blog">
      <meta property="profile:first_name" content="Noor"><meta property="profile:last_name"
      content="El Amrani"><meta name="author" content="Someone Else">"""
    body = "<h1>Noor El Amrani</h1><p>Data Engineer bij Waterschap Delta</p>"

    person = profile_of(page(body, head), url="https://noor.example/")

    assert person == PagePerson(
        "Noor El Amrani", "Data Engineer bij Waterschap Delta", "Waterschap Delta",
        "https://noor.example/",
    )  # fmt: skip


def test_profile_of_a_page_with_no_person_is_none() -> None:
    head = "<title>Pricing | Acme</title><meta name='author' content='admin'>"

    assert profile_of(page("<h1>Pricing</h1>", head), url="https://acme.example/") is None


# --- configured selectors ---------------------------------------------------------------------

TEAM_TABLE = """
  <table class="staff">
    <tr><td class="n"><a href="/p/1">Joost Klein</a></td><td class="r">Ops</td></tr>
    <tr><td class="n">Ilse Bakker (Acme)</td><td class="r">Zorg</td></tr>
    <tr><td class="n"></td><td class="r">Vacancy</td></tr>
  </table>"""


def test_selectors_find_people_the_heuristic_cannot_know() -> None:
    selectors = Selectors.from_mapping({"person": "table.staff tr", "name": ".n", "title": ".r"})

    people = people_on_page(page(TEAM_TABLE), url="https://acme.example/team", selectors=selectors)

    assert people == [
        PagePerson("Joost Klein", "Ops", None, "https://acme.example/p/1"),
        PagePerson("Ilse Bakker", "Zorg", "Acme"),
    ]
    assert people_on_page(page(TEAM_TABLE), url="https://acme.example/team") == []


def test_selectors_work_for_profile_pages() -> None:
    selectors = Selectors.from_mapping({"person": "table.staff tr", "name": ".n"})

    person = profile_of(page(TEAM_TABLE), url="https://acme.example/", selectors=selectors)

    assert person == PagePerson("Joost Klein", None, None, "https://acme.example/p/1")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"name": ".n"}, "'person' is required"),
        ({"person": "div"}, "'name' is required"),
        ({"person": "div", "name": ""}, "'name' is required"),
        ({"person": "div[[", "name": ".n"}, "'person' is not valid CSS"),
        ({"person": "div", "name": ".n", "title": ">>>"}, "'title' is not valid CSS"),
        ({"person": "div", "name": ".n", "title": "  "}, "'title' must be a non-empty string"),
        ({"person": "div", "name": ".n", "role": ".r"}, "unknown selector option(s): role"),
    ],
)
def test_selectors_are_validated_when_configured(raw: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Selectors.from_mapping(raw)


# --- the card heuristic -----------------------------------------------------------------------


def test_heuristic_reads_simple_team_cards() -> None:
    body = """
      <nav><ul><li><strong>About Us</strong></li><li><strong>Our Team</strong></li></ul></nav>
      <section class="grid">
        <div class="card"><img src="a.jpg"><h4>Anna van der Berg</h4><p>Chief Executive Officer</p>
          <a href="https://www.linkedin.com/in/annavdberg/">in</a></div>
        <div class="card"><img src="b.jpg"><h4>P. J. Smit</h4><p>Lead Designer</p></div>
        <div class="card"><img src="c.jpg"><h4>Dr. Lea Müller</h4><p>Data Scientist</p></div>
      </section>"""

    people = people_on_page(page(body), url="https://acme.example/team")

    assert people == [
        PagePerson("Anna van der Berg", "Chief Executive Officer", None,
                   "https://www.linkedin.com/in/annavdberg/"),
        PagePerson("P. J. Smit", "Lead Designer"),
        PagePerson("Lea Müller", "Data Scientist"),
    ]  # fmt: skip


def test_heuristic_reads_names_and_titles_in_one_line_or_after_a_break() -> None:
    body = """
      <ul><li><strong>Maria Lopez</strong><br>Head of People</li>
          <li><strong>Tim Jansen</strong>, Sales Manager at Orbit</li>
          <li><strong>Sara Kim – Senior Developer</strong></li></ul>"""

    people = people_on_page(page(body), url="https://x.example/")

    assert people == [
        PagePerson("Maria Lopez", "Head of People"),
        PagePerson("Tim Jansen", "Sales Manager at Orbit", "Orbit"),
        PagePerson("Sara Kim", "Senior Developer"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        # Blog listing: capitalised post titles with teasers and dates.
        """<article><h2>Memento Mori</h2><p>Hoe kan het dat we vandaag de dag andere waarden
           van belang vinden dan mensen uit andere tijden? Binnen deze les kijken we.</p></article>
           <article><h2>Retirement Day</h2><p>May 2025</p></article>
           <article><h2>Saturday March</h2><p>June 13, 2025</p></article>""",
        # Talks with their speakers: the talk title is not a person.
        """<div class="talk"><h3>Scaling Kubernetes</h3><p>Jane Doe, CEO at Acme</p></div>
           <div class="talk"><h3>Rusty Pipelines</h3><p>John Roe, CTO at Beta</p></div>""",
        # Pricing cards in "membership" markup.
        """<div class="membership"><h3>Gold Plan</h3><p>$99 per month</p></div>
           <div class="membership"><h3>Silver Plan</h3><p>$49 per month</p></div>""",
        # A single person card is not a roster.
        """<div><h3>Alex Brown</h3><p>Managing Director</p></div>""",
        # Social links after names are no titles.
        """<div><h3>Eli Grey</h3><a href="https://x">LinkedIn</a></div>
           <div><h3>Ivo Blue</h3><a href="https://y">LinkedIn</a></div>""",
    ],
)
def test_heuristic_stays_quiet_on_look_alikes(body: str) -> None:
    assert people_on_page(page(body), url="https://x.example/") == []


def test_structured_people_are_combined_with_cards_only_when_they_are_no_roster() -> None:
    author = json_ld('{"@type": "Person", "name": "Web Master"}')
    cards = """<div class="team-member"><h3>Ada Lovelace</h3><p>Engineer</p></div>
               <div class="team-member"><h3>Alan Turing</h3><p>Researcher</p></div>"""

    people = people_on_page(page(author + cards), url="https://x.example/")

    assert [p.name for p in people] == ["Web Master", "Ada Lovelace", "Alan Turing"]


def test_bytes_are_decoded_by_their_meta_charset() -> None:
    html = page(
        '<div class="person"><h3>Zoë Dupré</h3><p>Directrice</p></div>'
        '<div class="person"><h3>René Côté</h3><p>Ingénieur</p></div>',
        '<meta charset="iso-8859-1">',
    ).encode("latin-1")

    assert [p.name for p in people_on_page(html, url="https://x.example/")] == [
        "Zoë Dupré",
        "René Côté",
    ]


POLISH_TEAM = page(
    '<div class="person"><h3>Łukasz Wróbel</h3><p>Dyrektor</p></div>'
    '<div class="person"><h3>Żaneta Świątek</h3><p>Inżynier</p></div>'
)


def test_bytes_are_decoded_by_the_http_charset() -> None:
    html = POLISH_TEAM.encode("iso-8859-2")
    content_type = "text/html; charset=ISO-8859-2"

    people = people_on_page(html, url="https://x.example/", content_type=content_type)

    assert [p.name for p in people] == ["Łukasz Wróbel", "Żaneta Świątek"]


def test_the_http_charset_outranks_the_meta_charset() -> None:
    html = POLISH_TEAM.replace("<head>", '<head><meta charset="utf-8">').encode("iso-8859-2")

    told = people_on_page(html, url="https://x.example/", content_type="text/html;charset=latin2")
    guessed = people_on_page(html, url="https://x.example/")

    assert [p.name for p in told] == ["Łukasz Wróbel", "Żaneta Świątek"]
    assert "Łukasz Wróbel" not in [p.name for p in guessed]  # the page's own label is wrong


def test_a_profile_is_decoded_by_the_http_charset() -> None:
    html = page(
        '<div itemscope itemtype="https://schema.org/Person"><span itemprop="name">'
        'Łukasz Wróbel</span><span itemprop="jobTitle">Dyrektor</span></div>'
    ).encode("iso-8859-2")

    person = profile_of(
        html, url="https://x.example/", content_type="text/html; charset=iso-8859-2"
    )

    assert person is not None and person.name == "Łukasz Wróbel"


HTML_PIECES = st.sampled_from(
    [
        "<div class='team-member'>", "</div>", "<h3>", "</h3>", "<p>", "</p>", "<br>",
        "<strong>", "<a href='/x'>", "</a>", "<span class='h-card p-name'>", "</span>",
        "<div itemscope itemtype='https://schema.org/Person'>", "<span itemprop='name'>",
        '<script type="application/ld+json">{"@type": "Person", "name": ', "}</script>",
        "Jan de Vries", "CEO @ Acme", "(", ")", ", ", " – ", "Ünïcödé Nämé", "\x00",
    ]
)  # fmt: skip


@given(st.lists(st.one_of(HTML_PIECES, st.text(max_size=20)), max_size=40))
def test_any_markup_parses_without_raising(pieces: list[str]) -> None:
    html = "".join(pieces)

    people_on_page(html, url="https://x.example/")
    profile_of(html.encode("utf-8", "surrogatepass"), url="https://x.example/")


# --- comparing snapshots ----------------------------------------------------------------------


def test_diff_people_reports_joined_left_and_retitled() -> None:
    before = [
        PagePerson("José García", "Engineer"),
        PagePerson("Kim Lee", "Designer"),
        PagePerson("Max Power", "Intern"),
        PagePerson("Ana Silva", "CTO", "Acme"),
        PagePerson("Bo Dahl", None),
    ]
    after = [
        PagePerson("JOSE GARCIA", "Senior Engineer"),  # same person, new title
        PagePerson("Kim Lee", "designer"),  # only the spelling changed
        PagePerson("Ana Silva", "CTO", "Beta"),  # new employer
        PagePerson("Bo Dahl", "Analyst"),  # the title was unknown before
        PagePerson("Nina Novak", "Intern"),
    ]

    change = diff_people(before, after)

    assert change == RosterChange(
        joined=[PagePerson("Nina Novak", "Intern")],
        left=[PagePerson("Max Power", "Intern")],
        retitled=[
            (PagePerson("José García", "Engineer"), PagePerson("JOSE GARCIA", "Senior Engineer")),
            (PagePerson("Ana Silva", "CTO", "Acme"), PagePerson("Ana Silva", "CTO", "Beta")),
        ],
    )


def test_diff_people_of_identical_snapshots_is_empty() -> None:
    people = [PagePerson("Kim Lee", "Designer"), PagePerson("Kim Lee", "Designer")]

    assert diff_people(people, list(reversed(people))) == RosterChange([], [], [])
