"""Limits: page sizes, body sizes, string lengths and id ranges are bounded (else 4xx).

The bounds are the spec's own: every maxLength and minLength of a create body, every
pagination parameter's minimum and maximum, the size a 413 answer states, the schema of
every path id. No number of the bundled spec is written here.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import httpx

from ...contract import (
    Body,
    Contract,
    Operation,
    Parameter,
    Resource,
    RoleName,
    accounts,
    schemas,
)
from ...contract.admin import admin_only
from ...contract.resources import Page
from ...contract.roles import is_identifier, is_secret
from ..context import CheckContext
from ..guard import nowhere
from ..http import json_body
from ..identities import Identity
from ..registry import Need, Owasp, check
from ..rows import body_for
from ..targets import found_by, of_found

MIB = 1024 * 1024


def _outside(page: Page) -> list[int]:
    """Values just outside a parameter's documented bounds, and one far above."""
    values = []
    if page.maximum is not None:
        values += [page.maximum + 1, page.maximum * 10_000 + 1]
    if page.minimum is not None:
        values.append(page.minimum - 1)
    return values


def _bounded_pages(resource: Resource) -> list[tuple[Page, int]]:
    """(pagination parameter, value outside its bounds) for every bounded one of the list."""
    pagination = resource.pagination
    pages = [p for p in (pagination.size, pagination.offset, pagination.page) if p]
    return [(page, value) for page in pages for value in _outside(page)]


def _paged(contract: Contract) -> list[Resource]:
    """Every resource whose list bounds a pagination parameter, nested ones, the accounts
    and the lists reserved to administrators (asked as the admin) too."""
    return [
        resource
        for resource in contract.resources
        if resource.listing is not None and _bounded_pages(resource)
    ]


# Where the run's admin credentials come from, for the reason of a skip without them.
_ADMIN_FLAGS = (
    "--admin-email/--admin-password or CONFORMANCE_ADMIN_EMAIL/CONFORMANCE_ADMIN_PASSWORD"
)


@check(
    "limits.page-size",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS, Need.ADMIN),
    targets=of_found(
        "a list whose pagination parameters have bounds (one reserved to administrators "
        "needs admin credentials)",
        _paged,
        "list",
    ),
    risk="One request can pull an unbounded page of records.",
    description="Pagination parameters outside the bounds the spec documents (above the "
    "largest page, below the smallest, a negative offset) are refused, not capped, on "
    "every list (a nested one within a parent of the caller's; one reserved to "
    "administrators as the admin, skipped without admin credentials).",
    owasp=Owasp.API4,
)
def page_size(ctx: CheckContext) -> None:
    paged = _paged(ctx.spec)
    if not paged:
        ctx.skip("no list bounds its pagination parameters")
    # A plain user is refused a reserved list (403), which says nothing of its bounds:
    # the administrator asks it.
    reserved = {id(operation) for operation in admin_only(ctx.spec)}
    plain = any(id(resource.listing) not in reserved for resource in paged)
    user = ctx.user("pager") if plain else None
    for resource in paged:
        listing = resource.listing
        assert listing is not None
        with ctx.on(listing):
            if id(listing) in reserved:
                caller = ctx.identities.admin()
                if caller is None:
                    ctx.skip(
                        f"needs administrator credentials: the spec reserves "
                        f"{listing.operation_id} to administrators ({_ADMIN_FLAGS})"
                    )
            else:
                assert user is not None
                caller = user
            path = ctx.parent_path(resource, caller)
            for page, value in _bounded_pages(resource):
                response = ctx.send(listing, as_=caller, path=path, params={page.name: value})
                ctx.expect_invalid(response, listing, title=f"{page.name}={value} was not refused")


# A stated size limit: "larger than 1 MiB", "over 512 KB", "10485760 bytes".
_SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(bytes?|B|KiB|KB|kB|MiB|MB|GiB|GB)\b")
_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}
# Where the spec documents a 413 but states no limit: well above the defaults of common
# servers and proxies (1 MiB to a few MB), so that a deployment is not failed for a limit
# its spec leaves open.
UNSTATED_LIMIT = 8 * MIB


def stated_limit(operation: Operation) -> int | None:
    """The body size the operation's 413 answer says is too large, in bytes (binary units:
    the larger reading of KB or MB), or None when it states none."""
    answer = operation.response(413)
    match = _SIZE.search(answer.description) if answer is not None else None
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    return int(number * _UNITS.get(match.group(2)[0].lower(), 1))


def _sized(contract: Contract) -> list[Operation]:
    """The operations that take a body and document 413 for one too large."""
    return [op for op in contract if op.body is not None and "413" in op.statuses]


def _padded_field(body: Body) -> str:
    """The field to pad: a plain text field first (no enum, format or pattern, neither an
    identifier nor a secret), else any text field, else one the schema does not define."""
    texts = [
        (name, schemas.object_schema(schema))
        for name, schema in body.properties.items()
        if "string" in schemas.types(schema)
    ]
    plain = [
        name
        for name, inner in texts
        if not {"enum", "format", "pattern", "const"} & set(inner)
        and not is_secret(name, inner)
        and not is_identifier(name, inner)
    ]
    return next(iter(plain), next((name for name, _ in texts), "cf_padding"))


def _oversized(body: Body, values: dict[str, Any], size: int) -> tuple[bytes, str]:
    """A valid body padded past `size` bytes in one text field, and its content type."""
    field = _padded_field(body)
    values = {**values, field: ""}
    encoded = urlencode(values).encode() if body.is_form else json.dumps(values).encode()
    values[field] = "x" * (size - len(encoded) + 4096)
    if body.is_form:
        return urlencode(values).encode(), "application/x-www-form-urlencoded"
    return json.dumps(values).encode(), "application/json"


def _valid_values(
    ctx: CheckContext, operation: Operation, user: Identity
) -> tuple[dict[str, Any], dict[str, object]]:
    """A valid body for the operation (a sign-up's with fresh credentials), and its path."""
    assert operation.body is not None
    if operation is ctx.spec.roles.get(RoleName.SIGNUP):
        identifier = ctx.identities.email_for("bulky")
        password = accounts.password_for(ctx.spec.roles)
        return ctx.identities.signup_body(identifier, password, "bulky"), {}
    for resource in ctx.spec.resources:
        if operation is resource.create:
            body = body_for(resource, ctx.identities.run_tag, "bulky")
            return body, ctx.parent_path(resource, user)
    named = ctx.spec.rows_named(operation)
    if len(named) != len(operation.path_parameters):
        ctx.skip("its path names rows the spec does not create")
    path = ctx.row(named[-1][1], user).path if named else {}
    sampled = schemas.sample(operation.body.fields, hint="cf-bulky")
    return (sampled if isinstance(sampled, dict) else {}), path


def _adopt(ctx: CheckContext, values: dict[str, Any], response: httpx.Response) -> None:
    """Track an account an oversized sign-up made after all, for the clean-up."""
    creds = ctx.spec.roles.credentials
    if creds is not None and 200 <= response.status_code < 300:
        ctx.identities.adopt_created(
            str(values.get(creds.signup_identifier or "")),
            str(values.get(creds.signup_secret or "")),
            accounts.account_id(ctx.spec, json_body(response, ctx.spec.roles.get(RoleName.SIGNUP))),
        )


@check(
    "limits.body-size",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by("an operation taking a body that documents 413", _sized),
    risk="A huge request body is accepted, so one client can exhaust the server.",
    description="On every operation that takes a body and documents 413, a valid body padded "
    "past the limit its 413 answer states (8 MiB where it states none) is 413.",
    owasp=Owasp.API4,
)
def body_size(ctx: CheckContext) -> None:
    sized = _sized(ctx.spec)
    if not sized:
        ctx.skip("no operation that takes a body documents 413")
    user = ctx.user("bulky")
    for operation in sized:
        assert operation.body is not None
        with ctx.on(operation):
            values, path = _valid_values(ctx, operation, user)
            limit = stated_limit(operation) or UNSTATED_LIMIT
            content, media_type = _oversized(operation.body, values, limit)
            response = ctx.send(
                operation,
                as_=user if operation.secured else None,
                path=path,
                content=content,
                headers={"Content-Type": media_type},
            )
            if operation is ctx.spec.roles.get(RoleName.SIGNUP):
                _adopt(ctx, values, response)
            ctx.require_allowed(response, operation)
            ctx.expect_status(
                response,
                413,
                operation=operation.operation_id,
                title=f"a body of {len(content)} bytes (the limit: {limit}) was not 413",
            )


def _too_long_or_short(body: Body) -> list[tuple[str, str]]:
    """(field, value) for each string field: one over its maxLength, one under its minLength."""
    found = []
    for name, schema in body.properties.items():
        if "string" not in schemas.types(schema) or schemas.object_schema(schema).get("readOnly"):
            continue
        low, high = schemas.string_length(schema)
        if high is not None:
            found.append((name, "x" * (high + 1)))
        if low > 0:
            found.append((name, "x" * (low - 1)))
    return found


def _bounded(contract: Contract) -> list[tuple[Resource, Operation]]:
    """Every create and change (of every resource, sign-up included) with a bounded text field."""
    return [
        (resource, operation)
        for resource in contract.resources
        for operation in (resource.create, resource.update)
        if operation is not None
        and operation.body is not None
        and _too_long_or_short(operation.body)
    ]


@check(
    "limits.string-length",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=found_by(
        "a create or change with a text field bounded by maxLength or minLength",
        lambda contract: (operation for _, operation in _bounded(contract)),
    ),
    risk="Oversized strings are stored, so one client can fill the database.",
    description="Every string field of every create and change (sign-up and the account's "
    "own included) over its maxLength, or under its minLength, is refused.",
    owasp=Owasp.API4,
)
def string_length(ctx: CheckContext) -> None:
    bounded = _bounded(ctx.spec)
    if not bounded:
        ctx.skip("no create or change takes a text field with a length bound")
    user = ctx.user("wordy")
    signup = ctx.spec.roles.get(RoleName.SIGNUP)
    for resource, operation in bounded:
        assert operation.body is not None
        with ctx.on(operation):
            writer = user
            if operation is resource.update:
                row = ctx.row(resource, user)
                path, writer = row.path, row.owner
            else:
                path = ctx.parent_path(resource, user) if operation is not signup else {}
            for name, value in _too_long_or_short(operation.body):
                # As the admin where the operation turns out reserved (`act`).
                if operation is signup:
                    response, _ = ctx.sign_up_with({name: value}, "long")
                elif operation is resource.update:
                    response, _ = ctx.act(operation, writer, path=path, json={name: value})
                else:
                    body = {**body_for(resource, ctx.identities.run_tag, "wordy"), name: value}
                    response, _ = ctx.act(operation, writer, path=path, json=body)
                ctx.expect_invalid(
                    response, operation, title=f"a {name} of {len(value)} characters was accepted"
                )


# The bounds of an integer id's format; an integer without one is taken as int64.
_FORMATS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def out_of_range(parameter: Parameter, id_type: str) -> list[object]:
    """Path id values the parameter's schema rules out: for an integer, one below its
    minimum, one above its maximum and one beyond its format (int64 when it names none),
    and a number that is not an integer; for a UUID, malformed ones; for any string, one
    over its maxLength."""
    schema = schemas.object_schema(parameter.schema)
    found: list[object] = []
    if id_type == "integer":
        low, high = schemas.integer_range(schema)
        fmt = schema.get("format")
        beyond = _FORMATS.get(fmt if isinstance(fmt, str) else "int64", _FORMATS["int64"])
        found += [low - 1] if low is not None else []
        found += [high + 1] if high is not None else []
        found += [beyond[1] + 1, "1e3"]
    elif id_type == "uuid":
        found += ["not-a-uuid", "00000000-0000-4000-8000-00000000000g"]
    _, longest = schemas.string_length(schema)
    if longest is not None and id_type != "integer":
        found.append("0" * (longest + 1))
    return list(dict.fromkeys(found))


# An operation, the (path parameter, resource) pairs its path names, and the ids to send.
_Probe = tuple[Operation, list[tuple[str, Resource]], list[object]]


def _probed(contract: Contract) -> list[_Probe]:
    """Each read or delete whose last path id has values its schema rules out, and those."""
    found: list[_Probe] = []
    for operation in contract:
        named = contract.rows_named(operation) if operation.method in ("get", "delete") else []
        parameter = operation.parameter(named[-1][0], "path") if named else None
        values = out_of_range(parameter, named[-1][1].id_type) if parameter else []
        if values:
            found.append((operation, named, values))
    return found


@check(
    "limits.path-id-range",
    setup=(Need.ACCOUNT,),
    targets=found_by(
        "a read or delete whose path id has a type or bounds",
        lambda contract: (operation for operation, _, _ in _probed(contract)),
    ),
    risk="An out-of-range id in a path crashes the server.",
    description="Path ids outside what their schema allows (below the minimum, above the "
    "maximum, beyond the integer's format or int64, not an integer; malformed UUIDs; over "
    "the maxLength) are 4xx on every read and delete, never 5xx.",
    owasp=Owasp.API4,
)
def path_id_range(ctx: CheckContext) -> None:
    probed = _probed(ctx.spec)
    if not probed:
        ctx.skip("no read or delete takes an id its schema bounds")
    user = ctx.user("ranger")
    for operation, named, values in probed:
        with ctx.on(operation):
            name = named[-1][0]
            others = {param: nowhere(owner) for param, owner in named[:-1]}
            for value in values:
                response = ctx.send(operation, as_=user, path={**others, name: value})
                if not 400 <= response.status_code < 500:
                    ctx.fail(
                        f"{name}={value} was not refused with a 4xx",
                        expected="404 or 422",
                        seen=f"{response.status_code} {response.text[:200]}",
                        response=response,
                        operation=operation.operation_id,
                    )
