"""The nodes of a Swagger 2.0 document in their 3.0 form: schemas, `$ref`s and copies.

`swagger2` builds the document's structure (servers, paths, parameters, bodies,
responses); every node below that level is made here. Each source node is made once,
remembered by identity, and walked with an explicit stack: a YAML alias is one node in the
result as in the source, and neither deep nor self-containing input can overflow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

__all__ = ["SECTIONS", "Nodes", "unescape"]

SECTIONS = {"definitions": "schemas", "parameters": "parameters", "responses": "responses"}
"""Where a 2.0 `$ref` may point, and where that section lives under 3.0's `components`."""

_ONE_SCHEMA = ("items", "additionalProperties", "not")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_INVALID_NAME = re.compile(r"[^A-Za-z0-9._-]")

_Queue = list[tuple[Mapping[str, Any], dict[str, Any]]]


class Nodes:
    """The 3.0 names of the document's components, and the nodes made so far."""

    def __init__(self, source: Mapping[str, Any]) -> None:
        self.names = {
            section: _component_names(_as_map(source.get(section)))
            for section in (*SECTIONS, "securityDefinitions")
        }
        """Each section's 2.0 names and their 3.0 component keys."""
        self.bodies = {
            str(name)
            for name, node in _as_map(source.get("parameters")).items()
            if _as_map(node).get("in") in ("body", "formData")
        }
        """Top-level parameters that 3.0 makes request bodies."""
        # id(source node) -> (source node, its copy): the source node is held so that its
        # id cannot be reused by another object while the conversion runs.
        self.copies: dict[int, tuple[Any, Any]] = {}
        self.linked: dict[int, tuple[Any, Any]] = {}
        self.schemas: dict[int, tuple[Mapping[str, Any], dict[str, Any]]] = {}

    def schema(self, node: Any) -> Any:
        """The 3.0 form of a 2.0 schema and of every schema inside it (no recursion)."""
        if not isinstance(node, Mapping):
            return self.copy(node)
        stack: _Queue = []
        root = self._schema_node(node, stack)
        while stack:
            source, target = stack.pop()
            for key, value in source.items():
                key = str(key)
                if key == "$ref" and isinstance(value, str):
                    target[key] = self.ref(value)
                elif key in _ONE_SCHEMA and isinstance(value, Mapping):
                    target[key] = self._schema_node(value, stack)
                elif key == "items" and isinstance(value, list):
                    # 2.0 allows one schema only; a list (tuple validation) becomes anyOf.
                    items = [self._schema_node(v, stack) for v in value if isinstance(v, Mapping)]
                    target[key] = items[0] if len(items) == 1 else {"anyOf": items} if items else {}
                elif key == "properties" and isinstance(value, Mapping):
                    target[key] = {str(k): self._subschema(v, stack) for k, v in value.items()}
                elif key in _SCHEMA_LISTS and isinstance(value, list):
                    target[key] = [self._subschema(v, stack) for v in value]
                elif key == "x-nullable" and isinstance(value, bool):
                    target["nullable"] = value
                elif key == "discriminator":
                    target[key] = self._discriminator(value)
                elif key == "required":
                    # 3.0 wants a non-empty list of names; `required: true` on a property
                    # is a common 2.0 slip that neither version means anything by.
                    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                        target[key] = list(value)
                elif key != "collectionFormat":  # a parameter's items carry it; 3.0 has style
                    target[key] = self.copy(value, link=key.startswith("x-"))
            if target.get("type") == "file":
                target.update(type="string", format="binary")
        return root

    def _subschema(self, node: Any, stack: _Queue) -> Any:
        return self._schema_node(node, stack) if isinstance(node, Mapping) else self.copy(node)

    def _schema_node(self, node: Mapping[str, Any], stack: _Queue) -> dict[str, Any]:
        """The target of `node`, queued on `stack` to be filled unless it was made before."""
        found = self.schemas.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        target: dict[str, Any] = {}
        self.schemas[id(node)] = (node, target)
        stack.append((node, target))
        return target

    def _discriminator(self, value: Any) -> Any:
        if isinstance(value, str):
            return {"propertyName": value}
        out = self.copy(value)
        if isinstance(out, dict) and isinstance(out.get("mapping"), dict):
            out["mapping"] = {
                name: self.ref(target) if isinstance(target, str) else target
                for name, target in out["mapping"].items()
            }
        return out

    def ref(self, ref: str) -> str:
        """A 2.0 `$ref` pointed at its 3.0 place; other references are left as written."""
        head, _, rest = ref.removeprefix("#/").partition("/")
        section = SECTIONS.get(head)
        if not ref.startswith("#/") or section is None or not rest:
            return ref
        raw_name, slash, tail = rest.partition("/")
        name = unescape(raw_name)
        if head == "parameters" and name in self.bodies:
            section = "requestBodies"
        new = self.names[head].get(name) or _valid_name(name)
        return f"#/components/{section}/{new}{slash}{tail}"

    def copy(self, node: Any, *, link: bool = False) -> Any:
        """A deep copy of `node` with string keys; with `link`, its `$ref`s rewritten.

        Extensions are copied with `link` (what they reference has moved for them too);
        examples, defaults and enums without (their content is data, not references).
        """
        if not isinstance(node, dict | list):
            return node
        memo = self.linked if link else self.copies
        stack: list[tuple[Any, Any]] = []
        root = self._copy_node(node, memo, stack)
        while stack:
            source, target = stack.pop()
            if isinstance(source, dict):
                for key, value in source.items():
                    if isinstance(value, dict | list):
                        value = self._copy_node(value, memo, stack)
                    elif link and key == "$ref" and isinstance(value, str):
                        value = self.ref(value)
                    target[str(key)] = value
            else:
                for value in source:
                    if isinstance(value, dict | list):
                        value = self._copy_node(value, memo, stack)
                    target.append(value)
        return root

    @staticmethod
    def _copy_node(node: Any, memo: dict[int, tuple[Any, Any]], stack: list[Any]) -> Any:
        found = memo.get(id(node))
        if found is not None and found[0] is node:
            return found[1]
        target: Any = {} if isinstance(node, dict) else []
        memo[id(node)] = (node, target)
        stack.append((node, target))
        return target


def _component_names(section: Mapping[Any, Any]) -> dict[str, str]:
    """Each 2.0 name and its 3.0 component key (`[A-Za-z0-9._-]+`, unique in the section)."""
    names: dict[str, str] = {}
    taken = {str(name) for name in section if not _INVALID_NAME.search(str(name))}
    for name in map(str, section):
        if name in taken:
            names[name] = name
            continue
        base = _valid_name(name)
        new, suffix = base, 2
        while new in taken:
            new, suffix = f"{base}{suffix}", suffix + 1
        taken.add(new)
        names[name] = new
    return names


def _valid_name(name: str) -> str:
    return _INVALID_NAME.sub("_", name) or "_"


def unescape(segment: str) -> str:
    """A JSON-pointer segment (maybe percent-encoded) as the key it names."""
    return unquote(segment).replace("~1", "/").replace("~0", "~")


def _as_map(node: Any) -> Mapping[Any, Any]:
    return node if isinstance(node, Mapping) else {}
