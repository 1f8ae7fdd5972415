"""Regex building blocks for the rule files: macros, gates, literals, factored alternations.

The rule files hold hundreds of patterns; these helpers expand their {MACRO}s and work out,
for each pattern, a literal it cannot match without (so most patterns never run on a text
that lacks it) and the words it can start with (so one scan finds where to try it).
Written by hand because no library analyses Python regex source this way; kept small.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence

_UPPER = "A-ZÀ-ÖØ-Þ"
_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_ESCAPES = re.compile(r"\\[a-zA-Z]|\(\?[a-zA-Z-]*[:=!<]|\{[A-Z0-9_]+\}")
_LITERAL_WORD = re.compile(r"[a-zà-ÿ]{3,}")
_NEVER = "(?!x)x"


def _expand(pattern: str, macros: Mapping[str, str]) -> str:
    """``pattern`` with every {MACRO} replaced, recursively."""
    for _ in range(6):
        expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if expanded == pattern:
            break
        pattern = expanded
    return pattern


def _scan_groups(pattern: str) -> Iterator[tuple[int, str]]:
    """(index, character) of a regex, skipping escaped characters."""
    escaped = False
    for i, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            yield i, char


def _split_top(body: str) -> list[str]:
    """The alternatives of a regex body, split at its top-level ``|``."""
    parts, depth, start = [], 0, 0
    for i, char in _scan_groups(body):
        depth += (char in "([") - (char in ")]")
        if char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    return [*parts, body[start:]]


def _closing(pattern: str) -> int:
    """The index of the parenthesis that closes the one the pattern starts with."""
    depth = 0
    for i, char in _scan_groups(pattern):
        depth += (char == "(") - (char == ")")
        if char == ")" and depth == 0:
            return i
    return len(pattern)


def _gate(pattern: str) -> tuple[str, ...] | None:
    """Lower-case literals one of which starts every match of ``pattern``, if that is known."""
    pattern = pattern.removeprefix(r"\b")
    if pattern.startswith(("(?:", "(?-i:")):
        return _group_gate(pattern)
    if re.match(r"\\[^\w\s]", pattern):
        return (pattern[1],)  # an escaped sign: "\?"
    literal = re.match(r"[a-zà-ÿ]+", pattern)
    if not literal:
        return None
    word = literal.group(0)
    if pattern[len(word) : len(word) + 1] in ("?", "*", "{"):
        word = word[:-1]
    return (word,) if word else None


def _group_gate(pattern: str) -> tuple[str, ...] | None:
    """The gate of a pattern that opens with a group: the gates of its alternatives."""
    end = _closing(pattern)
    parts = _split_top(pattern[pattern.index(":") + 1 : end])
    rest = pattern[end + 1 :]
    quantifier = re.match(r"[?*+]|\{\d*(?:,\d*)?\}", rest)
    if quantifier:
        rest = rest[quantifier.end() :]
        optional = quantifier.group(0)[:2] in ("?", "*", "{0", "{,")
        gates = [_gate(part) for part in parts] + ([_gate(rest)] if optional else [])
    else:
        gates = [_gate(part + rest) for part in parts]
    if any(g is None for g in gates):
        return None
    return tuple(literal for g in gates if g for literal in g)


def _required_literal(pattern: str) -> str | None:
    """The longest word every match of ``pattern`` must contain, outside any group."""
    if len(_split_top(pattern)) > 1:
        return None
    runs: list[str] = []
    depth, run, escaped = 0, "", False
    for char in pattern + "\0":
        if escaped:
            escaped, run = False, ""
        elif char == "\\":
            escaped = True
            runs.append(run)
        elif depth == 0 and re.match(r"[a-zà-ÿ]", char):
            run += char
            continue
        elif char in "?*{" and run:
            run = run[:-1]
        depth += (char in "([") - (char in ")]")
        runs.append(run)
        run = ""
    longest = max(runs, key=len)
    return longest if len(longest) >= 3 else None


def _keywords(patterns: Iterable[str]) -> frozenset[str]:
    """The literal words of trigger patterns: the words to blank out before finding names."""
    words: set[str] = set()
    for pattern in patterns:
        words.update(_LITERAL_WORD.findall(_ESCAPES.sub(" ", pattern)))
    return frozenset(words)


def _factor(alternatives: Iterable[str], depth: int = 2) -> str:
    """An alternation with shared first letters factored out ("ce(?:o|nt)"), longest first.

    Python's regex engine tries alternatives one by one; grouping them by their first
    letters makes a title scan several times faster.
    """
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for alternative in sorted(set(alternatives), key=len, reverse=True):
        if depth and re.match(r"[a-zà-ÿ][^?*+{\\]", alternative):
            groups.setdefault(alternative[0], []).append(alternative[1:])
        else:
            others.append(alternative)
    factored = [f"{letter}(?:{_factor(rests, depth - 1)})" for letter, rests in groups.items()]
    return "|".join(factored + others) or _NEVER


def _words_regex(words: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    """Any of ``words`` as a whole word; "Mr." keeps its dot, "A." (an initial) is no match."""
    words = list(words)
    longer = "|".join(sorted((re.escape(w) for w in words if len(w) > 1), key=len, reverse=True))
    single = "|".join(re.escape(w) for w in words if len(w) == 1) or _NEVER
    return re.compile(
        rf"(?<![\w.-])(?:(?:{longer or _NEVER})(?:\.(?=\s))?|(?:{single}))(?![\w'’.-])", flags
    )


def _chunk_regex(connectors: Sequence[str]) -> re.Pattern[str]:
    """Runs of capitalised words ("L.K. Evans", "eBay"), joined by name particles."""
    word = (
        rf"(?:[{_UPPER}]\.(?:[{_UPPER}]\.)+|[{_UPPER}][\w&/-]*(?:['’][{_UPPER}][\w-]*)?\.?"
        rf"|[a-z][{_UPPER}][\w&/-]*)"
    )
    joints = "|".join(sorted(map(re.escape, connectors), key=len, reverse=True))
    return re.compile(rf"{word}(?:(?:\s+(?:(?:{joints})\s+)*|\s*-\s*){word})*")


def _alternation(patterns: Iterable[str], macros: Mapping[str, str]) -> re.Pattern[str]:
    """One case-insensitive regex for a list of patterns."""
    body = "|".join(f"(?:{_expand(p, macros)})" for p in patterns)
    return re.compile(body or _NEVER, re.IGNORECASE)
