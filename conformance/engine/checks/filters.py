"""Filters of a list: a query parameter named after a field of the listed rows filters by it.

A list operation whose query parameter has the name of a property of its rows (`?status=`,
`?done=`, `?author=`) and a plain schema (a string, an enum, a boolean, an integer) is read
as a filter on that field: the name match is the whole inference. The check makes a row
with a chosen value (and, beside it, one with another value where the field can hold
one), lists with the filter, and expects every listed row to hold the value and the
caller's row to be among them.
"""

from __future__ import annotations

import json
from typing import Any

from ...contract import Contract, Parameter, Resource, schemas
from ..context import CheckContext
from ..registry import Need, Owasp, check
from ..rows import Row, widest_page
from ..targets import found_by

_PLAIN = frozenset({"string", "boolean", "integer"})


def _listed_fields(resource: Resource) -> dict[str, dict[str, Any]]:
    """The properties of the rows the resource's list answers."""
    listing = resource.listing
    if listing is None or listing.success is None or not listing.success.schema:
        return {}
    schema = schemas.object_schema(listing.success.schema)
    if resource.list_shape == "envelope":
        schema = schemas.properties(schema).get(resource.list_field or "", {})
    return schemas.properties(schemas.object_schema(schema).get("items", {}))


def _filters(contract: Contract) -> list[tuple[Resource, Parameter]]:
    """(resource, query parameter) of every list parameter named after a field of its rows."""
    found = []
    for resource in contract.resources:
        listing = resource.listing
        if listing is None or resource.name == contract.roles.account_resource:
            continue
        fields = _listed_fields(resource)
        pages = resource.pagination
        paging = {p.name for p in (pages.size, pages.offset, pages.page, pages.cursor) if p}
        for parameter in listing.query_parameters:
            if parameter.name not in fields or parameter.name in paging:
                continue
            kinds = set(schemas.types(parameter.schema)) - {"null"}
            if kinds and kinds <= _PLAIN:
                found.append((resource, parameter))
    return found


def _text(value: object) -> str:
    """A value as a query string writes it (`true`, `3`, `open`)."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _matches(value: object, wanted: object) -> bool:
    """Loosely equal: a boolean or an integer answered as its query text counts."""
    return (value == wanted and type(value) is type(wanted)) or _text(value) == _text(wanted)


def _values(parameter: Parameter, tag: str) -> tuple[Any, Any]:
    """(the value filtered for, another value of the field or None)."""
    inner = schemas.object_schema(parameter.schema)
    kinds = schemas.types(parameter.schema)
    enum = [value for value in inner.get("enum", []) if value is not None]
    if enum:
        return enum[-1], (enum[0] if len(enum) > 1 else None)
    if "boolean" in kinds:
        return True, False
    if "integer" in kinds:
        low, high = schemas.integer_range(parameter.schema)
        base = low if low is not None else 0
        if high is None or base + 1 <= high:
            return base + 1, base
        return base, None
    chosen = schemas.sample(parameter.schema, hint=f"cf-{tag}-a")
    other = schemas.sample(parameter.schema, hint=f"cf-{tag}-b")
    return chosen, (other if other != chosen else None)


@check(
    "workflows.list-filter",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=found_by(
        "a list with a query parameter (a string, an enum, a boolean or an integer) named "
        "after a field of its rows, read as a filter on that field by the name alone",
        lambda contract: [
            resource.listing for resource, _ in _filters(contract) if resource.listing
        ],
    ),
    risk="A list ignores its filter, or filters on something else: the client acts on rows "
    "it did not ask for, or misses its own.",
    description="A list's query parameter named after a field of its rows (`?status=`, "
    "`?done=`) answers only rows holding the value asked for, among them a row the caller "
    "made with it (and not the caller's row holding another value).",
    owasp=Owasp.API9,
)
def list_filter(ctx: CheckContext) -> None:
    found = _filters(ctx.spec)
    if not found:
        ctx.skip("no list of the spec has a query parameter named after a field of its rows")
    owner = ctx.user("filterer")
    for resource, parameter in found:
        assert resource.listing is not None
        with ctx.on(resource.listing):
            name = parameter.name
            if name not in resource.writable:
                ctx.skip(
                    f"{resource.name}'s {name} is not set by its create, so no row of a "
                    "chosen value can be made"
                )
            chosen, other = _values(parameter, ctx.identities.run_tag)
            made = ctx.row(resource, owner, **{name: chosen})
            if not _matches(made.body.get(name, chosen), chosen):
                ctx.skip(f"the create did not keep {name}={_text(chosen)}")
            if other is not None:
                # A row of the caller's that the filter must leave out.
                ctx.row(resource, owner, within=made.parent_path, **{name: other})
            _list_filtered(ctx, resource, name, chosen, made)


def _list_filtered(
    ctx: CheckContext,
    resource: Resource,
    name: str,
    chosen: object,
    made: Row,
) -> None:
    listing = resource.listing
    assert listing is not None
    query = {**widest_page(resource), name: _text(chosen)}
    response = ctx.send(listing, as_=made.owner, path=made.parent_path, params=query)
    ctx.require_success(response, listing, need=Need.ACCESS)
    rows = [row for row in ctx.rows_in(resource, response) if isinstance(row, dict)]
    asked = f"?{name}={_text(chosen)}"
    if any(name not in row for row in rows):
        ctx.skip(f"the listed rows do not carry {name}")
    wrong = [row for row in rows if not _matches(row[name], chosen)]
    if wrong:
        ctx.fail(
            f"{asked} answers rows whose {name} is another value",
            expected=f"only rows with {name}={_text(chosen)}",
            seen=str(
                [{resource.id_field: r.get(resource.id_field), name: r[name]} for r in wrong[:5]]
            ),
            response=response,
            operation=listing.operation_id,
        )
    ids = {str(row.get(resource.id_field)) for row in rows}
    size = resource.pagination.size
    full = size is not None and size.maximum is not None and len(rows) >= size.maximum
    if str(made.id) not in ids and not full:
        ctx.fail(
            f"{asked} leaves out the caller's row holding that value",
            expected=f"the row {made.id} among the listed rows",
            seen=str(sorted(ids)[:10]),
            response=response,
            operation=listing.operation_id,
        )
