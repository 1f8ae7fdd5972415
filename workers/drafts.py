"""Rendering draft messages from template files a team can override."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined

from models.moments import DraftFacts, draft_context, finish_draft


@lru_cache(maxsize=8)
def _environment(override: Path | None) -> Environment:
    loaders: list[FileSystemLoader | PackageLoader] = [PackageLoader("workers", "templates")]
    if override is not None:
        loaders.insert(0, FileSystemLoader(str(override)))
    return Environment(loader=ChoiceLoader(loaders), autoescape=False, undefined=StrictUndefined)


def draft_message(facts: DraftFacts, *, templates_dir: Path | None = None) -> str:
    """A short, personal message in the member's language, from ``drafts/<language>.txt``."""
    context = draft_context(facts)
    template = _environment(templates_dir).get_template(f"drafts/{context['language']}.txt")
    return finish_draft(template.render(**context))
