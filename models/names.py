"""Normalising names and text so that spellings of one name compare equal."""

from __future__ import annotations

import re
import unicodedata

_LEGAL_SUFFIXES = frozenset(
    {
        "bv",
        "nv",
        "vof",
        "cv",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "ab",
        "as",
        "oy",
        "co",
        "corp",
        "corporation",
        "company",
        "holding",
        "holdings",
        "group",
        "groep",
    }
)
_NON_WORD = re.compile(r"[^0-9a-z]+")
# "B.V." and "N.V." lose their dots before tokenising, so they become "bv" and "nv".
_DOTTED_ABBREVIATION = re.compile(r"\b((?:[a-z]\.){2,})")


def fold(text: str) -> str:
    """Lower-case, strip accents and turn every run of non-alphanumerics into a space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    undotted = _DOTTED_ABBREVIATION.sub(lambda m: m.group(1).replace(".", ""), ascii_only)
    return _NON_WORD.sub(" ", undotted).strip()


def padded(text: str) -> str:
    """Folded text with a space on each side, so that matches respect word boundaries."""
    return f" {fold(text)} "


def company_key(name: str) -> str:
    """The identity of a company however it is spelled: "ACME B.V." == "Acme bv" == "acme"."""
    words = fold(name).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def person_key(name: str) -> str:
    """The folded full name of a person, as it would be matched in text."""
    return fold(name)


def first_name(name: str) -> str:
    """The first word of a full name, for a greeting."""
    parts = name.strip().split()
    return parts[0] if parts else name
