"""Jinja2 environments over the bundled templates, each file overridable from
KEEPWARM_TEMPLATES_DIR (and, for drafts, from a recruiter's own folder inside it)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined


@lru_cache(maxsize=32)
def environment(*folders: Path, html: bool = False) -> Environment:
    """Templates from ``folders`` first (the first that has a file wins), then the bundled
    ones; ``html`` escapes values for HTML (emails), drafts are plain text."""
    loaders: list[FileSystemLoader | PackageLoader] = [
        FileSystemLoader(str(folder)) for folder in folders
    ]
    loaders.append(PackageLoader("workers", "templates"))
    if html:
        return Environment(
            loader=ChoiceLoader(loaders),
            autoescape=lambda name: bool(name and name.endswith(".html")),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return Environment(loader=ChoiceLoader(loaders), autoescape=False, undefined=StrictUndefined)
