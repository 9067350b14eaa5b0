"""The operations of the contract, as the load suite names them: `METHOD /path/{param}`.

Locust groups statistics by request name and method; the journeys name every request by
its path template, so a statistics row, an SLO selector and an operation of
`spec/openapi.yaml` all meet on the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Endpoint", "contract_endpoints"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True, order=True)
class Endpoint:
    """One operation: its method, its path template and (if known) its `operationId`."""

    method: str
    path: str
    operation_id: str | None = None

    @property
    def key(self) -> str:
        """`GET /api/v1/items/{item_id}`: how tables, reports and SLOs name it."""
        return f"{self.method} {self.path}"


def contract_endpoints(document: Mapping[str, Any]) -> list[Endpoint]:
    """Every operation of an OpenAPI document, in the order it declares them."""
    endpoints: list[Endpoint] = []
    paths = document.get("paths") or {}
    for path, item in paths.items():
        if not isinstance(item, Mapping):
            continue
        for method in _METHODS:
            operation = item.get(method)
            if isinstance(operation, Mapping):
                operation_id = operation.get("operationId")
                endpoints.append(
                    Endpoint(
                        method.upper(),
                        str(path),
                        operation_id if isinstance(operation_id, str) else None,
                    )
                )
    return endpoints
