"""What a run can test on a spec: each check, the operations it will run on, or why it cannot.

`plan()` asks only the contract model and the registry, without a target, so that
`conformance inspect` shows a user before a run what the run will cover and what the
spec (or conformance.toml) would have to say for more to be tested.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..contract import Contract, RoleName
from .catalogue import load_checks
from .registry import Check, Family

__all__ = ["PlannedCheck", "plan"]


@dataclass(frozen=True, slots=True)
class PlannedCheck:
    check_id: str
    # The operationIds it will run on; empty when skipped (or when it judges the whole API).
    operations: tuple[str, ...]
    # Why it will not run, or None when it will.
    skipped: str | None = None
    whole_api: bool = False


def _signup_problem(contract: Contract, identities: int) -> str | None:
    roles = contract.roles
    if roles.get(RoleName.SIGNUP) is not None and roles.get(RoleName.TOKEN) is not None:
        creds = roles.credentials
        if creds is not None and creds.signup_identifier and creds.signup_secret:
            return None
    if identities:
        return None
    if roles.get(RoleName.SIGNUP) is None:
        return 'no sign-up operation found: set [roles] signup = "<operationId>" or [[identity]]'
    return 'no token operation found: set [roles] token = "<operationId>"'


def plan(contract: Contract, *, has_admin: bool, identities: int = 0) -> list[PlannedCheck]:
    """One entry per registered check, in the catalogue's order."""
    registry = load_checks()
    every = tuple(operation.operation_id for operation in contract)
    no_users = _signup_problem(contract, identities)
    peers = 2 if no_users is None and identities != 1 else min(identities, 1)
    planned = []
    for item in registry:
        planned.append(_one(item, contract, every, no_users, peers, has_admin))
    return planned


def _one(
    item: Check,
    contract: Contract,
    every: tuple[str, ...],
    no_users: str | None,
    peers: int,
    has_admin: bool,
) -> PlannedCheck:
    if item.family is Family.GENERIC:
        if item.schemathesis_name == "object_level_authorization" and peers < 2:
            return PlannedCheck(
                item.id, (), "needs two accounts (WFC peers): the run can make at most one"
            )
        return PlannedCheck(item.id, every)
    if item.family is Family.DRIFT:
        return PlannedCheck(item.id, (), whole_api=True)
    if item.needs_admin and not has_admin:
        return PlannedCheck(item.id, (), "needs admin credentials (--admin-email/--admin-password)")
    if item.targets is not None:
        found = tuple(item.targets(contract))
        if not found:
            return PlannedCheck(item.id, (), f"it needs {item.targets.needs}: the spec has none")
        if no_users is not None:
            return PlannedCheck(item.id, (), no_users)
        return PlannedCheck(item.id, found)
    present = tuple(op for op in item.operations if op in contract.operations)
    if item.operations and not present:
        return PlannedCheck(
            item.id,
            (),
            "the spec has none of the operations it is written for: " + ", ".join(item.operations),
        )
    if no_users is not None and item.family is not Family.CONFIG:
        return PlannedCheck(item.id, (), no_users)
    return PlannedCheck(item.id, present, whole_api=not item.operations)
