"""Which operations of a spec a check runs on, said once beside the check (for `inspect`).

Each function returns a `Targets`: given a contract model, the operationIds the check
will judge there. The plan (`plan.py`) and `conformance inspect` ask it before a run; the
check itself loops over the same model at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..contract import Contract, Operation, Resource, RoleName

__all__ = [
    "Targets",
    "of_account",
    "of_found",
    "of_operations",
    "of_resources",
    "of_roles",
    "secured",
]

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


def of_account(action: str, *needs: str) -> Targets:
    """The `action` operation of the accounts resource (what the sign-up creates), by id."""

    def targets(contract: Contract) -> list[str]:
        account = contract.resource(contract.roles.account_resource or "")
        if account is None or account.id_param is None:
            return []
        operations = dict(account.operations)
        if action in operations and all(need in operations for need in needs):
            return [operations[action].operation_id]
        return []

    return targets


def of_found(find: Callable[[Contract], Iterable[Resource]], action: str) -> Targets:
    """The `action` operation of each resource `find` (the check's own finder) returns."""

    def targets(contract: Contract) -> list[str]:
        return [
            operations[action].operation_id
            for resource in find(contract)
            if action in (operations := dict(resource.operations))
        ]

    return targets


def of_operations(*finds: Callable[[Contract], Iterable[Operation]]) -> Targets:
    """The operations the check's own finders return."""

    def targets(contract: Contract) -> list[str]:
        found = [operation.operation_id for find in finds for operation in find(contract)]
        return list(dict.fromkeys(found))

    return targets
