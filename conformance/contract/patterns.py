"""Matching a spec's regular expressions, bounded in time.

A `pattern` comes from whoever wrote the document, and some backtrack catastrophically
(`([\\/\\w \\.-]*)*` against a long enough string). Every match the toolkit makes with a
spec's pattern goes through `search`, on the `regex` engine (a superset of `re` that
backtracks less) with a time limit, so a pattern can cost at most `LIMIT` seconds.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache
from typing import Any

import regex

__all__ = ["LIMIT", "Match", "search"]

LIMIT = 0.1
"""Seconds one match may take before it is given up."""


class Match(Enum):
    """What matching a string against a spec's pattern found."""

    FOUND = "found"
    NOT_FOUND = "not found"
    INVALID = "invalid"  # the pattern does not compile
    TOO_SLOW = "too slow"  # the match ran past `LIMIT` seconds

    def __bool__(self) -> bool:
        # Only a match found is a match; callers that must tell the other three apart ask.
        return self is Match.FOUND


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern)


def search(pattern: str, text: str, *, limit: float = LIMIT) -> Match:
    """Whether `pattern` matches somewhere in `text` (JSON Schema's `pattern` semantics)."""
    try:
        compiled = _compiled(pattern)
    except (regex.error, ValueError, OverflowError, RecursionError):
        return Match.INVALID
    try:
        return Match.FOUND if compiled.search(text, timeout=limit) else Match.NOT_FOUND
    except TimeoutError:
        return Match.TOO_SLOW
