"""Which operations of a spec a check runs on, said once beside the check (for `inspect`).

Each function returns a `Targets`: given a contract model, the operationIds the check
will judge there. The plan (`plan.py`) and `conformance inspect` ask it before a run; the
check itself loops over the same model at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..contract import Contract, Operation, RoleName

__all__ = ["Targets", "found_by", "of_resources", "of_roles", "secured", "union"]

Targets = Callable[[Contract], list[str]]


def of_resources(action: str, *needs: str, top_level: bool = False, owned: bool = True) -> Targets:
    """The `action` operation of every owned resource that also has `needs`.

    `owned=False` takes the accounts resource too (as `CheckContext.resources_with`).
    """

    def targets(contract: Contract) -> list[str]:
        found = []
        for resource in contract.resources:
            operations = dict(resource.operations)
            if (owned and resource.name == contract.roles.account_resource) or (
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


def found_by(find: Callable[[Contract], Iterable[Operation]]) -> Targets:
    """The operations a check's own reading of the model finds (the one it loops over)."""

    def targets(contract: Contract) -> list[str]:
        return [operation.operation_id for operation in find(contract)]

    return targets


def union(*parts: Targets) -> Targets:
    """The operations of every part, each once, in the parts' order."""

    def targets(contract: Contract) -> list[str]:
        return list(dict.fromkeys(op for part in parts for op in part(contract)))

    return targets


def secured(contract: Contract) -> list[str]:
    """Every secured operation that documents a 401."""
    return [op.operation_id for op in contract if op.secured and op.documents(401)]
