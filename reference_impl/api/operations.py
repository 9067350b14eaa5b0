"""The spec is the routing table: each operation of `spec/openapi.yaml` is bound to the
handler that implements it.

Handlers are typed FastAPI endpoints (generated models, `Annotated` dependencies) that
carry no routing facts. `Handlers` names each by the operationId it implements;
`bind_operations` walks the spec's paths and registers every handler at its operation's
path and method, with the operation's success status, summary and tag. An operation with
no handler, or a handler with no operation, is a `ContractMismatch` at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI

from ..errors import ContractMismatch
from .routing import ContractRoute

Handler = Callable[..., Any]
_H = TypeVar("_H", bound=Handler)
_METHODS = ("get", "put", "post", "patch", "delete", "options", "head", "trace")


@dataclass(frozen=True, slots=True)
class Operation:
    """What the spec says of one operation: all a route needs."""

    operation_id: str
    method: str
    path: str
    status_code: int
    summary: str | None
    tags: tuple[str, ...]
    path_ids: tuple[str, ...]

    @property
    def route_path(self) -> str:
        """The path with each integer path parameter matched by the `id` convertor, so
        that `/users/me` is never taken for a `/users/{user_id}`."""
        path = self.path
        for name in self.path_ids:
            path = path.replace(f"{{{name}}}", f"{{{name}:id}}")
        return path


class Handlers:
    """Handlers by the operationId they implement; a second handler for one id is refused."""

    def __init__(self) -> None:
        self._by_id: dict[str, Handler] = {}

    def implements(self, operation_id: str) -> Callable[[_H], _H]:
        """Decorator: the function implements the spec's operation `operation_id`."""

        def register(handler: _H) -> _H:
            self.add(operation_id, handler)
            return handler

        return register

    def add(self, operation_id: str, handler: Handler) -> None:
        """Register `handler` for `operation_id`."""
        if operation_id in self._by_id:
            raise ContractMismatch(f"operation {operation_id} has two handlers")
        self._by_id[operation_id] = handler

    def merged(self, *others: Handlers) -> Handlers:
        """One set holding this set's handlers and those of `others`."""
        merged = Handlers()
        for source in (self, *others):
            for operation_id, handler in source._by_id.items():
                merged.add(operation_id, handler)
        return merged

    def without(self, operation_id: str) -> Handlers:
        """A copy with the handler of `operation_id` left out."""
        copy = Handlers()
        copy._by_id = {k: v for k, v in self._by_id.items() if k != operation_id}
        return copy

    def as_mapping(self) -> Mapping[str, Handler]:
        """The handlers by operationId."""
        return dict(self._by_id)


def spec_operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    """Every operation of an OpenAPI document, in the document's order."""
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            parameters = [
                _resolve(document, p) for p in (*shared, *operation.get("parameters", []))
            ]
            yield Operation(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=path,
                status_code=_success_status(operation),
                summary=operation.get("summary"),
                tags=tuple(operation.get("tags", ())),
                path_ids=tuple(
                    p["name"]
                    for p in parameters
                    if p.get("in") == "path"
                    and _resolve(document, p.get("schema", {})).get("type") == "integer"
                ),
            )


def bind_operations(app: FastAPI, document: Mapping[str, Any], handlers: Handlers) -> None:
    """Register on `app` one route per operation of `document`, each with its handler.

    Raises `ContractMismatch` naming the first operation without a handler, or the first
    handler without an operation, before any route is added.
    """
    by_id = handlers.as_mapping()
    operations = list(spec_operations(document))
    for operation in operations:
        if operation.operation_id not in by_id:
            raise ContractMismatch(
                f"operation {operation.operation_id} ({operation.method} {operation.path}) "
                "has no handler"
            )
    known = {operation.operation_id for operation in operations}
    for operation_id, handler in by_id.items():
        if operation_id not in known:
            raise ContractMismatch(
                f"handler {handler.__module__}.{handler.__qualname__} implements "
                f"{operation_id}, which is not an operation of the spec"
            )
    for operation in operations:
        app.router.add_api_route(
            operation.route_path,
            by_id[operation.operation_id],
            methods=[operation.method],
            operation_id=operation.operation_id,
            status_code=operation.status_code,
            summary=operation.summary,
            tags=list(operation.tags),
            route_class_override=ContractRoute,
        )


def _success_status(operation: Mapping[str, Any]) -> int:
    codes = sorted(int(code) for code in operation.get("responses", {}) if str(code)[0] == "2")
    if not codes:
        raise ContractMismatch(f"operation {operation['operationId']} has no 2xx response")
    return codes[0]


def _resolve(document: Mapping[str, Any], node: Mapping[str, Any]) -> Mapping[str, Any]:
    # Local references only: the spec is one file.
    while "$ref" in node:
        target: Any = document
        for part in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node
