"""PyYAML with YAML 1.2's core scalars: the reader of what yaml-rs refuses, and the node
tree that SARIF's line numbers come from.

Its scalars are read as `loader.py` promises (JSON's view): only `null`, booleans,
integers and floats are resolved; everything else stays the string the author wrote.
It is imported only for the texts that need it, which most never are.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..errors import SpecError

__all__ = ["DocumentLoader", "read_with_pyyaml"]


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
