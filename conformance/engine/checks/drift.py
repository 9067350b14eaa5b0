"""Drift: the OpenAPI document the deployment serves, compared with the contract.

Differences are listed with `[breaking]` when a client written against the contract could
break on them: a missing operation, a success status that changed, a parameter or property
removed, made required or retyped.
"""

from __future__ import annotations

import httpx

from ...contract import Contract, Operation, schemas
from ..context import CheckContext
from ..registry import Need, Owasp, check
from ..served import Served

_MAX_LISTED = 25

Shape = tuple[dict[str, tuple[str, ...]], set[str]]


def _served(ctx: CheckContext) -> Served:
    served = ctx.served.get()
    if served is None:
        if ctx.served.given is not None:
            ctx.fail(
                "the served document named by --served-spec is not an OpenAPI document",
                expected=f"an OpenAPI 3 document at {ctx.served.given}",
                seen=ctx.served.problem,
            )
        ctx.skip(ctx.served.problem)
    ctx.sent += 1
    return served


def _operations(contract: Contract) -> dict[str, Operation]:
    return {operation.label: operation for operation in contract}


def _shape(schema: object) -> Shape:
    """An object schema's properties (with their types) and its required names."""
    inner = schemas.object_schema(schema)
    if "array" in schemas.types(inner):
        inner = schemas.object_schema(inner.get("items", {}))
    return (
        {name: schemas.types(value) for name, value in schemas.properties(inner).items()},
        set(schemas.required(inner)),
    )


def _parameters(operation: Operation) -> dict[str, tuple[bool, tuple[str, ...]]]:
    return {
        f"{parameter.location} {parameter.name}": (
            parameter.required,
            schemas.types(parameter.schema),
        )
        for parameter in operation.parameters
        if parameter.location in ("path", "query")
    }


def _fail_with(
    ctx: CheckContext, title: str, differences: list[str], response: httpx.Response
) -> None:
    if not differences:
        return
    listed = differences[:_MAX_LISTED]
    more = len(differences) - len(listed)
    ctx.fail(
        title,
        expected="the served document to match the contract",
        seen="; ".join(listed) + (f"; and {more} more" if more > 0 else ""),
        response=response,
    )


@check(
    "drift.operations",
    setup=(Need.SERVED,),
    risk="The served API document lists other operations than the contract.",
    description=(
        "The served document has every operation of "
        "the contract and no other ([breaking]: missing)."
    ),
    owasp=Owasp.API9,
)
def operations(ctx: CheckContext) -> None:
    found = _served(ctx)
    response = found.response
    served = _operations(found.contract)
    contract = _operations(ctx.spec)
    differences = [
        f"[breaking] missing {label}" for label in sorted(contract.keys() - served.keys())
    ]
    differences += [f"extra {label}" for label in sorted(served.keys() - contract.keys())]
    _fail_with(ctx, "the served operations differ from the contract", differences, response)


@check(
    "drift.status-codes",
    setup=(Need.SERVED,),
    risk="The served API document drops status codes that clients rely on.",
    description="Each served operation documents the contract's status codes "
    "([breaking]: a documented status or a success status removed).",
    owasp=Owasp.API9,
)
def status_codes(ctx: CheckContext) -> None:
    found = _served(ctx)
    response = found.response
    served = _operations(found.contract)
    differences = []
    for label, operation in sorted(_operations(ctx.spec).items()):
        if label not in served:
            continue
        want, have = set(operation.statuses), set(served[label].statuses)
        for code in sorted(want - have):
            differences.append(f"[breaking] {label}: {code} not documented")
        for code in sorted(have - want):
            mark = "[breaking] " if code.startswith("2") else ""
            differences.append(f"{mark}{label}: extra {code}")
    _fail_with(ctx, "the served status codes differ from the contract", differences, response)


@check(
    "drift.schemas",
    setup=(Need.SERVED,),
    risk="The served API document changes fields that clients rely on.",
    description="Parameters, request bodies and success bodies keep the contract's names, "
    "types and required fields ([breaking]: removed, retyped or newly required).",
    owasp=Owasp.API9,
)
def schema_shapes(ctx: CheckContext) -> None:
    found = _served(ctx)
    response = found.response
    served = _operations(found.contract)
    differences: list[str] = []
    for label, operation in sorted(_operations(ctx.spec).items()):
        other = served.get(label)
        if other is None:
            continue
        want, have = _parameters(operation), _parameters(other)
        for name in sorted(want.keys() | have.keys()):
            if name not in have:
                differences.append(f"[breaking] {label}: parameter {name} removed")
            elif name not in want:
                mark = "[breaking] " if have[name][0] else ""
                differences.append(f"{mark}{label}: extra parameter {name}")
            elif want[name] != have[name]:
                differences.append(
                    f"[breaking] {label}: parameter {name} {want[name]} became {have[name]}"
                )
        differences += _compare(
            label + " request",
            _shape(operation.body.schema if operation.body else None),
            _shape(other.body.schema if other.body else None),
            request=True,
        )
        for code, documented in sorted(operation.responses.items()):
            theirs = other.responses.get(code)
            if code.startswith("2") and theirs is not None:
                differences += _compare(
                    f"{label} {code} response",
                    _shape(documented.schema),
                    _shape(theirs.schema),
                    request=False,
                )
    _fail_with(ctx, "the served schemas differ from the contract", differences, response)


def _compare(
    where: str,
    want: Shape,
    have: Shape,
    *,
    request: bool,
) -> list[str]:
    (want_props, want_required), (have_props, have_required) = want, have
    differences = []
    for name in sorted(want_props.keys() | have_props.keys()):
        if name not in have_props:
            differences.append(f"[breaking] {where}: {name} removed")
        elif name not in want_props:
            newly_required = request and name in have_required
            differences.append(f"{'[breaking] ' if newly_required else ''}{where}: extra {name}")
        elif want_props[name] and have_props[name] and want_props[name] != have_props[name]:
            differences.append(
                f"[breaking] {where}: {name} is {'/'.join(have_props[name])}, "
                f"not {'/'.join(want_props[name])}"
            )
    if request:
        for name in sorted((have_required - want_required) & want_props.keys()):
            differences.append(f"[breaking] {where}: {name} became required")
    return differences
