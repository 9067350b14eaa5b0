"""Workflows: what is written can be read back, changed, listed and deleted, as contracted."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..context import CheckContext
from ..identities import Identity
from ..registry import Owasp, check
from ..rows import total_of, widest_page
from ..targets import of_resources

_UPDATED = re.compile(r"updated|modified", re.I)


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
    login = ctx.login_response(email, sent["password"])
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


def _matches(sent: dict[str, Any], answered: dict[str, Any]) -> list[str]:
    """The sent fields the answer holds with another value."""
    return [key for key, value in sent.items() if key in answered and answered[key] != value]


@check(
    "workflows.create-read",
    targets=of_resources("create", "read"),
    risk="Created objects are not stored or returned as written.",
    description="Creating an object (of every resource the spec creates) answers a documented "
    "2xx with what was written, owned by the caller, and reading it back returns the same.",
    owasp=Owasp.API9,
)
def create_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    for resource in ctx.resources_with("create", "read"):
        assert resource.create is not None and resource.read is not None
        with ctx.on(resource.create):
            row = ctx.row(resource, owner)
            wrong = _matches(row.sent, row.body)
            if resource.owner_field and owner.user_id is not None:
                if str(row.body.get(resource.owner_field)) != str(owner.user_id):
                    wrong.append(resource.owner_field)
            if wrong:
                ctx.fail(
                    f"the created object's {', '.join(wrong)} is not what was written",
                    expected=str({key: row.sent.get(key, owner.user_id) for key in wrong}),
                    seen=str({key: row.body.get(key) for key in wrong}),
                    operation=resource.create.operation_id,
                )
            read = ctx.send(resource.read, as_=owner, path=row.path)
            ctx.expect_success(read, resource.read, title="the new object cannot be read")
            body = ctx.json_object(read, operation=resource.read.operation_id)
            differ = [key for key, value in row.body.items() if body.get(key) != value]
            if differ:
                ctx.fail(
                    "reading the object returns something else than create did",
                    expected=str({key: row.body[key] for key in differ}),
                    seen=str({key: body.get(key) for key in differ}),
                    response=read,
                    operation=resource.read.operation_id,
                )


@check(
    "workflows.patch-read",
    targets=of_resources("update", "create", "read"),
    risk="Edits are lost or touch fields that were not sent.",
    description="Changing one field of an object changes only it (and sets an updated-at "
    "field where the resource has one), and a read reflects it.",
    owasp=Owasp.API9,
)
def patch_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    for resource in ctx.resources_with("create", "read", "update"):
        assert resource.update is not None and resource.read is not None
        with ctx.on(resource.update):
            row = ctx.row(resource, owner)
            change = ctx.change(resource, row)
            response = ctx.send(resource.update, as_=owner, path=row.path, json=change)
            ctx.expect_success(response, resource.update, title="the change was refused")
            read = ctx.send(resource.read, as_=owner, path=row.path)
            ctx.expect_success(read, resource.read, title="the changed object cannot be read")
            body = ctx.json_object(read, operation=resource.read.operation_id)
            expected = {**{k: v for k, v in row.body.items() if k in row.sent}, **change}
            wrong = _matches(expected, body)
            if wrong:
                ctx.fail(
                    "a read does not reflect the change, or other fields moved",
                    expected=str({key: expected[key] for key in wrong}),
                    seen=str({key: body.get(key) for key in wrong}),
                    response=read,
                    operation=resource.update.operation_id,
                )
            stamp = next((f for f in resource.server_owned if _UPDATED.search(f)), None)
            if stamp is not None and not body.get(stamp):
                ctx.fail(
                    f"{stamp} is not set after a change",
                    expected="a timestamp",
                    seen=repr(body.get(stamp)),
                    response=read,
                    operation=resource.update.operation_id,
                )


@check(
    "workflows.delete-read",
    targets=of_resources("delete", "create", "read"),
    risk="Deleted objects are still served.",
    description="Deleting an object answers a documented 2xx (204, or 200 with a body), and "
    "reading it afterwards is 404 (or another 4xx where the spec documents no 404).",
    owasp=Owasp.API9,
)
def delete_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    for resource in ctx.resources_with("create", "read", "delete"):
        assert resource.delete is not None and resource.read is not None
        with ctx.on(resource.delete):
            row = ctx.row(resource, owner)
            response = ctx.send(resource.delete, as_=owner, path=row.path)
            ctx.expect_success(response, resource.delete, title="the delete was refused")
            read = ctx.send(resource.read, as_=owner, path=row.path)
            gone = {404} if "404" in resource.read.statuses else set(range(400, 500)) - {401}
            ctx.expect_status(
                read,
                gone,
                operation=resource.delete.operation_id,
                title="a deleted object is still served",
            )


@check(
    "workflows.list-contains",
    targets=of_resources("list", "create", top_level=True),
    risk="Lists miss objects, or their total count is wrong.",
    description="A fresh caller's list of every top-level resource holds exactly the objects "
    "they created, and its total (header or field, where documented) counts them.",
    owasp=Owasp.API9,
)
def list_contains(ctx: CheckContext) -> None:
    owner = ctx.user("lister")
    for resource in ctx.resources_with("create", "list"):
        assert resource.listing is not None
        if resource.parent is not None:
            continue
        with ctx.on(resource.listing):
            made = [str(ctx.row(resource, owner).id) for _ in range(3)]
            response = ctx.send(resource.listing, as_=owner, params=widest_page(resource))
            ctx.expect_success(response, resource.listing, title="the list failed")
            rows = ctx.rows_in(resource, response)
            ids = [str(entry.get(resource.id_field)) for entry in rows if isinstance(entry, dict)]
            if sorted(ids) != sorted(made):
                ctx.fail(
                    "the list is not exactly the caller's objects",
                    expected=str(made),
                    seen=str(ids),
                    response=response,
                    operation=resource.listing.operation_id,
                )
            found = total_of(resource, response)
            if found is None:
                continue
            where, total = found
            if total != str(len(made)):
                ctx.fail(
                    f"{where} is not the number of the caller's objects",
                    expected=str(len(made)),
                    seen=repr(total),
                    response=response,
                    operation=resource.listing.operation_id,
                )


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
