"""The real development data (tests/data/signals-real-*.jsonl) keeps its shape and its promises.

Each file holds sentences copied from public pages by people outside the project, labelled,
with the page address and a `split` decided once by source host (see signals-real.md):
sha256 of the host (lowercased, without a leading "www.") starting with 0-7 is "tune",
anything else "heldout". These tests check the schema, that ids and texts are unique, that the
split follows that rule, that nothing repeats the old development set, and that no record was
taken from an address reserved for evaluation.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted(p for p in DATA.glob("signals-real-*.jsonl"))
DEV = DATA / "corpus" / "signals-dev.jsonl"
# The reserved list is kept outside the repository on purpose (next to the shared corpus).
RESERVED = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "RESERVED_FOR_EVALUATION.txt"

LABELS = {"job_change", "award", "company_news", "none"}
FIELDS = [
    "id",
    "text",
    "language",
    "label",
    "person",
    "old_employer",
    "new_employer",
    "new_title",
    "company",
    "event",
    "note",
    "source",
    "split",
]
OPTIONAL_TEXT = ["person", "old_employer", "new_employer", "new_title", "company", "event", "note"]


def host_of(address: str) -> str:
    host = (urlsplit(address).hostname or "").lower()
    return host.removeprefix("www.")


def split_of(address: str) -> str:
    first = hashlib.sha256(host_of(address).encode()).hexdigest()[0]
    return "tune" if first in "01234567" else "heldout"


def records(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_split_rule_examples() -> None:
    # Fixed points of the rule, so a change to host_of/split_of cannot pass unnoticed.
    assert host_of("https://WWW.Example.com/a?b=c") == "example.com"
    assert host_of("http://news.example.com:8080/x") == "news.example.com"
    assert split_of("https://www.cnbc.com/id/1") == split_of("https://cnbc.com/other")
    assert hashlib.sha256(b"cnbc.com").hexdigest()[0] in "01234567"
    assert split_of("https://www.cnbc.com/id/1") == "tune"


def test_real_data_files_exist() -> None:
    assert FILES, "no tests/data/signals-real-*.jsonl"


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_schema_labels_and_uniqueness(path: Path) -> None:
    language = path.stem.rsplit("-", 1)[-1]
    rows = records(path)
    assert rows
    ids: set[str] = set()
    texts: set[str] = set()
    for row in rows:
        assert list(row) == FIELDS, row.get("id")
        assert row["id"].startswith(f"{language}-") and row["id"] not in ids, row["id"]
        ids.add(row["id"])
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] != ""
        assert row["text"] not in texts, row["id"]
        texts.add(row["text"])
        assert row["language"] == language, row["id"]
        assert row["label"] in LABELS, row["id"]
        for field in OPTIONAL_TEXT:
            assert row[field] is None or (isinstance(row[field], str) and row[field]), row["id"]
        assert urlsplit(row["source"]).scheme in {"http", "https"}, row["id"]
        assert host_of(row["source"]), row["id"]
        if row["label"] == "company_news":
            assert row["company"] or row["note"], row["id"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_split_follows_the_source_host(path: Path) -> None:
    rows = records(path)
    for row in rows:
        assert row["split"] == split_of(row["source"]), row["id"]
    splits = {row["split"] for row in rows}
    assert splits == {"tune", "heldout"}


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_nothing_repeats_the_old_development_set(path: Path) -> None:
    dev = {row["text"] for row in records(DEV)}
    assert not [row["id"] for row in records(path) if row["text"] in dev]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_no_record_comes_from_a_reserved_address(path: Path) -> None:
    if not RESERVED.exists():
        pytest.skip(f"{RESERVED} is not present on this machine")
    reserved = {
        line.strip().rstrip("/")
        for line in RESERVED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert reserved
    taken = [row["id"] for row in records(path) if row["source"].rstrip("/") in reserved]
    assert not taken
    # Nor another address of the same page (same host and path, other query or suffix).
    stems = {stem_of(address) for address in reserved}
    assert not [row["id"] for row in records(path) if stem_of(row["source"]) in stems]


def stem_of(address: str) -> tuple[str, str]:
    path = urlsplit(address).path.rstrip("/").lower()
    for suffix in ("/index.html", ".html", ".htm", ".aspx", ".ece", ".php"):
        path = path.removesuffix(suffix)
    return host_of(address), path


def test_stem_of_ignores_query_suffix_and_www() -> None:
    assert stem_of("https://www.Example.nl/a/b.html?x=1") == stem_of("http://example.nl/a/b/")
    assert stem_of("https://example.nl/a/b") != stem_of("https://example.nl/a/c")
