"""Authorization: nobody reaches another user's objects or account; only a superuser administers.

The cross-user checks run on every resource the contract model finds (nested ones too),
with one account creating and another trying to read, change, delete or list it; the
account checks on the resource the sign-up creates. What is reserved to administrators,
and where they reach other users' rows, is read from the spec (`contract/admin.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from ...contract import Contract, Operation, Resource, schemas
from ...contract.admin import admin_lists, admin_only, admin_reads
from ..context import CheckContext, Listed
from ..identities import Identity
from ..registry import Need, Owasp, check
from ..rows import (
    Row,
    ids_of,
    page_query,
    replacement,
    row_variants,
    success_statuses,
    total_of,
    unknown_id,
    widest_page,
)
from ..targets import found_by, of_account, of_found, of_resources, resources_of


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


def _served_to_all(ctx: CheckContext, operation: Operation) -> None:
    """Skip an operation that takes no credential: what it serves is everyone's to see."""
    if not operation.secured:
        how = "its security is optional" if operation.optional_security else "it has no security"
        ctx.skip(
            f"{operation.operation_id} serves anyone ({how}), so its rows are everyone's to see"
        )


def _what(ctx: CheckContext, resource: Resource) -> str:
    """How a failure's title names a row of the resource."""
    if resource.name == ctx.spec.roles.account_resource:
        return "account"
    return f"object in {resource.name}"


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
    setup=(Need.ACCOUNT, Need.ROW),
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
            _served_to_all(ctx, resource.read)
            row = ctx.row(resource, owner)
            for path in _paths(ctx, resource, row, intruder):
                response = ctx.send(resource.read, as_=intruder, path=path)
                _refused(
                    ctx,
                    response,
                    resource.read,
                    f"another user's object in {resource.name} was served",
                )


def _changed(contract: Contract) -> list[Resource]:
    """Owned resources with a create, a read, and a change (PATCH, else PUT) of a row."""
    return [
        resource
        for resource in resources_of(contract, ("create", "read"))
        if resource.update is not None or resource.replace is not None
    ]


def _deleted(contract: Contract) -> list[Resource]:
    """Owned resources with a create and a delete, whose rows a read or a list shows."""
    return [
        resource
        for resource in resources_of(contract, ("create", "delete"))
        if resource.read is not None or resource.listing is not None
    ]


@check(
    "authz.update-cross-user",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_found(
        "a resource (other than the accounts) with create, read, and update or replace operations",
        _changed,
        "update",
        "replace",
    ),
    risk="Any signed-in user can change objects that belong to another user.",
    description="User B changing user A's object (by its PATCH, else its PUT) is refused, "
    "and the object is unchanged.",
    owasp=Owasp.API1,
)
def update_cross_user(ctx: CheckContext) -> None:
    _on_every_resource(ctx, _changed(ctx.spec), _change_refused, "update", "replace")


# Judges one row: (ctx, its resource, the row, the paths that address it, the intruder).
Judge = Callable[[CheckContext, Resource, Row, list[dict[str, object]], Identity], None]


def _on_every_resource(
    ctx: CheckContext, resources: list[Resource], judge: Judge, *actions: str
) -> None:
    """Judge rows of the owner's of every resource, as the intruder, on the first of
    `actions` it has: one row for each value of the create's enum fields (a public row
    and a private one, where a `visibility` says so: a row the intruder cannot see shows
    nothing of who may write)."""
    if not resources:
        ctx.skip(f"the spec has no resource whose rows it can {' or '.join(actions)}")
    owner, intruder = _pair(ctx)
    for resource in resources:
        operations = dict(resource.operations)
        action = next(action for action in actions if action in operations)
        with ctx.on(operations[action]):
            for fields in row_variants(resource):
                row = ctx.row(resource, owner, **fields)
                judge(ctx, resource, row, _paths(ctx, resource, row, intruder), intruder)


def _on_the_account(ctx: CheckContext, action: str, judge: Judge) -> None:
    """Judge the owner's own account (the resource the sign-up creates), as the intruder."""
    account = ctx.account_with("read", action)
    with ctx.on(dict(account.operations)[action]):
        owner, intruder = _pair(ctx)
        row = ctx.row(account, owner)
        judge(ctx, account, row, [row.path], intruder)


def _change_refused(
    ctx: CheckContext,
    resource: Resource,
    row: Row,
    paths: list[dict[str, object]],
    intruder: Identity,
) -> None:
    """The intruder's change of the row (its PATCH, else its PUT with the fields it was
    made with), through each path, is refused and not applied."""
    update = resource.update or resource.replace
    assert update is not None and resource.read is not None
    change = ctx.change(resource, row)
    body = change if update is resource.update else replacement(update, row, change)
    for path in paths:
        response = ctx.send(update, as_=intruder, path=path, json=body)
        _refused(ctx, response, update, f"another user's {_what(ctx, resource)} was changed")
    read = ctx.send(resource.read, as_=row.owner, path=row.path)
    body = ctx.json_object(read, operation=resource.read.operation_id)
    name, value = next(iter(change.items()))
    if body.get(name) == value:
        ctx.fail(
            "another user's change was applied",
            expected=f"{name} {row.body.get(name)!r}",
            seen=f"{name} {body.get(name)!r}",
            response=read,
            operation=update.operation_id,
        )


@check(
    "authz.delete-cross-user",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_found(
        "a resource (other than the accounts) with create and delete operations, and a read "
        "or a list of its rows",
        _deleted,
        "delete",
    ),
    risk="Any signed-in user can delete objects that belong to another user.",
    description="User B deleting user A's object is refused, and the object is still there "
    "(read by id, or listed where the spec has no read: comments nested in an article).",
    owasp=Owasp.API1,
)
def delete_cross_user(ctx: CheckContext) -> None:
    _on_every_resource(ctx, _deleted(ctx.spec), _delete_refused, "delete")


def _delete_refused(
    ctx: CheckContext,
    resource: Resource,
    row: Row,
    paths: list[dict[str, object]],
    intruder: Identity,
) -> None:
    """The intruder's delete of the row, through each path, is refused: the row is still
    there (read by id, or listed where the spec has no read)."""
    assert resource.delete is not None
    for path in paths:
        response = ctx.send(resource.delete, as_=intruder, path=path)
        _refused(
            ctx, response, resource.delete, f"another user's {_what(ctx, resource)} was deleted"
        )
    title = f"another user's delete of a {resource.name} row was applied"
    if resource.read is None:
        listed = ctx.listed(resource, row.owner, row.parent_path, [str(row.id)])
        if str(row.id) not in listed.ids:
            ctx.fail(
                title,
                expected=f"{row.id} still listed",
                seen=str(listed.ids),
                response=listed.response,
                operation=resource.delete.operation_id,
            )
        return
    read = ctx.send(resource.read, as_=row.owner, path=row.path)
    ctx.expect_status(
        read, success_statuses(resource.read), operation=resource.delete.operation_id, title=title
    )


@check(
    "authz.list-isolation",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_resources("list", "create"),
    risk="A user's lists show objects that belong to other users.",
    description="A user's list of every resource never shows another user's objects, and "
    "its total counts only their own; a nested list under another user's parent is refused "
    "or shows none of their objects.",
    owasp=Owasp.API1,
)
def list_isolation(ctx: CheckContext) -> None:
    owner, other = ctx.user("owner"), ctx.user("other")
    for resource in ctx.resources_with("create", "list"):
        assert resource.listing is not None
        with ctx.on(resource.listing):
            _served_to_all(ctx, resource.listing)
            first = ctx.row(resource, owner)
            second = ctx.row(resource, owner, within=first.parent_path)
            foreign = {str(first.id), str(second.id)}
            own = ctx.row(resource, other)
            if own.owner is first.owner:
                ctx.skip(
                    f"only the admin may create {resource.name}: the rows of both accounts "
                    "are the admin's, so whose rows a list shows cannot be told apart"
                )
            # Every page, as far as the owner's rows could be (a list of everyone's rows
            # may hold them past its first page).
            listed = ctx.listed(resource, other, own.parent_path, foreign | {str(own.id)})
            _only_own(ctx, resource, listed, own, foreign)
            if resource.parent is not None:
                # The namespace rule again: another user's parent lends the caller nothing.
                response = _list(ctx, resource, other, first.parent_path)
                if response.status_code >= 400:
                    _refused(
                        ctx,
                        response,
                        resource.listing,
                        f"another user's {resource.name} were listed through their parent",
                    )
                elif foreign & set(ids_of(resource, ctx.rows_in(resource, response))):
                    ctx.fail(
                        f"another user's {resource.name} were listed through their parent",
                        expected="a refusal (403 or 404), or none of their objects",
                        seen=f"{response.status_code} {response.text[:200]}",
                        response=response,
                        operation=resource.listing.operation_id,
                    )


def _list(
    ctx: CheckContext, resource: Resource, caller: Identity, path: dict[str, object]
) -> httpx.Response:
    """The widest page of the list within `path` (a parent's), as `caller`."""
    assert resource.listing is not None
    return ctx.send(resource.listing, as_=caller, path=path, params=widest_page(resource))


def _only_own(
    ctx: CheckContext, resource: Resource, listed: Listed, own: Row, foreign: set[str]
) -> None:
    """The caller's list (within their own parent) shows none of the other user's rows;
    where it shows the caller's one row alone, its total counts that one.

    Rows of neither (public rows of other accounts, where the API shares some) are not
    judged: the spec does not say whose rows a list shows beyond the caller's.
    """
    assert resource.listing is not None
    response, ids = listed.response, set(listed.ids)
    if ids & foreign:
        ctx.fail(
            f"the list shows {resource.name} that are not the caller's",
            expected=f"only {own.id}, none of {sorted(foreign)}",
            seen=f"{sorted(ids)}",
            response=response,
            operation=resource.listing.operation_id,
        )
    if ids != {str(own.id)}:
        return
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
    setup=(Need.ACCOUNT, Need.OWN_ACCOUNT),
    targets=of_account("read"),
    risk="Any signed-in user can read any other user's account.",
    description="User B reading user A's account (the resource the sign-up creates) is "
    "refused, and so is an id that names no account, with the statuses the spec documents.",
    owasp=Owasp.API1,
)
def user_read_cross_user(ctx: CheckContext) -> None:
    account = ctx.account_with("read")
    assert account.read is not None and account.id_param is not None
    with ctx.on(account.read):
        owner, intruder = _pair(ctx)
        row = ctx.row(account, owner)
        response = ctx.send(account.read, as_=intruder, path=row.path)
        _refused(ctx, response, account.read, "another user's account was served")
        missing = {account.id_param: unknown_id(account)}
        nobody = ctx.send(account.read, as_=intruder, path=missing)
        _refused(ctx, nobody, account.read, "an id that names no account was served")


@check(
    "authz.user-update-cross-user",
    setup=(Need.ACCOUNT, Need.OWN_ACCOUNT),
    targets=of_account("update", "read"),
    risk="Any signed-in user can change any other user's account, email or password.",
    description="User B changing user A's account is refused, and the account is unchanged.",
    owasp=Owasp.API1,
)
def user_update_cross_user(ctx: CheckContext) -> None:
    _on_the_account(ctx, "update", _change_refused)


@check(
    "authz.user-delete-cross-user",
    setup=(Need.ACCOUNT, Need.OWN_ACCOUNT),
    targets=of_account("delete", "read"),
    risk="Any signed-in user can delete any other user's account.",
    description="User B deleting user A's account is refused, and A's account is still there.",
    owasp=Owasp.API1,
)
def user_delete_cross_user(ctx: CheckContext) -> None:
    _on_the_account(ctx, "delete", _delete_refused)


def _query(operation: Operation) -> dict[str, object]:
    """The operation's required query parameters, each given a valid value."""
    return {
        parameter.name: schemas.sample(parameter.schema, hint="cf")
        for parameter in operation.query_parameters
        if parameter.required
    }


@check(
    "authz.admin-only-list-users",
    setup=(Need.ACCOUNT,),
    targets=found_by(
        "a read reserved to administrators (a secured GET documenting 403, naming no row)",
        admin_only,
    ),
    risk="Any signed-in user can list every account of the service.",
    description="A non-admin calling a read reserved to administrators (it documents 403, and "
    "its path names nothing of anyone's own, like the account listing) gets 403.",
    owasp=Owasp.API5,
)
def admin_only_list_users(ctx: CheckContext) -> None:
    reserved = admin_only(ctx.spec)
    if not reserved:
        ctx.skip("the spec reserves no read to administrators (none documents 403 on its own)")
    user = ctx.user("nosy")
    for operation in reserved:
        with ctx.on(operation):
            response = ctx.send(operation, as_=user, params=_query(operation))
            ctx.expect_status(
                response,
                403,
                operation=operation.operation_id,
                title="a non-admin was served a read reserved to administrators",
            )


def _admin_targets(contract: Contract) -> list[Operation]:
    reads = [resource.read for resource in admin_reads(contract) if resource.read is not None]
    return [*reads, *admin_only(contract)]


@check(
    "authz.superuser-reads-all",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=found_by(
        "a read the spec says an administrator may use on others' rows, or one reserved "
        "to administrators",
        _admin_targets,
    ),
    risk="Administrators cannot read the accounts and objects they must administer.",
    description="Where the spec says an administrator may read other users' rows, the admin "
    "reads another user's row (account or object), an unknown id is 404 for them where "
    "documented, and every read reserved to administrators answers them.",
    owasp=Owasp.API5,
    needs_admin=True,
)
def superuser_reads_all(ctx: CheckContext) -> None:
    admin = ctx.admin()
    if not _admin_targets(ctx.spec):
        ctx.skip("the spec says of no read that an administrator may use it on others' rows")
    owner = ctx.user("owner")
    for resource in admin_reads(ctx.spec):
        read = resource.read
        assert read is not None
        with ctx.on(read):
            row = ctx.row(resource, owner)
            response = ctx.send(read, as_=admin, path=row.path)
            ctx.expect_success(
                response, read, title=f"an administrator cannot read a user's {resource.name}"
            )
            if "404" in read.statuses and resource.id_param is not None:
                path = {**row.path, resource.id_param: unknown_id(resource)}
                missing = ctx.send(read, as_=admin, path=path)
                ctx.expect_status(
                    missing,
                    404,
                    operation=read.operation_id,
                    title="an unknown id is not 404 for an administrator",
                )
    for operation in admin_only(ctx.spec):
        with ctx.on(operation):
            response = ctx.send(operation, as_=admin, params=_query(operation))
            ctx.expect_success(
                response, operation, title="an administrator cannot use a read reserved to them"
            )


def _last_page(
    ctx: CheckContext, resource: Resource, admin: Identity, path: dict[str, object]
) -> tuple[list[Any], httpx.Response]:
    """The rows of the last page of a list, as the admin sees it (the newest rows are last).

    The last page is found from the documented total and page size; without them the
    widest first page is all there is to look at.
    """
    listing = resource.listing
    assert listing is not None
    widest = widest_page(resource)
    head = ctx.send(listing, as_=admin, path=path, params=widest)
    ctx.expect_success(head, listing, title="an administrator cannot list")
    rows = ctx.rows_in(resource, head)
    found = total_of(resource, head)
    total = found[1] if found is not None else None
    per = resource.pagination.size.maximum if resource.pagination.size is not None else None
    if not (total and total.isdigit() and per and int(total) > len(rows)):
        return rows, head
    offset = resource.pagination.offset
    params = (
        {**widest, offset.name: max(int(total) - per, 0)}  # the newest `per`: robust to deletes
        if offset is not None
        else page_query(resource, (int(total) - 1) // per, per)
    )
    if params is None:
        return rows, head
    last = ctx.send(listing, as_=admin, path=path, params=params)
    ctx.expect_success(last, listing, title="an administrator cannot list")
    return ctx.rows_in(resource, last), last


@check(
    "authz.superuser-lists-all",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_found(
        "a list the spec says shows an administrator every user's rows", admin_lists, "list"
    ),
    risk="Administrators' lists miss other users' objects or accounts.",
    description="Where the spec says an administrator's list shows every user's rows, the "
    "admin's list (its last page) includes another user's newest row.",
    owasp=Owasp.API5,
    needs_admin=True,
)
def superuser_lists_all(ctx: CheckContext) -> None:
    admin = ctx.admin()
    found = admin_lists(ctx.spec)
    if not found:
        ctx.skip("the spec says of no list that it shows an administrator every user's rows")
    owner = ctx.user("listed")
    for resource in found:
        assert resource.listing is not None
        with ctx.on(resource.listing):
            row = ctx.row(resource, owner)
            rows, page = _last_page(ctx, resource, admin, row.parent_path)
            ids = ids_of(resource, rows)
            if str(row.id) not in ids:
                ctx.fail(
                    "an administrator's list leaves out another user's row",
                    expected=f"id {row.id} on the last page",
                    seen=f"ids {ids[-10:]}",
                    response=page,
                    operation=resource.listing.operation_id,
                )
