"""Workflows: what is written can be read back, changed, listed and deleted, as contracted."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from ..context import CheckContext
from ..identities import Identity
from ..registry import Owasp, check


@check(
    "workflows.signup-login",
    risk="New users cannot sign up and log in as the contract says.",
    description="Sign-up answers 201 with the account as written, and its credentials log in.",
    owasp=Owasp.API2,
    operations=("createUser", "login", "readCurrentUser"),
)
def signup_login(ctx: CheckContext) -> None:
    email = ctx.identities.email_for("signup")
    sent = {"email": email, "password": "a-long-password-1", "full_name": "Sign Up"}
    response = ctx.call("createUser", json=sent)
    ctx.expect_status(response, 201, operation="createUser", title="sign-up did not create")
    body = ctx.json_object(response, operation="createUser")
    identity = ctx.identities.adopt_created(email, sent["password"], body.get("id"))
    for key in ("email", "full_name"):
        if body.get(key) != sent[key]:
            ctx.fail(
                f"sign-up did not return the {key} written",
                expected=repr(sent[key]),
                seen=repr(body.get(key)),
                response=response,
                operation="createUser",
            )
    login = ctx.identities.login_response(email, sent["password"])
    ctx.expect_status(login, 200, operation="login", title="the new account cannot log in")
    ctx.identities.log_in(identity)
    me = ctx.call("readCurrentUser", as_=identity)
    ctx.expect_status(me, 200, operation="readCurrentUser", title="/me refused a fresh token")
    if ctx.json_object(me, operation="readCurrentUser").get("id") != body.get("id"):
        ctx.fail(
            "/me names another account",
            expected=f"id {body.get('id')}",
            seen=me.text[:200],
            response=me,
            operation="readCurrentUser",
        )


@check(
    "workflows.item-create-read",
    risk="Created items are not stored or returned as written.",
    description="Creating an item answers 201 with what was written, owned by the caller, "
    "and reading it back returns the same.",
    owasp=Owasp.API9,
    operations=("createItem", "readItem"),
)
def item_create_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    sent = {"title": "Notebook", "description": "Squared paper, A5"}
    response = ctx.call("createItem", as_=owner, json=sent)
    ctx.expect_status(response, 201, operation="createItem", title="create did not answer 201")
    created = ctx.json_object(response, operation="createItem")
    for key, value in (*sent.items(), ("owner_id", owner.user_id)):
        if created.get(key) != value:
            ctx.fail(
                f"the created item's {key} is not what was written",
                expected=repr(value),
                seen=repr(created.get(key)),
                response=response,
                operation="createItem",
            )
    read = ctx.call("readItem", as_=owner, path={"item_id": created.get("id")})
    ctx.expect_status(read, 200, operation="readItem", title="the new item cannot be read")
    if ctx.json_object(read, operation="readItem") != created:
        ctx.fail(
            "reading the item returns something else than create did",
            expected=str(created),
            seen=read.text[:300],
            response=read,
            operation="readItem",
        )


@check(
    "workflows.item-patch-read",
    risk="Edits to items are lost or touch fields that were not sent.",
    description=(
        "Patching an item changes only the fields given, sets updated_at, and a read reflects it."
    ),
    owasp=Owasp.API9,
    operations=("updateItem", "readItem"),
)
def item_patch_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    item = ctx.create_item(owner, title="Before", description="kept")
    response = ctx.call(
        "updateItem", as_=owner, path={"item_id": item.get("id")}, json={"title": "After"}
    )
    ctx.expect_status(response, 200, operation="updateItem", title="patch did not answer 200")
    read = ctx.call("readItem", as_=owner, path={"item_id": item.get("id")})
    ctx.expect_status(read, 200, operation="readItem", title="the patched item cannot be read")
    body = ctx.json_object(read, operation="readItem")
    expected = {"title": "After", "description": "kept"}
    seen = {key: body.get(key) for key in expected}
    if seen != expected:
        ctx.fail(
            "a read does not reflect the patch",
            expected=str(expected),
            seen=str(seen),
            response=read,
            operation="updateItem",
        )
    if not body.get("updated_at"):
        ctx.fail(
            "updated_at is not set after a change",
            expected="a timestamp",
            seen=repr(body.get("updated_at")),
            response=read,
            operation="updateItem",
        )


@check(
    "workflows.item-delete-read",
    risk="Deleted items are still served.",
    description="Deleting an item answers 204, and reading it afterwards is 404.",
    owasp=Owasp.API9,
    operations=("deleteItem", "readItem"),
)
def item_delete_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    item = ctx.create_item(owner)
    path = {"item_id": item.get("id")}
    response = ctx.call("deleteItem", as_=owner, path=path)
    ctx.expect_status(response, 204, operation="deleteItem", title="delete did not answer 204")
    read = ctx.call("readItem", as_=owner, path=path)
    ctx.expect_status(read, 404, operation="deleteItem", title="a deleted item is still served")


@check(
    "workflows.user-patch-read",
    risk="Changes to one's own account are not applied as sent.",
    description="Patching one's own account changes it, and a read reflects it.",
    owasp=Owasp.API9,
    operations=("updateUser", "readUser"),
)
def user_patch_read(ctx: CheckContext) -> None:
    user = ctx.user("patcher")
    path = {"user_id": user.user_id}
    response = ctx.call("updateUser", as_=user, path=path, json={"full_name": "Renamed"})
    ctx.expect_status(response, 200, operation="updateUser", title="patch did not answer 200")
    read = ctx.call("readUser", as_=user, path=path)
    ctx.expect_status(read, 200, operation="readUser", title="one's own account cannot be read")
    if ctx.json_object(read, operation="readUser").get("full_name") != "Renamed":
        ctx.fail(
            "a read does not reflect the patch",
            expected="full_name 'Renamed'",
            seen=read.text[:200],
            response=read,
            operation="updateUser",
        )


@check(
    "workflows.user-delete",
    risk="A deleted account's token, or its items, survive the deletion.",
    description=(
        "Deleting one's own account answers 204; its token is then 401, and its items are "
        "gone (seen by the superuser, when admin credentials are given)."
    ),
    owasp=Owasp.API2,
    operations=("deleteUser", "readCurrentUser"),
)
def user_delete(ctx: CheckContext) -> None:
    user = ctx.user("leaver")
    item = ctx.create_item(user)
    headers = ctx.identities.headers(user)
    response = ctx.call("deleteUser", path={"user_id": user.user_id}, headers=headers)
    ctx.expect_status(response, 204, operation="deleteUser", title="self-delete did not answer 204")
    user.deleted = True
    me = ctx.call("readCurrentUser", headers=headers)
    ctx.expect_status(
        me, 401, operation="readCurrentUser", title="a deleted account's token still works"
    )
    admin = ctx.identities.admin()
    if admin is not None:
        orphan = ctx.call("readItem", as_=admin, path={"item_id": item.get("id")})
        ctx.expect_status(
            orphan, 404, operation="deleteUser", title="a deleted account's items remain"
        )


@check(
    "workflows.item-list-contains",
    risk="Item lists miss items, or their order and total count are wrong.",
    description=(
        "The caller's list holds every item they created, ordered by id, with X-Total-Count."
    ),
    owasp=Owasp.API9,
    operations=("listItems",),
)
def item_list_contains(ctx: CheckContext) -> None:
    owner = ctx.user("lister")
    created = [ctx.create_item(owner, title=f"item {n}") for n in range(3)]
    response = ctx.call("listItems", as_=owner)
    ctx.expect_status(response, 200, operation="listItems", title="list did not answer 200")
    listed = ctx.json_list(response, operation="listItems")
    ids = [entry.get("id") for entry in listed if isinstance(entry, dict)]
    wanted = [item.get("id") for item in created]
    if ids != wanted:
        ctx.fail(
            "the list is not exactly the caller's items in id order",
            expected=str(wanted),
            seen=str(ids),
            response=response,
            operation="listItems",
        )
    total = response.headers.get("X-Total-Count")
    if total != str(len(wanted)):
        ctx.fail(
            "X-Total-Count is not the number of the caller's items",
            expected=str(len(wanted)),
            seen=repr(total),
            response=response,
            operation="listItems",
        )


@check(
    "workflows.item-list-pagination",
    risk="Paging through a list skips or repeats records.",
    description=(
        "skip and limit select the right page of the list; X-Total-Count counts every page."
    ),
    owasp=Owasp.API9,
    operations=("listItems",),
)
def item_list_pagination(ctx: CheckContext) -> None:
    owner = ctx.user("pager")
    ids = [ctx.create_item(owner, title=f"page item {n}").get("id") for n in range(5)]
    for skip, limit in ((0, 2), (2, 2), (4, 2), (5, 2), (1, 3)):
        response = ctx.call("listItems", as_=owner, params={"skip": skip, "limit": limit})
        ctx.expect_status(response, 200, operation="listItems", title="a page did not answer 200")
        page = [
            entry.get("id")
            for entry in ctx.json_list(response, operation="listItems")
            if isinstance(entry, dict)
        ]
        if page != ids[skip : skip + limit]:
            ctx.fail(
                f"skip={skip}&limit={limit} returned the wrong page",
                expected=str(ids[skip : skip + limit]),
                seen=str(page),
                response=response,
                operation="listItems",
            )
        if response.headers.get("X-Total-Count") != str(len(ids)):
            ctx.fail(
                "X-Total-Count counts the page, not every matching row",
                expected=str(len(ids)),
                seen=repr(response.headers.get("X-Total-Count")),
                response=response,
                operation="listItems",
            )


@check(
    "workflows.location-resolves",
    risk="The Location of a created record does not lead to it.",
    description=(
        "The Location of a created item or account is a path on the deployment that serves it."
    ),
    owasp=Owasp.API9,
    operations=("createItem", "createUser"),
)
def location_resolves(ctx: CheckContext) -> None:
    owner = ctx.user("locator")
    sent = {"title": "Located"}
    response = ctx.call("createItem", as_=owner, json=sent)
    ctx.expect_status(response, 201, operation="createItem", title="create did not answer 201")
    created = ctx.json_object(response, operation="createItem")
    _follow(ctx, response.headers.get("Location"), response, "createItem", owner, created)
    email = ctx.identities.email_for("located")
    signup = ctx.call("createUser", json={"email": email, "password": "a-long-password-2"})
    ctx.expect_status(signup, 201, operation="createUser", title="sign-up did not answer 201")
    account = ctx.json_object(signup, operation="createUser")
    user = ctx.identities.adopt_created(email, "a-long-password-2", account.get("id"))
    ctx.identities.log_in(user)
    _follow(ctx, signup.headers.get("Location"), signup, "createUser", user, account)


def _follow(
    ctx: CheckContext,
    location: str | None,
    response: httpx.Response,
    operation: str,
    identity: Identity,
    created: dict[str, Any],
) -> None:
    if not location:
        ctx.fail(
            "the 201 has no Location",
            expected="a Location header",
            seen="none",
            response=response,
            operation=operation,
        )
    target = httpx.URL(ctx.client.base_url).join(location)
    base = httpx.URL(ctx.client.base_url)
    if (target.scheme, target.host, target.port) != (base.scheme, base.host, base.port):
        ctx.fail(
            "Location points away from the deployment",
            expected=f"a path on {ctx.client.base_url}",
            seen=location,
            response=response,
            operation=operation,
        )
    read = ctx.raw("GET", urlsplit(str(target)).path, headers=ctx.identities.headers(identity))
    if read.status_code != 200 or ctx.json_object(read, operation=operation) != created:
        ctx.fail(
            "Location does not serve the created resource",
            expected=f"200 with {created}",
            seen=f"{read.status_code} {read.text[:200]}",
            response=read,
            operation=operation,
        )
