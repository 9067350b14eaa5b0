"""Loading the OpenAPI contract: the bundled spec, a local file or a URL.

Documents are read as JSON reads them. YAML written by hand holds scalars that YAML 1.1
(PyYAML's default) turns into other things: `example: 2020-08-27` into a date, `time:
24:00:00` into a sexagesimal number or a crash, `on:` into `True`. JSON tools, JSON Schema
and the OpenAPI tools written in other languages (YAML 1.2's core schema) see the strings
the author wrote, and so does this loader: only `null`, booleans (`true`/`false`), integers
and floats are resolved; everything else stays a string.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import httpx
import orjson
import yaml

from spec import OPENAPI_PATH

from ..errors import SpecError

__all__ = ["DEFAULT_SPEC", "load_document", "parse_document"]

DEFAULT_SPEC = OPENAPI_PATH


def load_document(source: str | Path | None = None) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) from a path or an http(s) URL.

    `None` means the bundled `spec/openapi.yaml`. Raises `SpecError` with the source named
    when it cannot be read or is not a mapping; validation is the linter's job.
    """
    source = DEFAULT_SPEC if source is None else source
    name = str(source)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, timeout=10.0, follow_redirects=True)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise SpecError(f"cannot fetch the spec: {exc}", source=name) from exc
        text = response.text
    else:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise SpecError("no such file", source=name, hint="give a path or URL") from exc
        except IsADirectoryError as exc:
            raise SpecError("is a folder, not a document", source=name) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise SpecError(f"cannot read the spec: {exc}", source=name) from exc
    return parse_document(text, source=name)


def parse_document(text: str, *, source: str) -> dict[str, Any]:
    """The mapping a YAML or JSON text holds; `SpecError` naming the cause and where."""
    document: Any
    if text.lstrip().startswith("{"):
        # JSON is YAML too, but a JSON parser reads a 3 MB document a hundred times faster.
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            document = _yaml(text, source)
    else:
        document = _yaml(text, source)
    if not isinstance(document, dict):
        raise SpecError("the document is not a mapping (an OpenAPI object)", source=source)
    return document


def _yaml(text: str, source: str) -> Any:
    try:
        return yaml.load(text, Loader=_JsonCompatibleLoader)
    except yaml.MarkedYAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_describe(exc, text)}", source=source) from exc
    except yaml.YAMLError as exc:
        raise SpecError(f"not valid YAML or JSON: {_one_line(str(exc))}", source=source) from exc
    except RecursionError as exc:
        raise SpecError("not readable: the YAML nests too deeply", source=source) from exc


def _describe(exc: yaml.MarkedYAMLError, text: str) -> str:
    """`found character that cannot start any token ('\\t'), at line 4444, column 13`."""
    mark = exc.problem_mark or exc.context_mark
    parts = [exc.problem or exc.context or "unreadable"]
    if exc.context and exc.problem:
        parts.insert(0, exc.context)
    if mark is None:
        return _one_line(" ".join(parts))
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    # libyaml names no character; a tab, the usual culprit in YAML written by hand, is
    # invisible in an editor, so the character is shown.
    if "character" in (exc.problem or "") and mark.column < len(line):
        parts.append(f"({line[mark.column]!r})")
    return f"{_one_line(' '.join(parts))}, at line {mark.line + 1}, column {mark.column + 1}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# The `SafeLoader` on libyaml's parser when PyYAML was built with it (about 4x faster).
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _JsonCompatibleLoader(_Base):  # type: ignore[misc]
    """PyYAML's safe loader resolving plain scalars by YAML 1.2's core schema."""

    # Its own table (PyYAML copies the parent's on the first `add_implicit_resolver`
    # otherwise): YAML 1.1's resolvers are not inherited.
    yaml_implicit_resolvers: ClassVar[dict[str | None, list[tuple[str, re.Pattern[str]]]]] = {}

    def _int(self, node: yaml.Node) -> int:
        # YAML 1.2: `0755` is seven hundred and fifty-five, as in JSON; only `0o` is octal.
        text = str(self.construct_scalar(node))
        sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
        if digits.startswith(("0x", "0o")):
            return sign * int(digits[2:], 16 if digits[1] == "x" else 8)
        return sign * int(digits)

    def _as_written(self, node: yaml.Node) -> Any:
        # An explicit `!!timestamp`, `!!binary`, `!!set`...: the value as written.
        if isinstance(node, yaml.ScalarNode):
            return self.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return self.construct_sequence(node, deep=True)
        return self.construct_mapping(node, deep=True)


_CORE_SCHEMA = (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        "-+0123456789",
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
)
for _tag, _pattern, _first in _CORE_SCHEMA:
    _JsonCompatibleLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
# `null` resolves from an empty scalar, which has no first character.
_JsonCompatibleLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
_JsonCompatibleLoader.add_constructor("tag:yaml.org,2002:int", _JsonCompatibleLoader._int)
for _tag in ("timestamp", "binary", "set", "omap", "pairs"):
    _JsonCompatibleLoader.add_constructor(
        f"tag:yaml.org,2002:{_tag}", _JsonCompatibleLoader._as_written
    )
