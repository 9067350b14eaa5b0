"""Cascades: a row nested in a deleted parent is not served any more.

A nested resource (`/boards/{board_id}/cards`) lives in its parent; once the parent is
deleted, its rows are either gone with it or at least unreachable. The check makes a
parent and a child in it, deletes the parent as its owner, and then reads the child (or,
without a read by id, lists the parent's children): an answer of 2xx serving the child
fails; any refusal (404, 410, 403, any 4xx) passes.
"""

from __future__ import annotations

from ...contract import Contract, Operation, Resource
from ..context import CheckContext
from ..http import json_body
from ..registry import Need, Owasp, check
from ..rows import Row, listed_rows
from ..targets import found_by


def _nested(contract: Contract) -> list[tuple[Resource, Resource]]:
    """(parent, child) of every resource nested in one that has a delete, with a create of
    the child and a way to look for it afterwards (a read by id or the nested list)."""
    found = []
    for child in contract.resources:
        parent = contract.resource(child.parent) if child.parent is not None else None
        if parent is None or parent.delete is None or parent.id_param is None:
            continue
        if child.create is None or child.parent_param is None:
            continue
        if (child.read is None or child.id_param is None) and child.listing is None:
            continue
        found.append((parent, child))
    return found


def _deletes(contract: Contract) -> list[Operation]:
    return [parent.delete for parent, _ in _nested(contract) if parent.delete is not None]


@check(
    "workflows.cascade-delete",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by(
        "a resource nested in one with a delete, with a read by id or a list of the nested rows",
        _deletes,
    ),
    risk="Deleting a parent leaves its children served: data the owner deleted stays readable.",
    description="After its owner deletes a parent row, a row nested in it is not served: its "
    "read by id (or, without one, the list under the deleted parent) answers a refusal, not "
    "the row.",
    owasp=Owasp.API9,
)
def cascade_delete(ctx: CheckContext) -> None:
    found = _nested(ctx.spec)
    if not found:
        ctx.skip("the spec has no resource nested in one it can delete")
    owner = ctx.user("cascader")
    for parent, child in found:
        delete = parent.delete
        assert delete is not None and parent.id_param is not None
        with ctx.on(delete):
            made = ctx.row(child, owner)
            path = dict(made.parent_path)
            assert child.parent_param is not None
            path[parent.id_param] = path.pop(child.parent_param)
            response = ctx.send(delete, as_=made.owner, path=path)
            ctx.require_success(response, delete, need=Need.ACCESS)
            _expect_gone(ctx, child, made, delete)


def _expect_gone(ctx: CheckContext, child: Resource, made: Row, delete: Operation) -> None:
    if child.read is not None and child.id_param is not None:
        read = ctx.send(child.read, as_=made.owner, path=made.path)
        body = json_body(read, child.read) if 200 <= read.status_code < 300 else None
        served = body is not None and str(body.get(child.id_field)) == str(made.id)
        how = f"{child.read.operation_id} still answers it"
    else:
        assert child.listing is not None
        read = ctx.send(child.listing, as_=made.owner, path=made.parent_path)
        rows = listed_rows(child, read) if 200 <= read.status_code < 300 else None
        served = any(
            isinstance(row, dict) and str(row.get(child.id_field)) == str(made.id)
            for row in rows or []
        )
        how = f"{child.listing.operation_id} still lists it"
    if served:
        ctx.fail(
            f"a {child.name} row outlives its deleted parent: {how}",
            expected="a refusal (404, 410, any 4xx): the parent and its rows are gone",
            seen=f"{read.status_code} with the row {made.id}",
            response=read,
            operation=delete.operation_id,
        )
