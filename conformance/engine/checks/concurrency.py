"""Integrity under concurrency: races neither duplicate what is unique nor lose what is created.

Both checks run on every create of the contract model: the duplicate race where the spec
documents a conflict (the sign-up, whose identifier names one account, and every create
that documents 409), the parallel creates on every resource the run's users own.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from ...contract import Contract, Operation, Resource, RoleName, accounts
from ..context import CheckContext
from ..http import json_body
from ..identities import Identity
from ..registry import Need, Owasp, check
from ..rows import body_for, success_statuses
from ..targets import found_by, of_resources


def _conflicts(operation: Operation) -> set[int]:
    """The statuses the spec gives a create whose unique field is taken: 409 where it is
    documented, else (a sign-up's taken identifier) a documented 400."""
    for code in (409, 400):
        if str(code) in operation.statuses:
            return {code}
    return set()


def _raced(contract: Contract) -> list[tuple[Operation, Resource | None]]:
    """The sign-up (where it documents a conflict), and every create that documents 409."""
    signup = contract.roles.get(RoleName.SIGNUP)
    found: list[tuple[Operation, Resource | None]] = []
    if signup is not None and _conflicts(signup):
        found.append((signup, None))
    for resource in contract.resources:
        create = resource.create
        if create is not None and create is not signup and "409" in create.statuses:
            found.append((create, resource))
    return found


def _in_parallel(
    ctx: CheckContext,
    operation: Operation,
    bodies: list[dict[str, Any]],
    *,
    as_: Identity | None = None,
    path: dict[str, object] | None = None,
) -> list[httpx.Response]:
    """Send each body to the operation at once, one thread each."""

    def send(body: dict[str, Any]) -> httpx.Response:
        return ctx.send(operation, as_=as_, path=path, json=body)

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(send, bodies))


@check(
    "concurrency.duplicate-creates",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=found_by(
        "a sign-up documenting a conflict (409 or 400), or a create documenting 409",
        lambda contract: (operation for operation, _ in _raced(contract)),
    ),
    risk="Racing requests can create two accounts for one identifier, or two of what is unique.",
    description="N identical sign-ups in parallel (where the sign-up documents a conflict), "
    "and N identical creates of every resource that documents 409 (once a repeated create "
    "is refused), give exactly one success; the others answer the documented conflict.",
    owasp=Owasp.API6,
)
def duplicate_creates(ctx: CheckContext) -> None:
    raced = _raced(ctx.spec)
    if not raced:
        ctx.skip("no sign-up or create documents a conflict (409)")
    count = ctx.depth.parallel
    for operation, resource in raced:
        with ctx.on(operation):
            conflict = _conflicts(operation)
            if resource is None:
                responses = _signups(ctx, count)
            else:
                owner = ctx.user("racer")
                path = ctx.parent_path(resource, owner)
                body = body_for(resource, ctx.identities.run_tag, "unique")
                first, owner = ctx.act(operation, owner, path=path, json=body)
                # The first create is a step: the race after it is what is judged.
                ctx.require_success(first, operation, need=Need.ROW)
                again = ctx.send(operation, as_=owner, path=path, json=body)
                if again.status_code not in conflict:
                    ctx.skip(
                        f"a repeated create answered {again.status_code}: "
                        "no field of its body is unique"
                    )
                fresh = body_for(resource, ctx.identities.run_tag, "unique")
                responses = _in_parallel(ctx, operation, [fresh] * count, as_=owner, path=path)
            created = [r for r in responses if r.status_code in success_statuses(operation)]
            others = sorted({r.status_code for r in responses} - success_statuses(operation))
            if len(created) != 1 or not set(others) <= conflict:
                ctx.fail(
                    "racing identical creates did not give exactly one",
                    expected=f"one success and {count - 1} x "
                    + " or ".join(str(code) for code in sorted(conflict)),
                    seen=f"{len(created)} successes, others {others}",
                    response=created[-1] if len(created) > 1 else responses[-1],
                    operation=operation.operation_id,
                )


def _signups(ctx: CheckContext, count: int) -> list[httpx.Response]:
    """`count` sign-ups of one identifier at once; every account made is tracked."""
    signup = ctx.role(RoleName.SIGNUP)
    identifier = ctx.identities.email_for("racer")
    password = accounts.password_for(ctx.spec.roles)
    body = ctx.identities.signup_body(identifier, password, "racer")
    responses = _in_parallel(ctx, signup, [body] * count)
    for response in responses:
        if 200 <= response.status_code < 300:
            made = accounts.account_id(ctx.spec, json_body(response, signup))
            ctx.identities.adopt_created(identifier, password, made)
    return responses


@check(
    "concurrency.parallel-creates",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=of_resources("create"),
    risk="Parallel writes can lose or mix up records.",
    description="N parallel creates of every resource (nested ones in one parent) give N "
    "distinct ids, each readable, and the list shows and counts each of them.",
    owasp=Owasp.API6,
)
def parallel_creates(ctx: CheckContext) -> None:
    owner = ctx.user("parallel")
    count = ctx.depth.parallel
    for resource in ctx.resources_with("create"):
        create = resource.create
        assert create is not None
        with ctx.on(create):
            # One row first, a step: it gives the collection (a new parent's) and who may
            # create there (the admin, where creating is reserved).
            first = ctx.row(resource, owner)
            path, maker = first.parent_path, first.owner
            bodies = [body_for(resource, ctx.identities.run_tag, "parallel") for _ in range(count)]
            responses = _in_parallel(ctx, create, bodies, as_=maker, path=path)
            for response in responses:
                # Creates refused to the run's account say nothing of the race.
                ctx.require_allowed(response, create)
                ctx.expect_success(response, create, title="a parallel create failed")
            ids = {
                str(ctx.json_object(r, operation=create.operation_id).get(resource.id_field))
                for r in responses
            }
            if resource.id_param is not None:
                for row_id in ids:
                    ctx.ledger.note(resource.name, {**path, resource.id_param: row_id}, maker)
            if len(ids) != count:
                ctx.fail(
                    "parallel creates shared ids",
                    expected=f"{count} distinct ids",
                    seen=str(sorted(ids)),
                    response=responses[-1],
                    operation=create.operation_id,
                )
            for row_id in ids if resource.read is not None else ():
                assert resource.read is not None
                read = ctx.send(
                    resource.read, as_=maker, path={**path, resource.id_param or "id": row_id}
                )
                ctx.expect_success(read, resource.read, title="a created row cannot be read")
            if resource.listing is not None:
                _counted(ctx, resource, path, maker, ids | {str(first.id)}, create)


def _counted(
    ctx: CheckContext,
    resource: Resource,
    path: dict[str, object],
    owner: Identity,
    ids: set[str],
    create: Operation,
) -> None:
    """The list of the new rows' collection (the owner's own, or their new parent's) shows
    each of them, and its total, where the spec documents one, counts exactly them."""
    listed = ctx.listed(resource, owner, path, ids)
    if not ids <= set(listed.ids):
        ctx.fail(
            "the list misses rows made in parallel",
            expected=f"ids {sorted(ids)}",
            seen=f"ids {sorted(listed.ids)}",
            response=listed.response,
            operation=create.operation_id,
        )
    ctx.expect_total(resource, listed.response, len(ids), at_least=listed.shared, operation=create)
