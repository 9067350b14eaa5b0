"""The contract as the checks see it: operations by operationId, with their paths and statuses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..contract import load_document
from ..errors import SpecError

__all__ = ["HTTP_METHODS", "Operation", "SpecIndex", "load_spec"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str
    path: str
    secured: bool
    statuses: frozenset[str]

    @property
    def label(self) -> str:
        """Schemathesis's name for the operation: `GET /api/v1/items/{item_id}`."""
        return f"{self.method.upper()} {self.path}"

    def url_path(self, **params: object) -> str:
        path = self.path
        for name, value in params.items():
            path = path.replace("{" + name + "}", str(value))
        return path


@dataclass(frozen=True, slots=True)
class SpecIndex:
    source: str
    document: dict[str, Any]
    operations: dict[str, Operation]

    def __getitem__(self, operation_id: str) -> Operation:
        return self.operations[operation_id]

    def by_label(self, label: str) -> Operation | None:
        return next((op for op in self.operations.values() if op.label == label), None)

    def operation_name(self, label: str | None) -> str | None:
        """The operationId for a schemathesis label, or the label itself if it names none."""
        if label is None:
            return None
        operation = self.by_label(label)
        return operation.operation_id if operation is not None else label


def load_spec(source: str | None) -> SpecIndex:
    """Load and index the contract; `SpecError` when it is not an OpenAPI 3 document."""
    name = source or "spec/openapi.yaml (bundled)"
    try:
        document = load_document(source)
    except SpecError as exc:
        lines = exc.message.splitlines()
        if len(lines) < 2:
            raise
        # One line on the console: httpx's status errors append a line of advice.
        detail = lines[0].removeprefix(f"{exc.source}: ")
        raise SpecError(detail, source=exc.source, hint=exc.hint) from exc
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecError("not an OpenAPI 3 document (no `openapi: 3.x` field)", source=name)
    paths = document.get("paths")
    if not isinstance(paths, dict) or not paths:
        raise SpecError("the document has no `paths`", source=name)
    default_security = document.get("security", [])
    operations: dict[str, Operation] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            raise SpecError(f"path {path!r} is not a mapping", source=name)
        for method in HTTP_METHODS:
            entry = item.get(method)
            if not isinstance(entry, dict):
                continue
            operation_id = entry.get("operationId") or f"{method.upper()} {path}"
            security = entry.get("security", default_security)
            operations[operation_id] = Operation(
                operation_id=operation_id,
                method=method,
                path=path,
                secured=bool(security),
                statuses=frozenset(str(code) for code in entry.get("responses", {})),
            )
    return SpecIndex(source=name, document=document, operations=operations)
