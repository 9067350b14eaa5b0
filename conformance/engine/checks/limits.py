"""Limits: page sizes, body sizes, string lengths and id ranges are bounded (else 4xx)."""

from __future__ import annotations

from ..context import CheckContext
from ..registry import Owasp, check

MIB = 1024 * 1024


@check(
    "limits.page-size",
    risk="One request can pull an unbounded page of records.",
    description=(
        "limit above 100 or below 1, and skip below 0 or above 2^31-1, are 422 (not capped)."
    ),
    owasp=Owasp.API4,
    operations=("listItems",),
)
def page_size(ctx: CheckContext) -> None:
    user = ctx.user("pager")
    for params in ({"limit": 101}, {"limit": 1000000}, {"limit": 0}, {"skip": -1}, {"skip": 2**31}):
        response = ctx.call("listItems", as_=user, params=params)
        name, value = next(iter(params.items()))
        ctx.expect_status(
            response, 422, operation="listItems", title=f"{name}={value} was not refused"
        )


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


@check(
    "limits.string-length",
    risk="Oversized strings are stored, so one client can fill the database.",
    description=(
        "Strings over their maximum length (title, "
        "description, full_name, password, email) are 422."
    ),
    owasp=Owasp.API4,
    operations=("createItem", "createUser"),
)
def string_length(ctx: CheckContext) -> None:
    user = ctx.user("wordy")
    for body in ({"title": "t" * 256}, {"title": "t", "description": "d" * 10001}, {"title": ""}):
        response = ctx.call("createItem", as_=user, json=body)
        field = "title" if len(body) == 1 else "description"
        ctx.expect_status(
            response, 422, operation="createItem", title=f"an out-of-range {field} was accepted"
        )
    long_local = "a" * 250
    for field, body in (
        ("full_name", {"full_name": "n" * 256, "password": "a-long-password-5"}),
        ("password", {"password": "p" * 129}),
        ("password", {"password": "short"}),
        ("email", {"email": f"{long_local}@example.com", "password": "a-long-password-5"}),
    ):
        sent = {"email": ctx.identities.email_for("long"), **body}
        response = ctx.call("createUser", json=sent)
        if response.status_code == 201:
            ctx.identities.adopt_created(str(sent["email"]), str(sent["password"]), None)
        ctx.expect_status(
            response, 422, operation="createUser", title=f"an out-of-range {field} was accepted"
        )


@check(
    "limits.path-id-range",
    risk="An out-of-range id in a path crashes the server.",
    description="Path ids of 0, negative, beyond int32 and beyond int64 are 4xx, never 5xx.",
    owasp=Owasp.API4,
    operations=("readItem", "readUser", "deleteItem"),
)
def path_id_range(ctx: CheckContext) -> None:
    user = ctx.user("ranger")
    for value in (0, -1, 2**31, 2**63 - 1, 2**63, 2**64, "1e3", "9" * 40):
        for operation, name in (
            ("readItem", "item_id"),
            ("deleteItem", "item_id"),
            ("readUser", "user_id"),
        ):
            response = ctx.call(operation, as_=user, path={name: value})
            if not 400 <= response.status_code < 500:
                ctx.fail(
                    f"{name}={value} was not refused with a 4xx",
                    expected="404 or 422",
                    seen=f"{response.status_code} {response.text[:200]}",
                    response=response,
                    operation=operation,
                )
