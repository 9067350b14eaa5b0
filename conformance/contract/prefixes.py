"""The prefix an apiKey's description shows before the credential: `Token <jwt>`.

OpenAPI has no field for it (Swagger 2.0 none for bearer tokens at all), so APIs write it
in prose: drf-spectacular 'Token-based authentication with required prefix "Token"',
Swashbuckle 'Example: "Authorization: Bearer {token}"', the Conduit spec
`Token xxxxxx.yyyyyyy.zzzzzz`. Read conservatively: a prefix is taken only where the
description names it or shows it directly before a placeholder, never guessed from a word.
"""

from __future__ import annotations

import re

__all__ = ["KNOWN_PREFIXES", "infer_prefix"]

# Prefixes APIs put before a key or token; any capitalised word counts only when the
# description shows it directly before a placeholder, or names it as the prefix.
KNOWN_PREFIXES = (
    "Bearer",
    "Token",
    "JWT",
    "Api-Key",
    "ApiKey",
    "Apikey",
    "Key",
    "Basic",
    "OAuth",
    "SSWS",
    "Client-ID",
    "GenieKey",
)
# Capitalised words that start a sentence before a placeholder without being a prefix.
_NOT_PREFIXES = frozenset(
    "a an the your my its this that use send pass put set add enter provide type value "
    "header example e.g eg format is as with where like and or of to in see note".split()
)
_PLACEHOLDER = (
    r"(?:<[^<>\s][^<>]{0,40}>"  # <jwt>, <api_key>
    r"|&lt;[^&\s][^&]{0,40}&gt;"  # the same, HTML-escaped
    r"|\{\{?[\w.\- ]{1,40}\}\}?"  # {token}, {{token}}
    r"|\[[\w.\- ]{1,40}\]"  # [token]
    r"|x{3,}[\w.\-]*"  # xxxxx, xxxxxx.yyyyyyy.zzzzzz
    r"|\.{3}|…"  # ...
    r"|(?=[\w.~+/=-]*\d)[A-Za-z0-9][\w.~+/=-]{15,}"  # a key-like string: 9944b09199c6...
    r")"
)
_KEY_LIKE = re.compile(r"[A-Za-z0-9][\w.~+/=-]{15,}")
_WORD = r"[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*"
# Straight quotes, backticks, and typographic quotes (U+201C/D, U+2018/9).
_QUOTE_OPEN, _QUOTE_CLOSE = "[\"'`\u201c\u2018]", "[\"'`\u201d\u2019]"
_BEFORE_PLACEHOLDER = re.compile(rf"(?<![\w\-:])({_WORD})[ \t]+({_PLACEHOLDER})")
_NAMED = (
    # required prefix "Token" · prefix: `JWT`
    re.compile(
        rf"prefix(?:ed)?(?:\s+(?:of|is|with|by))?[\s:]*{_QUOTE_OPEN}([\w-]+){_QUOTE_CLOSE}", re.I
    ),
    # the `Token` prefix · "Bearer" followed by a space
    re.compile(rf"{_QUOTE_OPEN}([\w-]+){_QUOTE_CLOSE},?\s+(?:prefix|followed\s+by)", re.I),
)


def infer_prefix(description: str, parameter: str = "") -> tuple[str | None, str]:
    """The prefix a description shows before the credential, and a clause saying why.

    Conservative: a prefix is taken only when the description names it (`prefix "Token"`,
    "the `Token` prefix") or shows a known prefix or a capitalised word directly before a
    placeholder (`Token <jwt>`, `Bearer {token}`, `Token xxxxx.yyy`, `Api-Key 9944b0...`).
    Two different prefixes shown, or none: no prefix.
    """
    # (prefix, clause), an example shown before a prefix named.
    found: list[tuple[str, str]] = []
    for match in _BEFORE_PLACEHOLDER.finditer(description):
        word, placeholder = match.group(1), match.group(2)
        known = any(prefix.lower() == word.lower() for prefix in KNOWN_PREFIXES)
        # Any other word only before a written placeholder: `UUID 123e4567-...` is no prefix.
        if not known and (
            word.lower() in _NOT_PREFIXES
            or word.lower() == parameter.lower()
            or _KEY_LIKE.fullmatch(placeholder)
        ):
            continue
        found.append((word, f"its description shows `{_one_line(match.group(0))}`"))
    for pattern in _NAMED:
        for match in pattern.finditer(description):
            word = match.group(1)
            if word.lower() not in _NOT_PREFIXES and word.lower() != parameter.lower():
                found.append((word, f'its description names the prefix "{word}"'))
    prefixes = list(dict.fromkeys(prefix for prefix, _ in found))
    if not prefixes:
        return None, "its description shows no prefix"
    if len({p.lower() for p in prefixes}) > 1:
        both = " and ".join(f"`{p}`" for p in prefixes[:2])
        return None, f"its description shows both {both}, so no prefix is assumed"
    return prefixes[0], found[0][1]


def _one_line(text: str, limit: int = 48) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."
