"""Which operations of a spec a check runs on, said once beside the check (for `inspect`).

Each function returns a `Targets`: given a contract model, the operationIds the check
will judge there. The plan (`plan.py`) and `conformance inspect` ask it before a run; the
check itself loops over the same model at run time.
"""

from __future__ import annotations

from collections.abc import Callable

from ..contract import Contract, RoleName

__all__ = ["Targets", "documenting", "of_resources", "of_roles", "secured"]

Targets = Callable[[Contract], list[str]]


def of_resources(action: str, *needs: str, top_level: bool = False) -> Targets:
    """The `action` operation of every owned resource that also has `needs`."""

    def targets(contract: Contract) -> list[str]:
        found = []
        for resource in contract.resources:
            operations = dict(resource.operations)
            if resource.name == contract.roles.account_resource or (
                top_level and resource.parent is not None
            ):
                continue
            if action in operations and all(need in operations for need in needs):
                found.append(operations[action].operation_id)
        return found

    return targets


def of_roles(*roles: RoleName) -> Targets:
    """The operations playing these roles."""

    def targets(contract: Contract) -> list[str]:
        return [op.operation_id for role in roles if (op := contract.roles.get(role))]

    return targets


def secured(contract: Contract) -> list[str]:
    """Every secured operation that documents a 401."""
    return [op.operation_id for op in contract if op.secured and op.documents(401)]


def documenting(header: str) -> Targets:
    """Every operation with a response that documents this header (lower-cased name)."""

    def targets(contract: Contract) -> list[str]:
        return [
            op.operation_id
            for op in contract
            if any(header in response.headers for response in op.responses.values())
        ]

    return targets
