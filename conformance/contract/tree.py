"""The raw YAML tree: paths into it, type-checked access, and the checks before a walk.

The document comes straight from YAML, so nothing in it can be trusted to have the shape
the OpenAPI schema promises: the accessors here check types and treat a wrong shape as
absent, leaving the complaint to the `oas-schema` rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

__all__ = [
    "HTTP_METHODS",
    "MAX_DEPTH",
    "MAX_NODES",
    "JsonPath",
    "as_list",
    "as_map",
    "json_pointer",
    "node_at",
    "operations_in",
    "render_path",
    "structure_problem",
    "with_string_keys",
]

JsonPath = tuple[str | int, ...]
"""Where a node lies in the document: mapping keys and list indices, from the root."""

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def operations_in(path_item: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(method, operation object) for each operation of a path item, in HTTP_METHODS order."""
    item = as_map(path_item)
    for method in HTTP_METHODS:
        node = item.get(method)
        if isinstance(node, dict):
            yield method, node


MAX_DEPTH = 100
"""Deeper nesting is refused: no real contract nests this far, and validators recurse."""

MAX_NODES = 1_000_000
"""More nodes are refused: YAML aliases can make a small file expand without bound."""


def as_map(node: Any) -> dict[str, Any]:
    """`node` if it is a mapping, else an empty one."""
    return node if isinstance(node, dict) else {}


def as_list(node: Any) -> list[Any]:
    """`node` if it is a list, else an empty one."""
    return node if isinstance(node, list) else []


def node_at(root: Any, path: JsonPath) -> Any:
    """The node at `path` under `root`, or None if the path leads nowhere."""
    node = root
    for segment in path:
        if isinstance(node, dict) and isinstance(segment, str):
            node = node.get(segment)
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            node = node[segment]
        else:
            return None
    return node


def render_path(path: JsonPath) -> str:
    """The dotted form used in findings: `paths./health.get.parameters[0]`; the root is `$`."""
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else f".{segment}"
    return text.removeprefix(".") or "$"


def json_pointer(path: JsonPath) -> str:
    """The RFC 6901 pointer for `path`, as used after `#` in a `$ref`."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def structure_problem(document: Any) -> tuple[JsonPath, str] | None:
    """Why the document cannot be walked at all (a cycle, or absurd depth), or None.

    YAML aliases can make a node contain itself, which would send every walker (ours and
    the validator's) round forever; this check is iterative so that it cannot overflow.
    """
    stack: list[tuple[Any, JsonPath, frozenset[int]]] = [(document, (), frozenset())]
    visited = 0
    while stack:
        node, path, ancestors = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            return (), f"the document expands to more than {MAX_NODES} nodes"
        if not isinstance(node, dict | list):
            continue
        if id(node) in ancestors:
            return path, "a YAML alias makes this node contain itself"
        if len(path) > MAX_DEPTH:
            return path, f"the document nests deeper than {MAX_DEPTH} levels"
        inner = ancestors | {id(node)}
        if isinstance(node, dict):
            stack.extend((value, (*path, str(key)), inner) for key, value in node.items())
        elif isinstance(node, list):
            stack.extend((item, (*path, index), inner) for index, item in enumerate(node))
    return None


def with_string_keys(node: Any) -> Any:
    """A copy of `node` whose mapping keys are all strings, as in JSON.

    YAML reads an unquoted `200:` as an integer key; JSON, and so OpenAPI, has only
    string keys. Call only after `structure_problem` found nothing.
    """
    if isinstance(node, dict):
        return {str(key): with_string_keys(value) for key, value in node.items()}
    if isinstance(node, list):
        return [with_string_keys(item) for item in node]
    return node
