"""Loading the OpenAPI contract: the bundled spec, a local file or a URL.

Documents are read as JSON reads them. YAML written by hand holds scalars that YAML 1.1
(PyYAML's default) turns into other things: `example: 2020-08-27` into a date, `time:
24:00:00` into a sexagesimal number or a crash, `on:` into `True`. JSON tools, JSON Schema
and the OpenAPI tools written in other languages (YAML 1.2's core schema) see the strings
the author wrote, and so does this loader: only `null`, booleans (`true`/`false`), integers
and floats are resolved; everything else stays a string.

YAML is read by yaml-rs (a Rust parser, YAML 1.2, about twenty times faster than
PyYAML's libyaml loader on a 3 MB document); what it refuses is read again by PyYAML with
the same scalar rules, which names the cause and the line of a real error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import orjson
import yaml
import yaml_rs

from spec import OPENAPI_PATH

from ..errors import SpecError

__all__ = [
    "DEFAULT_SPEC",
    "DocumentLoader",
    "is_bundled",
    "load_document",
    "parse_document",
    "read_source",
    "read_with_pyyaml",
]

DEFAULT_SPEC = OPENAPI_PATH

# As PyYAML (and JSON parsers) do: a key written twice keeps its last value.
_LAST_KEY_WINS = yaml_rs.DuplicateKeyPolicy.LastWins
# An anchor (`&name`) where a node may start; in other text it only costs the slower reader.
_ANCHOR = re.compile(r"(?:^\s*|[:\-]\s+|[\[{,]\s*)&[A-Za-z0-9_.-]+(?=[\s\]},]|$)", re.MULTILINE)


def load_document(source: str | Path | None = None) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) from a path or an http(s) URL.

    `None` means the bundled `spec/openapi.yaml`. Raises `SpecError` with the source named
    when it cannot be read or is not a mapping; validation is the linter's job.
    """
    return parse_document(
        read_source(source), source=str(DEFAULT_SPEC if source is None else source)
    )


def is_bundled(source: str | Path | None) -> bool:
    """Whether `source` names the bundled `spec/openapi.yaml` (None does)."""
    if source is None:
        return True
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        return False
    return Path(source).resolve() == DEFAULT_SPEC.resolve()


def read_source(source: str | Path | None = None) -> str:
    """The text of an OpenAPI document at a path or an http(s) URL (None: the bundled one)."""
    source = DEFAULT_SPEC if source is None else source
    name = str(source)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        import httpx  # Only a URL needs it; reading a file should not pay for its import.

        try:
            response = httpx.get(source, timeout=10.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise SpecError(f"cannot fetch the spec: {exc}", source=name) from exc
        return response.text
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SpecError("no such file", source=name, hint="give a path or URL") from exc
    except IsADirectoryError as exc:
        raise SpecError("is a folder, not a document", source=name) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the spec: {exc}", source=name) from exc


def parse_document(text: str, *, source: str) -> dict[str, Any]:
    """The mapping a YAML or JSON text holds; `SpecError` naming the cause and where."""
    document: Any
    if text.lstrip().startswith("{"):
        # JSON is YAML too, but a JSON parser reads a 3 MB document a hundred times faster.
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            document = read_with_pyyaml(text, source=source)
    elif _ANCHOR.search(text):
        # yaml-rs copies what an alias names (and reads an alias of a node inside that
        # node as null); PyYAML shares it, as the document means, and the model reports
        # a node that contains itself.
        document = read_with_pyyaml(text, source=source)
    else:
        try:
            document = yaml_rs.loads(
                text, parse_datetime=False, duplicate_key_policy=_LAST_KEY_WINS
            )
        except (yaml_rs.YAMLDecodeError, RecursionError):
            document = None
        if not isinstance(document, dict):
            # What yaml-rs refuses, or reads as no document (control characters as a
            # string), is read again by PyYAML, which also words the errors.
            document = read_with_pyyaml(text, source=source)
    if not isinstance(document, dict):
        raise SpecError("the document is not a mapping (an OpenAPI object)", source=source)
    return document


def read_with_pyyaml(text: str, *, source: str) -> Any:
    """The value a YAML text holds, by PyYAML with YAML 1.2's core scalars."""
    try:
        return yaml.load(text, Loader=DocumentLoader)
    except yaml.YAMLError:
        # libyaml refuses a few texts that YAML allows (a tab on a line of a block scalar
        # that holds only white space); PyYAML's own parser reads them, and otherwise names
        # the cause more precisely ("found character '\t' that cannot start any token").
        pass
    except RecursionError as exc:
        raise SpecError("not readable: the YAML nests too deeply", source=source) from exc
    try:
        return yaml.load(text, Loader=_ExactLoader)
    except yaml.MarkedYAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_describe(exc)}", source=source) from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_one_line(str(exc))}", source=source) from exc
    except RecursionError as exc:
        raise SpecError("not readable: the YAML nests too deeply", source=source) from exc


def _describe(exc: yaml.MarkedYAMLError) -> str:
    """`found character '\\t' that cannot start any token, at line 4444, column 13`."""
    mark = exc.problem_mark or exc.context_mark
    parts = [exc.problem or exc.context or "unreadable"]
    if exc.context and exc.problem:
        parts.insert(0, exc.context)
    where = f", at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return _one_line(" ".join(parts)) + where


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _int(loader: Any, node: yaml.Node) -> int:
    # YAML 1.2: `0755` is seven hundred and fifty-five, as in JSON; only `0o` is octal.
    text = str(loader.construct_scalar(node))
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
    if digits.startswith(("0x", "0o")):
        return sign * int(digits[2:], 16 if digits[1] == "x" else 8)
    return sign * int(digits)


def _as_written(loader: Any, node: yaml.Node) -> Any:
    # An explicit `!!timestamp`, `!!binary`, `!!set`...: the value as written.
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_mapping(node, deep=True)


class DocumentLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader on libyaml's parser (about 4x faster), resolving plain scalars
    by YAML 1.2's core schema."""


class _ExactLoader(yaml.SafeLoader):
    """The same on PyYAML's own parser."""


_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    # Digits grouped by `_` too, as yaml-rs reads them, so that both readers agree.
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
)
for _loader in (DocumentLoader, _ExactLoader):
    # A table of its own: YAML 1.1's resolvers are not inherited.
    _loader.yaml_implicit_resolvers = {}
    for _tag, _pattern, _first in _CORE_SCHEMA:
        _loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
    # `null` resolves from an empty scalar, which has no first character.
    _loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
    _loader.add_constructor("tag:yaml.org,2002:int", _int)
    for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
        _loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _as_written)
