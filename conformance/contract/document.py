"""A read-only view of an OpenAPI document: `$ref`s and operations, for lint and the model.

Every accessor tolerates a malformed document (see `tree`): rules never crash on one,
they only see less of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import unquote

from .tree import JsonPath, as_list, as_map, operations_in, with_string_keys
from .walk import Locations, locate

__all__ = ["Operation", "Spec"]


@dataclass(frozen=True)
class Operation:
    """One operation under `paths`, with the path item it belongs to."""

    route: str
    method: str
    node: dict[str, Any]
    path: JsonPath
    path_item: dict[str, Any]

    @property
    def label(self) -> str:
        """How messages name the operation: `POST /api/v1/users/`."""
        return f"{self.method.upper()} {self.route}"

    @property
    def operation_id(self) -> str | None:
        """The operationId, if it is a non-empty string."""
        value = self.node.get("operationId")
        return value if isinstance(value, str) and value else None


class Spec:
    """The document, with `$ref` resolution and the walks the rules share."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        """Wrap a document that `structure_problem` accepted; keys are made strings."""
        self.root: dict[str, Any] = with_string_keys(dict(document))
        # What each `$ref` resolves to, fully dereferenced: see `dereference`.
        self._resolved: dict[str, Any] = {}

    def lookup(self, ref: str) -> tuple[Any, JsonPath] | None:
        """The node a local `$ref` (`#/...`) names and its path; None if it names nothing."""
        if not ref.startswith("#"):
            return None
        fragment = unquote(ref[1:])
        if fragment and not fragment.startswith("/"):
            return None
        node: Any = self.root
        path: list[str | int] = []
        for raw in fragment.split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
                path.append(part)
            elif (
                isinstance(node, list)
                and part.isascii()
                and part.isdigit()
                and int(part) < len(node)
            ):
                node = node[int(part)]
                path.append(int(part))
            else:
                return None
        return node, tuple(path)

    def resolve(self, node: Any, path: JsonPath) -> tuple[Any, JsonPath]:
        """Follow `$ref`s from `node` to the object they name, and that object's own path.

        A dangling, external or circular `$ref` resolves to None at the path of the last
        `$ref` followed; the `invalid-ref` rule reports those.
        """
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            target = None if ref in seen else self.lookup(ref)
            if target is None:
                return None, path
            seen.add(ref)
            node, path = target
        return node, path

    def dereference(self, node: Any) -> Any:
        """`node` with every local `$ref` in it replaced by what it names.

        Each `$ref` is resolved once per document and the result shared by every place
        that names it, so densely linked schemas cost memory in proportion to the
        document, not to the number of paths through it. The result is read-only: it
        shares objects with other results. A reference back into itself (a recursive
        schema) becomes `{}`, which accepts anything: enough for the questions the model
        asks, and nothing that walks the result can loop.
        """
        return self._dereference(node, set())

    def _dereference(self, node: Any, active: set[str]) -> Any:
        if isinstance(node, list):
            return [self._dereference(item, active) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return {key: self._dereference(value, active) for key, value in node.items()}
        resolved = self._target(ref, active)
        # Siblings of `$ref` (3.1 allows a description beside it) are kept.
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        if siblings and isinstance(resolved, dict):
            return {**resolved, **self._dereference(siblings, active)}
        return resolved

    def _target(self, ref: str, active: set[str]) -> Any:
        if ref in self._resolved:
            return self._resolved[ref]
        target = None if ref in active else self.lookup(ref)
        if target is None:
            return {}
        active.add(ref)
        try:
            resolved = self._dereference(target[0], active)
        finally:
            active.discard(ref)
        self._resolved[ref] = resolved
        return resolved

    def resolved_map(self, node: Any, path: JsonPath) -> tuple[dict[str, Any], JsonPath]:
        """`resolve`, keeping only a mapping (an empty one for anything else)."""
        target, target_path = self.resolve(node, path)
        return as_map(target), target_path

    @cached_property
    def locations(self) -> Locations:
        """Every parameter, header, media type, response, link and schema, where written."""
        return locate(self.root)

    @cached_property
    def path_items(self) -> list[tuple[str, dict[str, Any], JsonPath]]:
        """(route, resolved path item, the item's own path) for each entry of `paths`."""
        found = []
        for route, item in as_map(self.root.get("paths")).items():
            path_item, item_path = self.resolved_map(item, ("paths", route))
            found.append((route, path_item, item_path))
        return found

    @cached_property
    def operations(self) -> list[Operation]:
        """Every operation under `paths`, in document order."""
        found = []
        for route, path_item, item_path in self.path_items:
            for method, node in operations_in(path_item):
                found.append(Operation(route, method, node, (*item_path, method), path_item))
        return found

    @cached_property
    def operations_by_id(self) -> dict[str, Operation]:
        """Operations by operationId; with duplicates, the first one wins."""
        by_id: dict[str, Operation] = {}
        for operation in self.operations:
            if operation.operation_id is not None:
                by_id.setdefault(operation.operation_id, operation)
        return by_id

    def parameters(self, operation: Operation) -> dict[tuple[str, str], dict[str, Any]]:
        """The operation's parameters by (location, name), path-item ones overridden."""
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        item_path = operation.path[:-1]
        for owner, owner_path in (
            (operation.path_item, item_path),
            (operation.node, operation.path),
        ):
            for index, raw in enumerate(as_list(owner.get("parameters"))):
                parameter, _ = self.resolved_map(raw, (*owner_path, "parameters", index))
                name, where = parameter.get("name"), parameter.get("in")
                if isinstance(name, str) and isinstance(where, str):
                    merged[(where, name)] = parameter
        return merged

    def responses(self, operation: Operation) -> Iterator[tuple[str, dict[str, Any], JsonPath]]:
        """(status code, resolved response, the response's own path) for each response."""
        base = (*operation.path, "responses")
        for code, raw in as_map(operation.node.get("responses")).items():
            response, path = self.resolve(raw, (*base, code))
            if isinstance(response, dict):
                yield code, response, path

    def request_body(self, operation: Operation) -> tuple[dict[str, Any], JsonPath] | None:
        """The resolved request body and its path, if the operation takes one."""
        if "requestBody" not in operation.node:
            return None
        body, path = self.resolved_map(
            operation.node["requestBody"], (*operation.path, "requestBody")
        )
        return (body, path) if body else None

    def is_secured(self, operation: Operation) -> bool:
        """Whether the operation checks credentials (by its own `security`, or the document's).

        It does when some requirement names a scheme; `security: []`, or only `{}`
        requirements, mean that no credentials are ever looked at.
        """
        security = operation.node.get("security", self.root.get("security"))
        return any(as_map(requirement) for requirement in as_list(security))
