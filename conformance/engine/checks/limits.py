"""Limits: page sizes, body sizes, string lengths and id ranges are bounded (else 4xx).

The bounds are the spec's own: every maxLength and minLength of a create body, every
pagination parameter's minimum and maximum, the type of every path id.
"""

from __future__ import annotations

import httpx

from ...contract import Body, Operation, RoleName, schemas
from ...contract.resources import Page
from ..context import CheckContext
from ..guard import nowhere
from ..http import json_body
from ..registry import Owasp, check
from ..rows import body_for
from ..targets import of_resources

MIB = 1024 * 1024


def _refused(ctx: CheckContext, response: httpx.Response, operation: Operation, title: str) -> None:
    """Out-of-bounds input is a 4xx: 422 where the operation documents 422."""
    allowed = {422} if "422" in operation.statuses else set(range(400, 500)) - {401, 403}
    ctx.expect_status(response, allowed, operation=operation.operation_id, title=title)


def _outside(page: Page) -> list[int]:
    """Values just outside a parameter's documented bounds, and one far above."""
    values = []
    if page.maximum is not None:
        values += [page.maximum + 1, page.maximum * 10_000 + 1]
    if page.minimum is not None:
        values.append(page.minimum - 1)
    return values


@check(
    "limits.page-size",
    targets=of_resources("list", top_level=True),
    risk="One request can pull an unbounded page of records.",
    description="Pagination parameters outside the bounds the spec documents (above the "
    "largest page, below the smallest, a negative offset) are refused, not capped.",
    owasp=Owasp.API4,
)
def page_size(ctx: CheckContext) -> None:
    user = ctx.user("pager")
    resources = [r for r in ctx.resources_with("list") if r.parent is None]
    for resource in resources:
        assert resource.listing is not None
        pagination = resource.pagination
        pages = [p for p in (pagination.size, pagination.offset, pagination.page) if p]
        bounded = [(page, value) for page in pages for value in _outside(page)]
        if not bounded:
            continue
        with ctx.on(resource.listing):
            for page, value in bounded:
                response = ctx.send(resource.listing, as_=user, params={page.name: value})
                _refused(ctx, response, resource.listing, f"{page.name}={value} was not refused")


@check(
    "limits.body-size",
    risk="A huge request body is accepted, so one client can exhaust the server.",
    description="A request body over 1 MiB is 413.",
    owasp=Owasp.API4,
    operations=("createItem",),
)
def body_size(ctx: CheckContext) -> None:
    user = ctx.user("bulky")
    content = b'{"title": "big", "description": "' + b"x" * (MIB + 1024) + b'"}'
    response = ctx.call(
        "createItem",
        as_=user,
        content=content,
        headers={"Content-Type": "application/json"},
    )
    ctx.expect_status(response, 413, operation="createItem", title="a body over 1 MiB was not 413")


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


@check(
    "limits.string-length",
    risk="Oversized strings are stored, so one client can fill the database.",
    description="Every string field of every create (sign-up included) over its maxLength, "
    "or under its minLength, is refused.",
    owasp=Owasp.API4,
)
def string_length(ctx: CheckContext) -> None:
    user = ctx.user("wordy")
    creds = ctx.spec.roles.credentials
    signup = ctx.spec.roles.get(RoleName.SIGNUP)
    for resource in ctx.resources_with("create", owned=False):
        create = resource.create
        assert create is not None
        if create.body is None or not _too_long_or_short(create.body):
            continue
        is_signup = create is signup
        with ctx.on(create):
            path: dict[str, object] = {}
            if resource.parent is not None:
                made = ctx.row(resource, user)
                path = {k: v for k, v in made.path.items() if k != resource.id_param}
            for name, value in _too_long_or_short(create.body):
                if is_signup:
                    identifier = ctx.identities.email_for("long")
                    body = ctx.identities.signup_body(identifier, "a-long-password-5", "long")
                else:
                    body = body_for(resource, ctx.identities.run_tag, "wordy")
                body[name] = value
                response = ctx.send(create, as_=None if is_signup else user, path=path, json=body)
                if is_signup and response.status_code < 300 and creds is not None:
                    ctx.identities.adopt_created(
                        str(body.get(creds.signup_identifier or "")),
                        str(body.get(creds.signup_secret or "")),
                        json_body(response).get(resource.id_field),
                    )
                _refused(
                    ctx,
                    response,
                    create,
                    f"a {name} of {len(value)} characters was accepted",
                )


_BAD_IDS = {
    "integer": (0, -1, 2**31, 2**63, 2**64, "1e3", "9" * 40),
    "uuid": ("not-a-uuid", "00000000-0000-4000-8000-00000000000g", "9" * 40),
}


@check(
    "limits.path-id-range",
    risk="An out-of-range id in a path crashes the server.",
    description="Path ids outside their type (0, negative, beyond int32 and int64 for "
    "integers; malformed UUIDs) are 4xx on every read and delete, never 5xx.",
    owasp=Owasp.API4,
)
def path_id_range(ctx: CheckContext) -> None:
    user = ctx.user("ranger")
    probed = [
        (operation, named)
        for operation in ctx.spec
        if operation.method in ("get", "delete")
        and (named := ctx.spec.rows_named(operation))
        and named[-1][1].id_type in _BAD_IDS
    ]
    if not probed:
        ctx.skip("no read or delete takes an integer or UUID id")
    for operation, named in probed:
        with ctx.on(operation):
            name, resource = named[-1]
            others = {param: nowhere(owner) for param, owner in named[:-1]}
            for value in _BAD_IDS[resource.id_type]:
                response = ctx.send(operation, as_=user, path={**others, name: value})
                if not 400 <= response.status_code < 500:
                    ctx.fail(
                        f"{name}={value} was not refused with a 4xx",
                        expected="404 or 422",
                        seen=f"{response.status_code} {response.text[:200]}",
                        response=response,
                        operation=operation.operation_id,
                    )
