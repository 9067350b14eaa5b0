"""Object properties: privileged or unknown fields are refused, and no secret is ever returned."""

from __future__ import annotations

import re

import httpx

from ...contract import Body, Operation, Resource, schemas
from ..context import CheckContext
from ..http import json_body
from ..identities import Identity
from ..registry import Owasp, check
from ..rows import body_for
from ..targets import of_resources

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


def _server_value(ctx: CheckContext, resource: Resource, name: str, other: Identity) -> object:
    """A value of the right type for a server-owned field, that the server did not choose."""
    if name == resource.owner_field and other.user_id is not None:
        return other.user_id
    schema = {}
    answered = resource.read or resource.create
    if answered is not None and answered.success is not None:
        schema = answered.success.properties.get(name, {})
    inner = schemas.object_schema(schema)
    if inner.get("format") == "uuid" or (name == resource.id_field and resource.id_type == "uuid"):
        return "00000000-0000-4000-8000-00000000abcd"
    if name == resource.id_field and resource.id_type == "integer":
        return 1
    if inner.get("format") == "date-time":
        return "2000-01-01T00:00:00Z"
    value = schemas.sample({k: v for k, v in inner.items() if k not in ("default", "const")})
    return value if value is not None else "cf-forged"


def _strict(body: Body | None) -> bool:
    """Whether the spec closes the body to fields it does not define."""
    return (
        body is not None and schemas.object_schema(body.schema).get("additionalProperties") is False
    )


def _not_applied(
    ctx: CheckContext,
    operation: Operation,
    response: httpx.Response,
    name: str,
    value: object,
    strict: bool,
) -> None:
    """A server-owned field sent by the client is refused, or at least not taken."""
    if strict and response.status_code < 400:
        ctx.fail(
            f"a write with the server-owned field {name} was accepted",
            expected="a 4xx (the body schema allows no field it does not define)",
            seen=f"{response.status_code} {response.text[:200]}",
            response=response,
            operation=operation.operation_id,
        )
    if response.status_code < 300 and str(json_body(response).get(name)) == str(value):
        ctx.fail(
            f"the client set the server-owned field {name}",
            expected=f"{name} chosen by the server",
            seen=f"{name} {value!r}",
            response=response,
            operation=operation.operation_id,
        )


@check(
    "properties.mass-assignment",
    targets=of_resources("create"),
    risk="A client can set fields only the server may set (owner, id, timestamps) by adding them.",
    description="Creating or changing an object (of every resource) with one of its "
    "server-owned fields (readOnly, or answered but never accepted: id, owner, timestamps) "
    "does not set it, and is refused where the body schema is closed.",
    owasp=Owasp.API3,
)
def mass_assignment(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    for resource in ctx.resources_with("create"):
        assert resource.create is not None
        with ctx.on(resource.create):
            for name in resource.server_owned:
                value = _server_value(ctx, resource, name, other)
                path = {}
                if resource.parent is not None:
                    path = {
                        k: v
                        for k, v in ctx.row(resource, owner).path.items()
                        if k != resource.id_param
                    }
                body = {**body_for(resource, ctx.identities.run_tag, "massive"), name: value}
                response = ctx.send(resource.create, as_=owner, path=path, json=body)
                _not_applied(
                    ctx, resource.create, response, name, value, _strict(resource.create.body)
                )
        if resource.update is None:
            continue
        with ctx.on(resource.update):
            row = ctx.row(resource, owner)
            for name in resource.server_owned:
                value = _server_value(ctx, resource, name, other)
                response = ctx.send(resource.update, as_=owner, path=row.path, json={name: value})
                _not_applied(
                    ctx, resource.update, response, name, value, _strict(resource.update.body)
                )
                if resource.read is not None:
                    read = ctx.send(resource.read, as_=owner, path=row.path)
                    if str(json_body(read).get(name)) == str(value) and str(
                        row.body.get(name)
                    ) != str(value):
                        ctx.fail(
                            f"a change set the server-owned field {name}",
                            expected=f"{name} {row.body.get(name)!r}",
                            seen=f"{name} {value!r}",
                            response=read,
                            operation=resource.update.operation_id,
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
        ("login", ctx.login_response(user.email, user.password)),
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
