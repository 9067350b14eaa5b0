"""Authorization: nobody reaches another user's objects or account; only a superuser administers.

The cross-user checks run on every resource the contract model finds (nested ones too),
with one account creating and another trying to read, change, delete or list it.
"""

from __future__ import annotations

import httpx

from ...contract import Operation, Resource
from ..context import CheckContext
from ..identities import Identity
from ..registry import Owasp, check
from ..rows import Row, total_of, widest_page
from ..targets import of_resources


def _refused(ctx: CheckContext, response: httpx.Response, operation: Operation, title: str) -> None:
    """Another user's object must not be served or changed, whatever refusal the API picks.

    Which refusal is right is judged only where the spec says: when the operation documents
    404 but not 403 (the bundled contract's items), a 403 reveals that the object exists.
    """
    if response.status_code < 400:
        ctx.fail(
            title,
            expected="a refusal (403 or 404)",
            seen=f"{response.status_code} {response.text[:200]}",
            response=response,
            operation=operation.operation_id,
        )
    documented = {code for code in ("403", "404") if code in operation.statuses}
    if documented and str(response.status_code) not in documented | {"401"}:
        ctx.fail(
            "another user's object was refused with a status the spec does not give",
            expected=" or ".join(sorted(documented)),
            seen=f"{response.status_code} {response.text[:200]}",
            response=response,
            operation=operation.operation_id,
        )


def _pair(ctx: CheckContext) -> tuple[Identity, Identity]:
    return ctx.user("owner"), ctx.user("intruder")


def _paths(
    ctx: CheckContext, resource: Resource, row: Row, intruder: Identity
) -> list[dict[str, object]]:
    """The owner's row as the intruder may address it: through the owner's parent, and for
    a nested resource also through a parent of the intruder's own (RESTler's namespace
    rule: a child must not be reachable through any other parent)."""
    paths: list[dict[str, object]] = [row.path]
    if resource.parent is not None and resource.parent_param is not None:
        parent = ctx.spec.resource(resource.parent)
        if parent is not None and parent.create is not None:
            own = ctx.row(parent, intruder)
            paths.append({**row.path, **own.path, resource.parent_param: own.id})
    return paths


@check(
    "authz.read-cross-user",
    targets=of_resources("read", "create"),
    risk="Any signed-in user can read objects that belong to another user.",
    description="User B reading user A's object (of every resource the spec creates, nested "
    "ones also through B's own parent) is refused, with the status the spec documents.",
    owasp=Owasp.API1,
)
def read_cross_user(ctx: CheckContext) -> None:
    owner, intruder = _pair(ctx)
    for resource in ctx.resources_with("create", "read"):
        assert resource.read is not None
        with ctx.on(resource.read):
            row = ctx.row(resource, owner)
            for path in _paths(ctx, resource, row, intruder):
                response = ctx.send(resource.read, as_=intruder, path=path)
                _refused(
                    ctx,
                    response,
                    resource.read,
                    f"another user's object in {resource.name} was served",
                )


@check(
    "authz.update-cross-user",
    targets=of_resources("update", "create", "read"),
    risk="Any signed-in user can change objects that belong to another user.",
    description="User B changing user A's object is refused, and the object is unchanged.",
    owasp=Owasp.API1,
)
def update_cross_user(ctx: CheckContext) -> None:
    owner, intruder = _pair(ctx)
    for resource in ctx.resources_with("create", "read", "update"):
        assert resource.update is not None and resource.read is not None
        with ctx.on(resource.update):
            row = ctx.row(resource, owner)
            change = ctx.change(resource, row)
            for path in _paths(ctx, resource, row, intruder):
                response = ctx.send(resource.update, as_=intruder, path=path, json=change)
                _refused(
                    ctx,
                    response,
                    resource.update,
                    f"another user's object in {resource.name} was changed",
                )
            read = ctx.send(resource.read, as_=owner, path=row.path)
            body = ctx.json_object(read, operation=resource.read.operation_id)
            name, value = next(iter(change.items()))
            if body.get(name) == value:
                ctx.fail(
                    "another user's change was applied",
                    expected=f"{name} {row.body.get(name)!r}",
                    seen=f"{name} {body.get(name)!r}",
                    response=read,
                    operation=resource.update.operation_id,
                )


@check(
    "authz.delete-cross-user",
    targets=of_resources("delete", "create", "read"),
    risk="Any signed-in user can delete objects that belong to another user.",
    description="User B deleting user A's object is refused, and the object is still there.",
    owasp=Owasp.API1,
)
def delete_cross_user(ctx: CheckContext) -> None:
    owner, intruder = _pair(ctx)
    for resource in ctx.resources_with("create", "read", "delete"):
        assert resource.delete is not None and resource.read is not None
        with ctx.on(resource.delete):
            row = ctx.row(resource, owner)
            for path in _paths(ctx, resource, row, intruder):
                response = ctx.send(resource.delete, as_=intruder, path=path)
                _refused(
                    ctx,
                    response,
                    resource.delete,
                    f"another user's object in {resource.name} was deleted",
                )
            read = ctx.send(resource.read, as_=owner, path=row.path)
            ctx.expect_status(
                read,
                200,
                operation=resource.delete.operation_id,
                title=f"another user's delete of a {resource.name} row was applied",
            )


@check(
    "authz.list-isolation",
    targets=of_resources("list", "create", top_level=True),
    risk="A user's lists show objects that belong to other users.",
    description="A user's list of every resource never shows another user's objects, and "
    "its total counts only their own.",
    owasp=Owasp.API1,
)
def list_isolation(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    for resource in ctx.resources_with("create", "list"):
        assert resource.listing is not None
        if resource.parent is not None:
            continue  # A nested list is under one parent: the read and namespace checks judge it.
        with ctx.on(resource.listing):
            foreign = {str(ctx.row(resource, owner).id) for _ in range(2)}
            own = ctx.row(resource, other)
            params = widest_page(resource)
            response = ctx.send(resource.listing, as_=other, path=own.path, params=params)
            ctx.expect_success(response, resource.listing, title="the list failed")
            rows = ctx.rows_in(resource, response)
            ids = {str(entry.get(resource.id_field)) for entry in rows if isinstance(entry, dict)}
            if ids & foreign or ids != {str(own.id)}:
                ctx.fail(
                    f"the list shows {resource.name} that are not the caller's",
                    expected=f"only {own.id}",
                    seen=f"{sorted(ids)}",
                    response=response,
                    operation=resource.listing.operation_id,
                )
            found = total_of(resource, response)
            # A missing total header is workflows.list-contains's to judge; an envelope
            # without its documented total field counts as a wrong total here.
            total = None
            if found is not None:
                total = found[1] if found[0] == resource.total_header else str(found[1])
            if total is not None and total != "1":
                ctx.fail(
                    "the list's total counts other users' objects",
                    expected="1",
                    seen=repr(total),
                    response=response,
                    operation=resource.listing.operation_id,
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
    login = ctx.login_response(owner.email, owner.password)
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
