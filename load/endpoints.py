"""The operations of the contract, as the load suite names them: `METHOD /path/{param}`.

Locust groups statistics by request name and method; the journeys name every request by
its path template, so a statistics row, an SLO selector and an operation of
`spec/openapi.yaml` all meet on the same key.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformance.contract import Contract

__all__ = ["Endpoint", "contract_endpoints"]


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


def contract_endpoints(contract: Contract) -> list[Endpoint]:
    """Every operation of the contract model, in the order the spec declares them."""
    return [
        Endpoint(operation.method.upper(), operation.path, operation.operation_id)
        for operation in contract
    ]
