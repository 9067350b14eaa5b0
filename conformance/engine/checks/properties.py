"""Object properties: privileged or unknown fields are refused, and no secret is ever returned."""

from __future__ import annotations

import re

import httpx

from ..context import CheckContext
from ..http import json_body
from ..registry import Owasp, check

# Field names (as JSON keys) that no response may carry.
_SECRET_KEYS = re.compile(
    r'"(password|hashed_password|password_hash|secret|secret_key|salt)"\s*:', re.I
)


@check(
    "properties.user-mass-assignment",
    risk="Any user can make themself an administrator by adding a field to a request.",
    description=(
        "Sign-up or a user patch with is_superuser, is_active or id is 422, and nothing is applied."
    ),
    owasp=Owasp.API3,
    operations=("createUser", "updateUser"),
)
def user_mass_assignment(ctx: CheckContext) -> None:
    for field, value in (("is_superuser", True), ("is_active", False), ("id", 1)):
        email = ctx.identities.email_for("massive")
        body = {"email": email, "password": "a-long-password-3", field: value}
        response = ctx.call("createUser", json=body)
        if response.status_code == 201:
            ctx.identities.adopt_created(email, "a-long-password-3", json_body(response).get("id"))
        ctx.expect_status(response, 422, operation="createUser", title=f"sign-up accepted {field}")
    user = ctx.user("patcher")
    response = ctx.call(
        "updateUser", as_=user, path={"user_id": user.user_id}, json={"is_superuser": True}
    )
    ctx.expect_status(response, 422, operation="updateUser", title="a patch accepted is_superuser")
    listing = ctx.call("listUsers", as_=user)
    if listing.status_code == 200:
        ctx.fail(
            "a user made themselves a superuser",
            expected="403 on listUsers after the refused patch",
            seen="200",
            response=listing,
            operation="updateUser",
        )


@check(
    "properties.item-mass-assignment",
    risk="A user can create or move items into another user's account by adding a field.",
    description="Creating or patching an item with owner_id or id is 422, and nothing is applied.",
    owasp=Owasp.API3,
    operations=("createItem", "updateItem"),
)
def item_mass_assignment(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    for field, value in (("owner_id", other.user_id), ("id", 1)):
        response = ctx.call("createItem", as_=owner, json={"title": "Mine", field: value})
        ctx.expect_status(response, 422, operation="createItem", title=f"create accepted {field}")
    item = ctx.create_item(owner)
    path = {"item_id": item.get("id")}
    response = ctx.call("updateItem", as_=owner, path=path, json={"owner_id": other.user_id})
    ctx.expect_status(response, 422, operation="updateItem", title="a patch accepted owner_id")
    read = ctx.call("readItem", as_=owner, path=path)
    if (
        read.status_code != 200
        or ctx.json_object(read, operation="readItem").get("owner_id") != owner.user_id
    ):
        ctx.fail(
            "the item changed hands",
            expected=f"owner_id {owner.user_id}",
            seen=read.text[:200],
            response=read,
            operation="updateItem",
        )


@check(
    "properties.unknown-fields",
    risk="Unknown fields are silently accepted, which opens the door to mass assignment.",
    description="A body with a field the contract does not define is 422 (strict bodies).",
    owasp=Owasp.API3,
    operations=("createItem", "updateItem", "refreshTokens"),
)
def unknown_fields(ctx: CheckContext) -> None:
    owner = ctx.user("strict")
    response = ctx.call("createItem", as_=owner, json={"title": "x", "colour": "red"})
    ctx.expect_status(response, 422, operation="createItem", title="an unknown field was accepted")
    item = ctx.create_item(owner)
    response = ctx.call(
        "updateItem", as_=owner, path={"item_id": item.get("id")}, json={"colour": "red"}
    )
    ctx.expect_status(response, 422, operation="updateItem", title="an unknown field was accepted")
    response = ctx.call("refreshTokens", json={"refresh_token": "x", "colour": "red"})
    ctx.expect_status(
        response, 422, operation="refreshTokens", title="an unknown field was accepted"
    )


@check(
    "properties.no-secrets",
    risk="Responses expose passwords, password hashes or secrets.",
    description="No response carries a password, a password hash or a secret.",
    owasp=Owasp.API3,
    operations=("createUser", "readCurrentUser", "readUser", "updateUser", "login", "listUsers"),
)
def no_secrets(ctx: CheckContext) -> None:
    user = ctx.user("secretive")
    seen: list[tuple[str, httpx.Response]] = [
        ("readCurrentUser", ctx.call("readCurrentUser", as_=user)),
        ("readUser", ctx.call("readUser", as_=user, path={"user_id": user.user_id})),
        (
            "updateUser",
            ctx.call(
                "updateUser", as_=user, path={"user_id": user.user_id}, json={"full_name": "S"}
            ),
        ),
        ("login", ctx.identities.login_response(user.email, user.password)),
    ]
    email = ctx.identities.email_for("secret")
    signup = ctx.call("createUser", json={"email": email, "password": "a-long-password-4"})
    if signup.status_code == 201:
        ctx.identities.adopt_created(email, "a-long-password-4", json_body(signup).get("id"))
    seen.append(("createUser", signup))
    admin = ctx.identities.admin()
    if admin is not None:
        seen.append(("listUsers", ctx.call("listUsers", as_=admin, params={"limit": 5})))
    for operation, response in seen:
        match = _SECRET_KEYS.search(response.text)
        if match or user.password in response.text:
            ctx.fail(
                "a response carries a secret",
                expected="no password, hash or secret in the body",
                seen=f"field {match.group(1)!r}" if match else "the account's password",
                response=response,
                operation=operation,
            )


# RFC 3339 date-time with an explicit offset (Z or ±hh:mm).
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")


@check(
    "properties.timestamps-utc",
    risk="Timestamps lack a time zone, so clients read the wrong time.",
    description="Timestamps (created_at, updated_at) are RFC 3339 with a UTC offset, never naive.",
    owasp=Owasp.API8,
    operations=("readCurrentUser", "createItem", "updateItem"),
)
def timestamps_utc(ctx: CheckContext) -> None:
    user = ctx.user("clock")
    me = ctx.call("readCurrentUser", as_=user)
    item = ctx.create_item(user)
    patched = ctx.call(
        "updateItem", as_=user, path={"item_id": item.get("id")}, json={"title": "Later"}
    )
    for operation, response in (("readCurrentUser", me), ("updateItem", patched)):
        body = ctx.json_object(response, operation=operation)
        for field in ("created_at", "updated_at"):
            value = body.get(field)
            if field in body and value is not None and not _RFC3339.match(str(value)):
                ctx.fail(
                    f"{field} has no UTC offset",
                    expected="RFC 3339 with an offset, e.g. 2026-01-31T09:30:00Z",
                    seen=repr(value),
                    response=response,
                    operation=operation,
                )
