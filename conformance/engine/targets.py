"""Which operations of a spec a check runs on, said once beside the check (for `inspect`).

A `Targets` pairs a sentence saying what a spec must contain for the check to run (the
catalogue prints it) with a function that, given a contract model, returns the
operationIds the check will judge there. The plan (`plan.py`) and `conformance inspect`
ask it before a run; the check itself loops over the same model at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..contract import Contract, Operation, Resource, RoleName

__all__ = [
    "Targets",
    "also_needs",
    "documenting",
    "found_by",
    "of_account",
    "of_found",
    "of_resources",
    "of_roles",
    "resources_of",
    "secured",
]


@dataclass(frozen=True, slots=True)
class Targets:
    """What a check needs of a spec (`needs`, one phrase) and where it runs in one (`select`)."""

    needs: str
    select: Callable[[Contract], list[str]]

    def __call__(self, contract: Contract) -> list[str]:
        return self.select(contract)


def _and(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def resources_of(
    contract: Contract, actions: Iterable[str], *, owned: bool = True
) -> list[Resource]:
    """Every resource with all these actions; `owned` leaves out the accounts resource.
    What `of_resources` plans is what a check loops over."""
    wanted = tuple(actions)
    return [
        resource
        for resource in contract.resources
        if all(action in dict(resource.operations) for action in wanted)
        and not (owned and resource.name == contract.roles.account_resource)
    ]


def of_resources(action: str, *needs: str, owned: bool = True) -> Targets:
    """The `action` operation of every owned resource that also has `needs`.

    `owned=False` takes the accounts resource too (as `CheckContext.resources_with`).
    """

    def select(contract: Contract) -> list[str]:
        found = resources_of(contract, (action, *needs), owned=owned)
        return [dict(resource.operations)[action].operation_id for resource in found]

    other = " (other than the accounts)" if owned else ""
    actions = _and(tuple(dict.fromkeys((action, *needs))))
    return Targets(f"a resource{other} with {actions} operations", select)


def found_by(needs: str, find: Callable[[Contract], Iterable[Operation]]) -> Targets:
    """The operations a check's own reading of the model finds (the one it loops over)."""

    def select(contract: Contract) -> list[str]:
        return list(dict.fromkeys(operation.operation_id for operation in find(contract)))

    return Targets(needs, select)


def of_roles(*roles: RoleName) -> Targets:
    """The operations playing these roles."""

    def select(contract: Contract) -> list[str]:
        return [op.operation_id for role in roles if (op := contract.roles.get(role))]

    words = tuple(f"a {role.value.replace('_', '-')} operation" for role in roles)
    return Targets(_and(words) + " (inferred, or named in `[roles]`)", select)


def also_needs(role: RoleName, targets: Targets) -> Targets:
    """`targets`, on a spec that also has an operation playing `role` (none elsewhere)."""

    def select(contract: Contract) -> list[str]:
        return targets(contract) if contract.roles.get(role) else []

    return Targets(f"{targets.needs}, and a {role.value.replace('_', '-')} operation", select)


def _secured(contract: Contract) -> list[str]:
    return [op.operation_id for op in contract if op.secured]


secured = Targets("operations whose `security` requires credentials", _secured)
"""Every operation that requires credentials: it declares `security`, none of whose
alternatives is the empty one (`{}`, a caller without credentials served too)."""


def of_account(action: str, *needs: str) -> Targets:
    """The `action` operation of the accounts resource (what the sign-up creates), by id."""

    def select(contract: Contract) -> list[str]:
        account = contract.resource(contract.roles.account_resource or "")
        if account is None or account.id_param is None:
            return []
        operations = dict(account.operations)
        if action in operations and all(need in operations for need in needs):
            return [operations[action].operation_id]
        return []

    actions = _and(tuple(dict.fromkeys((action, *needs))))
    return Targets(f"an accounts resource (what the sign-up creates) with {actions} by id", select)


def of_found(needs: str, find: Callable[[Contract], Iterable[Resource]], *actions: str) -> Targets:
    """The operation of each resource `find` (the check's own finder) returns: for the
    first of `actions` the resource has."""

    def select(contract: Contract) -> list[str]:
        found = []
        for resource in find(contract):
            operations = dict(resource.operations)
            action = next((action for action in actions if action in operations), None)
            if action is not None:
                found.append(operations[action].operation_id)
        return found

    return Targets(needs, select)


def documenting(header: str) -> Targets:
    """Every operation with a response that documents this header (lower-cased name)."""

    def select(contract: Contract) -> list[str]:
        return [
            op.operation_id
            for op in contract
            if any(header in response.headers for response in op.responses.values())
        ]

    return Targets(f"responses that document the `{header}` header", select)
