"""The journeys' tasks, derived from the contract model: one per operation a user can run.

Every resource the model finds (the accounts themselves aside: a user's account is its
identity) gives a task per action it has (create, read, update, replace, list, delete),
named by its operationId, with `resource.action` as a shorthand; the current-account read
and the refresh roles give one each, shorthands `current_account` and `refresh`. The
default weights are read-heavy, the same for every resource.

Pure Python, without Locust: `conformance load` checks a `--mix` against the same plan
the locustfile runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from conformance.contract import Contract, Operation, Resource, RoleName, schemas

__all__ = ["DEFAULT_WEIGHTS", "Plan", "Task", "build_plan", "request_body"]

# Read-heavy, as most APIs are: one write for every few reads. Rows are created a little
# more often than deleted, so every user's lists grow during a run.
DEFAULT_WEIGHTS: dict[str, int] = {
    "list": 10,
    "read": 15,
    "create": 3,
    "update": 2,
    "replace": 1,
    "delete": 2,
    RoleName.CURRENT_ACCOUNT.value: 10,
    RoleName.REFRESH.value: 1,
}


@dataclass(frozen=True)
class Task:
    """One kind of request of the journeys."""

    name: str  # the operationId
    shorthand: str  # `boards.read`, `current_account`, ...
    action: str
    operation: Operation
    resource: Resource | None = None
    # Path parameter -> the resource whose row fills it, in path order.
    rows: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Plan:
    """The tasks of a spec's journeys, and the resources they work on (parents first)."""

    tasks: dict[str, Task]
    resources: dict[str, Resource]
    creatable: frozenset[str] = frozenset()
    skipped: tuple[str, ...] = ()

    @property
    def defaults(self) -> dict[str, int]:
        return {name: DEFAULT_WEIGHTS[task.action] for name, task in self.tasks.items()}

    @property
    def aliases(self) -> dict[str, str]:
        return {task.shorthand: name for name, task in self.tasks.items()}

    @property
    def secured(self) -> bool:
        return any(task.operation.secured for task in self.tasks.values())

    def names(self) -> str:
        """`createBoard (boards.create), ...`: what `--mix` accepts."""
        return ", ".join(f"{name} ({task.shorthand})" for name, task in self.tasks.items())


def build_plan(contract: Contract) -> Plan:
    """The journeys' tasks for a contract; operations a user cannot fill in are skipped."""
    account = contract.roles.account_resource
    tasks: dict[str, Task] = {}
    skipped: list[str] = []
    resources = {r.name: r for r in contract.resources if r.name != account}
    # The journeys make only rows they can delete, so that a run leaves nothing behind.
    creatable = {
        name for name, r in resources.items() if r.create is not None and r.delete is not None
    }
    for resource in resources.values():
        for action, operation in resource.operations:
            if action != "list" and resource.name not in creatable:
                # Rows a user did not make are not its to read, change or delete.
                why = "no create" if resource.create is None else "no delete"
                skipped.append(f"{operation.operation_id}: {resource.name} has {why}")
                continue
            rows = tuple((param, r.name) for param, r in contract.rows_named(operation))
            filled = {param for param, _ in rows}
            unknown = [p.name for p in operation.path_parameters if p.name not in filled]
            parents = [name for _, name in rows if name != resource.name]
            if unknown or any(name not in creatable for name in parents):
                missing = ", ".join(unknown) or ", ".join(parents)
                skipped.append(f"{operation.operation_id}: no row of its own fills {missing}")
                continue
            if action in ("read", "update", "replace", "delete") and (
                not rows or rows[-1][1] != resource.name
            ):
                skipped.append(f"{operation.operation_id}: its path names no {resource.name}")
                continue
            tasks[operation.operation_id] = Task(
                operation.operation_id,
                f"{resource.name}.{action}",
                action,
                operation,
                resource,
                rows,
            )
    for role in (RoleName.CURRENT_ACCOUNT, RoleName.REFRESH):
        found = contract.roles.get(role)
        if found is not None and not found.path_parameters:
            tasks.setdefault(
                found.operation_id, Task(found.operation_id, role.value, role.value, found)
            )
    return Plan(tasks, resources, frozenset(creatable), tuple(skipped))


def request_body(operation: Operation, hint: str, rng: random.Random) -> Any:
    """A valid body for `operation`, from its schema: the required fields and some others.

    Deterministic for one `hint` and one state of `rng`; an update always changes at
    least one field.
    """
    body = operation.body
    if body is None:
        return None
    value = schemas.sample(body.fields, hint=hint)
    if not isinstance(value, dict):
        return value
    optional = [
        (name, sub)
        for name, sub in body.properties.items()
        if name not in value and not sub.get("readOnly")
    ]
    chosen = [item for item in optional if rng.random() < 0.5]
    if not value and not chosen and optional:
        chosen = [optional[rng.randrange(len(optional))]]
    for name, sub in chosen:
        value[name] = schemas.sample(sub, hint=f"{hint}-{name}")
    return value


def page_params(resource: Resource, turn: int) -> dict[str, int]:
    """Query parameters of the `turn`-th page of a listing, within the spec's bounds."""
    pagination = resource.pagination
    params: dict[str, int] = {}
    size = 20
    if pagination.size is not None:
        low = pagination.size.minimum or 1
        high = pagination.size.maximum or size
        size = max(low, min(size, high))
        params[pagination.size.name] = size
    if pagination.offset is not None:
        low = pagination.offset.minimum or 0
        params[pagination.offset.name] = low + (turn % 3) * size
    elif pagination.page is not None:
        low = pagination.page.minimum if pagination.page.minimum is not None else 1
        params[pagination.page.name] = low + turn % 3
    return params
