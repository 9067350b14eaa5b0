"""Authorization: nobody reaches another user's items or account; only a superuser administers."""

from __future__ import annotations

import httpx

from ..context import CheckContext
from ..identities import Identity
from ..registry import Owasp, check


@check(
    "authz.item-read-cross-user",
    risk="Any signed-in user can read any other user's items.",
    description="User B reading user A's item gets 404, as for an id that does not exist.",
    owasp=Owasp.API1,
    operations=("readItem",),
)
def item_read_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    item = ctx.create_item(owner)
    response = ctx.call("readItem", as_=intruder, path={"item_id": item.get("id")})
    ctx.expect_status(response, 404, operation="readItem", title="another user's item was served")


@check(
    "authz.item-update-cross-user",
    risk="Any signed-in user can change any other user's items.",
    description="User B patching user A's item gets 404, and the item is unchanged.",
    owasp=Owasp.API1,
    operations=("updateItem",),
)
def item_update_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    item = ctx.create_item(owner, title="Untouched")
    path = {"item_id": item.get("id")}
    response = ctx.call("updateItem", as_=intruder, path=path, json={"title": "Defaced"})
    ctx.expect_status(
        response, 404, operation="updateItem", title="another user's item was changed"
    )
    read = ctx.call("readItem", as_=owner, path=path)
    if (
        read.status_code != 200
        or ctx.json_object(read, operation="readItem").get("title") != "Untouched"
    ):
        ctx.fail(
            "another user's patch was applied",
            expected="title 'Untouched'",
            seen=read.text[:200],
            response=read,
            operation="updateItem",
        )


@check(
    "authz.item-delete-cross-user",
    risk="Any signed-in user can delete any other user's items.",
    description="User B deleting user A's item gets 404, and the item is still there.",
    owasp=Owasp.API1,
    operations=("deleteItem",),
)
def item_delete_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    item = ctx.create_item(owner)
    path = {"item_id": item.get("id")}
    response = ctx.call("deleteItem", as_=intruder, path=path)
    ctx.expect_status(
        response, 404, operation="deleteItem", title="another user's item was deleted"
    )
    read = ctx.call("readItem", as_=owner, path=path)
    ctx.expect_status(read, 200, operation="deleteItem", title="another user's delete was applied")


@check(
    "authz.item-list-isolation",
    risk="A user's item list shows items that belong to other users.",
    description="A user's item list never shows another user's items, and counts only their own.",
    owasp=Owasp.API1,
    operations=("listItems",),
)
def item_list_isolation(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    foreign = {ctx.create_item(owner).get("id") for _ in range(2)}
    own = ctx.create_item(other).get("id")
    response = ctx.call("listItems", as_=other, params={"limit": 100})
    ctx.expect_status(response, 200, operation="listItems", title="list did not answer 200")
    listed = ctx.json_list(response, operation="listItems")
    ids = {entry.get("id") for entry in listed if isinstance(entry, dict)}
    owners = {entry.get("owner_id") for entry in listed if isinstance(entry, dict)}
    if ids & foreign or owners - {other.user_id} or ids != {own}:
        ctx.fail(
            "the list shows items that are not the caller's",
            expected=f"only item {own}",
            seen=f"items {sorted(ids, key=str)} of owners {sorted(owners, key=str)}",
            response=response,
            operation="listItems",
        )
    if response.headers.get("X-Total-Count") != "1":
        ctx.fail(
            "X-Total-Count counts other users' items",
            expected="1",
            seen=repr(response.headers.get("X-Total-Count")),
            response=response,
            operation="listItems",
        )


@check(
    "authz.user-read-cross-user",
    risk="Any signed-in user can read any other user's account.",
    description="User B reading user A's account gets 403, and so does an id that does not exist.",
    owasp=Owasp.API1,
    operations=("readUser",),
)
def user_read_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    response = ctx.call("readUser", as_=intruder, path={"user_id": owner.user_id})
    ctx.expect_status(
        response, 403, operation="readUser", title="another user's account was served"
    )
    missing = ctx.call("readUser", as_=intruder, path={"user_id": 2**62})
    ctx.expect_status(
        missing, 403, operation="readUser", title="a non-admin can tell which user ids exist"
    )


@check(
    "authz.user-update-cross-user",
    risk="Any signed-in user can change any other user's account, email or password.",
    description="User B patching user A's account gets 403, and the account is unchanged.",
    owasp=Owasp.API1,
    operations=("updateUser",),
)
def user_update_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    path = {"user_id": owner.user_id}
    response = ctx.call("updateUser", as_=intruder, path=path, json={"full_name": "Defaced"})
    ctx.expect_status(
        response, 403, operation="updateUser", title="another user's account was changed"
    )
    read = ctx.call("readUser", as_=owner, path=path)
    if ctx.json_object(read, operation="readUser").get("full_name") == "Defaced":
        ctx.fail(
            "another user's patch was applied",
            expected="the owner's own full_name",
            seen=read.text[:200],
            response=read,
            operation="updateUser",
        )


@check(
    "authz.user-delete-cross-user",
    risk="Any signed-in user can delete any other user's account.",
    description="User B deleting user A's account gets 403, and A can still log in.",
    owasp=Owasp.API1,
    operations=("deleteUser",),
)
def user_delete_cross_user(ctx: CheckContext) -> None:
    owner, intruder = ctx.user("owner"), ctx.user("intruder")
    response = ctx.call("deleteUser", as_=intruder, path={"user_id": owner.user_id})
    ctx.expect_status(
        response, 403, operation="deleteUser", title="another user's account was deleted"
    )
    login = ctx.identities.login_response(owner.email, owner.password)
    ctx.expect_status(login, 200, operation="deleteUser", title="another user's delete was applied")


@check(
    "authz.admin-only-list-users",
    risk="Any signed-in user can list every account of the service.",
    description="A non-admin listing users gets 403.",
    owasp=Owasp.API5,
    operations=("listUsers",),
)
def admin_only_list_users(ctx: CheckContext) -> None:
    user = ctx.user("nosy")
    response = ctx.call("listUsers", as_=user)
    ctx.expect_status(response, 403, operation="listUsers", title="a non-admin listed users")


@check(
    "authz.superuser-reads-all",
    risk="Administrators cannot read the accounts and items they must administer.",
    description="A superuser reads any user's item and account, lists users with X-Total-Count, "
    "and an unknown user id is 404 for them.",
    owasp=Owasp.API5,
    operations=("readItem", "readUser", "listUsers", "listItems"),
    needs_admin=True,
)
def superuser_reads_all(ctx: CheckContext) -> None:
    admin = ctx.admin()
    owner = ctx.user("owner")
    item = ctx.create_item(owner)
    read = ctx.call("readItem", as_=admin, path={"item_id": item.get("id")})
    ctx.expect_status(
        read, 200, operation="readItem", title="a superuser cannot read a user's item"
    )
    account = ctx.call("readUser", as_=admin, path={"user_id": owner.user_id})
    ctx.expect_status(
        account, 200, operation="readUser", title="a superuser cannot read an account"
    )
    missing = ctx.call("readUser", as_=admin, path={"user_id": 2**62})
    ctx.expect_status(
        missing, 404, operation="readUser", title="an unknown id is not 404 for a superuser"
    )
    users = ctx.call("listUsers", as_=admin, params={"limit": 1})
    ctx.expect_status(users, 200, operation="listUsers", title="a superuser cannot list users")
    total = users.headers.get("X-Total-Count", "")
    if not total.isdigit() or int(total) < 2:
        ctx.fail(
            "X-Total-Count does not count every user",
            expected="at least 2 (the admin and the run's users)",
            seen=repr(total),
            response=users,
            operation="listUsers",
        )
    items = ctx.call("listItems", as_=admin, params={"limit": 1})
    ctx.expect_status(items, 200, operation="listItems", title="a superuser cannot list items")


def _last_page_ids(
    ctx: CheckContext, operation: str, admin: Identity
) -> tuple[set[object], httpx.Response]:
    """The ids on the last page of a list, as the superuser sees it (ordered by id)."""
    head = ctx.call(operation, as_=admin, params={"limit": 1})
    ctx.expect_status(head, 200, operation=operation, title="a superuser cannot list")
    total = head.headers.get("X-Total-Count", "")
    if not total.isdigit():
        ctx.fail(
            "a list without X-Total-Count",
            expected="X-Total-Count: <number>",
            seen=repr(total),
            response=head,
            operation=operation,
        )
    page = ctx.call(operation, as_=admin, params={"skip": max(int(total) - 100, 0), "limit": 100})
    ctx.expect_status(page, 200, operation=operation, title="a superuser cannot list")
    listed = ctx.json_list(page, operation=operation)
    return {entry.get("id") for entry in listed if isinstance(entry, dict)}, page


@check(
    "authz.superuser-lists-all",
    risk="Administrators' lists miss other users' items or accounts.",
    description="A superuser's item and user lists include other users' newest items and accounts.",
    owasp=Owasp.API5,
    operations=("listItems", "listUsers"),
    needs_admin=True,
)
def superuser_lists_all(ctx: CheckContext) -> None:
    admin = ctx.admin()
    owner = ctx.user("listed")
    item = ctx.create_item(owner)
    for operation, wanted in (("listItems", item.get("id")), ("listUsers", owner.user_id)):
        ids, page = _last_page_ids(ctx, operation, admin)
        if wanted not in ids:
            ctx.fail(
                "a superuser's list leaves out another user's",
                expected=f"id {wanted} on the last page",
                seen=f"ids {sorted(ids, key=str)[-10:]}",
                response=page,
                operation=operation,
            )
