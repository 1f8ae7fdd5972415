"""What a person's name and a job title look like, and employers written into them."""

from __future__ import annotations

import re

from models.names import NAME_PARTICLES, fold
from sources.pages.decoding import _clean, _words
from sources.pages.roster import PagePerson

# --- what a name and a title look like --------------------------------------------------------

# Lower-case particles may sit inside a name; these (in any case) cannot start one.
_NOT_FIRST = _words("de der den het la le el te ter ten 't y do das dos op zu vom")
_HONORIFICS = _words("dr prof mr mrs ms mx sir dame ir ing drs dhr mevr herr frau")
_POSTNOMINAL = re.compile(r",\s*(?:ph\.?\s?d|m\.?d|mba|msc|bsc|m\.?a|b\.?a|jr|sr|iii?)\.?$", re.I)
_INITIALS = re.compile(r"^(?:[^\W\d_]\.){1,3}$")
_BAD_NAME_CHARS = re.compile(r"[\d@:|/!?&+=#<>\"“”()\[\]{}*;,…]")
_NOT_NAME_WORDS = _words(
    """about us home blog contact team our news service services project projects job jobs
    career careers read more menu search login log sign privacy terms cookie cookies policy the
    and of for with in on to at by from new latest follow share download portfolio linkedin
    github twitter facebook instagram youtube mastodon email mail product products solution
    solutions company partners events event overview support docs documentation welcome hello
    world meet join speakers speaker keynote keynotes panel panelists program programme agenda
    schedule tickets register sponsors venue founders founding leadership board council staff
    people members management directors advisors investors who we are what why how my your all
    view profile page site website learn get started free pricing features customers case
    studies resources community open source cloud data api platform faq help press media story
    mission values vision culture office offices location locations address phone copyright
    rights reserved skip content main toggle navigation previous next back top close submit
    send subscribe newsletter upcoming past archive archives category categories tags tag posts
    post comments reply edit update updates introducing report guide day week year today
    monday tuesday wednesday thursday friday saturday sunday january february september
    october november december over ons wie wij zijn het een lees verder meer nieuws samen onze
    mijn vacatures diensten projecten werken neem uber uns kontakt mehr startseite impressum
    datenschutz leistungen aktuelles karriere sind unser unsere accueil nous qui sommes equipe
    actualites mentions legales experience perspective retirement better best foundation
    stichting ministry republic republik university universiteit college institute instituut
    school academy society association vereniging verein gemeente agency bank group gmbh inc
    ltd bv nv llc labs lab studio studios partners consulting systems technologies software
    network department federation union committee club museum hospital ziekenhuis center
    centre centrum zentrum times journal magazine radio corp corporation co limited holding
    holdings ag sa sas bvba ab oy plc llp plan plans tier package basic premium pro enterprise
    gold silver bronze platinum starter"""
)
_ORG_INFIX = re.compile(
    r"ministeri|universit|stiftung|gesellschaft|verband|genossenschaft|institut"
)
_TITLE_STEMS = _words(
    "ceo cto cfo coo cio cmo cpo cso vp svp evp md founder co-founder cofounder oprichter"
    " gründer grunder director directeur direktor manager engineer developer ontwikkelaar"
    " entwickler designer lead head chief officer president partner consultant advisor"
    " adviseur berater architect analyst scientist researcher onderzoeker professor lecturer"
    " teacher docent specialist evangelist advocate owner eigenaar inhaber chair secretary"
    " treasurer intern stagiair recruiter editor writer journalist coordinator assistant"
    " administrator accountant associate principal senior junior sr jr fellow product sales"
    " marketing operations community strategist programmer medewerker beheerder bestuurder"
    " voorzitter geschaftsfuhrer geschäftsführer leiter mitarbeiter referent lawyer attorney"
    " advocaat rechtsanwalt counsel hacker representative enabler coach trainer expert"
    " executive officer steward maintainer architekt spezialist programmier expert sysadmin"
    " consult admin"
)
_NOT_TITLE_START = re.compile(
    r"^(?:read more|view profile|lees verder|meer|mehr|by|door|von|posted|published|share)\b",
    re.I,
)
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_EMAIL_OR_MONEY = re.compile(r"\S@\S|[$€£¥]")
_INLINE_TITLE = re.compile(r"\s+[-–—|]\s+|,\s+")
_SENTENCE_BREAK = re.compile(r"[a-z]{4,}[.!?]\s+\S")


_TITLE_WORDS = frozenset(_TITLE_STEMS)
_TITLE_PREFIX = re.compile("|".join(re.escape(s) for s in _TITLE_STEMS if len(s) >= 5))
_TITLE_INFIX = re.compile("|".join(re.escape(s) for s in _TITLE_STEMS if len(s) >= 6))


def _is_title_word(word: str, *, compounds: bool = False) -> bool:
    """Whether a folded word is job vocabulary; long stems match longer words and compounds."""
    if word in _TITLE_WORDS or _TITLE_PREFIX.match(word):
        return True
    return compounds and _TITLE_INFIX.search(word) is not None


def _name_word_ok(word: str) -> bool:
    """A capitalised word of letters, apostrophes or hyphens, not all capitals."""
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return (
        letters.isalpha()
        and word[0].isupper()
        and not (len(letters) > 1 and letters.isupper())
        and not word.endswith(("-", "'"))
    )


def _as_person_name(text: str, *, single_ok: bool = False) -> str | None:
    """The text as a person's full name (2-4 capitalised words), or None."""
    text = _clean(text)
    if "," in text:
        text = _POSTNOMINAL.sub("", text)
    words = text.split()
    while words and words[0].lower().rstrip(".") in _HONORIFICS:
        words.pop(0)
    if not words or len(words) > 6 or _BAD_NAME_CHARS.search(text):
        return None
    if words[0].lower() in _NOT_FIRST or words[-1].lower() in NAME_PARTICLES:
        return None
    main = [w for w in words if w not in NAME_PARTICLES]
    full = [w for w in main if not _INITIALS.match(w)]
    if not full or not (1 if single_ok else 2) <= len(main) <= 4:
        return None
    if not all(_name_word_ok(w) for w in full):
        return None
    folded = fold(" ".join(full)).split()
    if _NOT_NAME_WORDS.intersection(folded) or any(_is_title_word(f) for f in folded):
        return None
    if _ORG_INFIX.search(" ".join(folded)):
        return None
    return " ".join(words)


def _as_title(text: str, name: str) -> str | None:
    """The text as a job title next to a name, or None if it reads like something else."""
    text = _clean(text).lstrip(",-–—|:· ").strip()
    if text.startswith(name):  # "Kirsten Hunter, API Evangelist @ Akamai"
        text = text[len(name) :].lstrip(",-–—|: ").strip()
    words = text.split()
    if not text or len(text) > 120 or len(words) > 15 or _NOT_TITLE_START.match(text):
        return None
    if text.endswith(("!", "?")) or _SENTENCE_BREAK.search(text) or _YEAR.search(text):
        return None
    if (len(words) > 8 and text.endswith(".")) or "http" in text or _EMAIL_OR_MONEY.search(text):
        return None
    folded = fold(text).split()
    if not folded or all(w in _NOT_NAME_WORDS and not _is_title_word(w) for w in folded):
        return None  # "LinkedIn", "Read more", "Contact"
    # Another person's name first ("Jane Doe, CEO at Acme" under a talk title) is no title.
    return None if _as_person_name(_INLINE_TITLE.split(text, maxsplit=1)[0]) else text


def _has_title_words(title: str) -> bool:
    """Whether a title uses job vocabulary ("CEO", "Engineer", "oprichter")."""
    return any(_is_title_word(word, compounds=True) for word in fold(title).split())


# --- employers written into names and titles --------------------------------------------------

_NAME_WITH_COMPANY = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<org>[^()]{1,80})\)(?P<rest>.*)$")
_AT_COMPANY = re.compile(r"\s(?:@\s*|(?:at|bij|bei|chez)\s+)(?P<org>\S.*)$", re.I)
_TOP_ROLE_OF = re.compile(
    r"\b(?:ceo|cto|cfo|coo|cio|cmo|co-?founder|founder|president|chair(?:man|woman)?|owner"
    r"|managing director|executive director|oprichter|eigenaar|directeur|inhaber|gr[uü]nder)"
    r"\s+(?:of|van|von)\s+(?P<org>\S.*)$",
    re.I,
)


def _split_company(text: str) -> tuple[str, str | None]:
    """ "Ali Jelveh (Protonet)" -> ("Ali Jelveh", "Protonet"); other text is returned as is."""
    match = _NAME_WITH_COMPANY.match(text)
    if match is None or any(c.isalpha() for c in match.group("rest")):
        return text, None
    return _clean(match.group("name")), _clean(match.group("org"))


def _employer_in_title(title: str | None) -> str | None:
    """The employer a title names: "X @ Acme", "X at Acme", "CEO of Acme"."""
    if not title:
        return None
    match = _AT_COMPANY.search(title) or _TOP_ROLE_OF.search(title)
    if match is None:
        return None
    org = re.sub(r"^the\s+", "", match.group("org").strip(" .,;")).strip()
    return org if org and len(org.split()) <= 8 else None


def _person(
    name: str,
    title: str | None,
    employer: str | None,
    url: str | None,
    *,
    named_org: str | None = None,
) -> PagePerson | None:
    """A PagePerson, its employer from the title or a "Name (Company)" when not given."""
    name, in_name = _split_company(_clean(name))
    if not name or len(name) > 100 or not any(c.isalpha() for c in name):
        return None
    title = _clean(title) or None
    employer = _clean(employer) or _employer_in_title(title) or named_org or in_name
    return PagePerson(name=name, title=title, employer=employer or None, url=url)
