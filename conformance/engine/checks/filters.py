"""Filters of a list: a query parameter named after a field of the listed rows filters by it.

A list operation whose query parameter has the name of a property of its rows (`?status=`,
`?done=`, `?author=`) and a plain schema (a string, an enum, a boolean, an integer) is read
as a filter on that field: the name match is the whole inference. A parameter that names
the start of an array field of plain items (`?tag=` for `tagList` or `tags`) filters on
the rows whose array holds the value. The check makes a row with a chosen value (and,
beside it, one with another value where the field can hold one), lists with the filter,
and expects every listed row to hold the value and the caller's row to be among them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Filter:
    """A list's query parameter, the field of its rows it filters on, and whether that
    field is an array that must hold the value (`?tag=` on `tagList`)."""

    resource: Resource
    parameter: Parameter
    field: str
    holds: bool = False


def _key(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def _array_field(name: str, fields: dict[str, dict[str, Any]]) -> str | None:
    """The array field of plain items whose name starts with the parameter's (`tagList`,
    `tags`, `tag_list` for `tag`)."""
    for field, schema in fields.items():
        items = schemas.object_schema(schema).get("items", {})
        plain = set(schemas.types(items)) - {"null"}
        if (
            "array" in schemas.types(schema)
            and plain
            and plain <= _PLAIN
            and _key(field).startswith(_key(name))
        ):
            return field
    return None


def _filters(contract: Contract) -> list[Filter]:
    """Every list parameter named after a field of its rows (or the start of an array's)."""
    found = []
    for resource in contract.resources:
        listing = resource.listing
        if listing is None or resource.name == contract.roles.account_resource:
            continue
        fields = _listed_fields(resource)
        pages = resource.pagination
        paging = {p.name for p in (pages.size, pages.offset, pages.page, pages.cursor) if p}
        for parameter in listing.query_parameters:
            kinds = set(schemas.types(parameter.schema)) - {"null"}
            if parameter.name in paging or not kinds or not kinds <= _PLAIN:
                continue
            if parameter.name in fields:
                found.append(Filter(resource, parameter, parameter.name))
            elif (array := _array_field(parameter.name, fields)) is not None:
                found.append(Filter(resource, parameter, array, holds=True))
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
            found.resource.listing for found in _filters(contract) if found.resource.listing
        ],
    ),
    risk="A list ignores its filter, or filters on something else: the client acts on rows "
    "it did not ask for, or misses its own.",
    description="A list's query parameter named after a field of its rows (`?status=`, "
    "`?done=`, or `?tag=` for an array `tagList`) answers only rows holding the value "
    "asked for, among them a row the caller made with it (and not the caller's row "
    "holding another value).",
    owasp=Owasp.API9,
)
def list_filter(ctx: CheckContext) -> None:
    found = _filters(ctx.spec)
    if not found:
        ctx.skip("no list of the spec has a query parameter named after a field of its rows")
    owner = ctx.user("filterer")
    for found_filter in found:
        resource, parameter, field = (
            found_filter.resource,
            found_filter.parameter,
            found_filter.field,
        )
        assert resource.listing is not None
        with ctx.on(resource.listing):
            if field not in resource.writable:
                ctx.skip(
                    f"{resource.name}'s {field} is not set by its create, so no row of a "
                    "chosen value can be made"
                )
            chosen, other = _values(parameter, ctx.identities.run_tag)
            given = _as_field(found_filter, chosen)
            made = ctx.row(resource, owner, **{field: given})
            if not _holds(made.body.get(field, given), chosen, found_filter.holds):
                ctx.skip(f"the create did not keep {field}={_text(given)}")
            if other is not None:
                # A row of the caller's that the filter must leave out.
                left_out = _as_field(found_filter, other)
                ctx.row(resource, made.owner, within=made.parent_path, **{field: left_out})
            _list_filtered(ctx, found_filter, chosen, made)


def _as_field(found: Filter, value: Any) -> Any:
    """A value filtered for, as a create writes it in the field (in a list, for an array)."""
    return [value] if found.holds else value


def _holds(value: object, wanted: object, holds: bool) -> bool:
    """Whether a row's field holds the value filtered for (its array, for an array)."""
    if holds:
        return isinstance(value, list) and any(_matches(item, wanted) for item in value)
    return _matches(value, wanted)


def _list_filtered(ctx: CheckContext, found: Filter, chosen: object, made: Row) -> None:
    resource, name, field = found.resource, found.parameter.name, found.field
    listing = resource.listing
    assert listing is not None
    query = {**widest_page(resource), name: _text(chosen)}
    response = ctx.send(listing, as_=made.owner, path=made.parent_path, params=query)
    ctx.require_success(response, listing, need=Need.ACCESS)
    rows = [row for row in ctx.rows_in(resource, response) if isinstance(row, dict)]
    asked = f"?{name}={_text(chosen)}"
    if any(field not in row for row in rows):
        ctx.skip(f"the listed rows do not carry {field}")
    wrong = [row for row in rows if not _holds(row[field], chosen, found.holds)]
    if wrong:
        holding = f"{field} holding {_text(chosen)}" if found.holds else f"{field}={_text(chosen)}"
        ctx.fail(
            f"{asked} answers rows whose {field} is another value",
            expected=f"only rows with {holding}",
            seen=str(
                [{resource.id_field: r.get(resource.id_field), field: r[field]} for r in wrong[:5]]
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
