"""Workflows: what is written can be read back, changed, listed and deleted, as contracted."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import httpx

from ...contract import Contract, Operation, Resource, RoleName, accounts
from ...contract.admin import admin_reads
from ..context import CheckContext
from ..identities import Identity
from ..registry import Need, Owasp, check
from ..rows import Row, body_for, ids_of, page_query
from ..targets import of_account, of_found, of_resources, of_roles

_UPDATED = re.compile(r"updated|modified", re.I)


def _matches(sent: dict[str, Any], answered: dict[str, Any]) -> list[str]:
    """The sent fields the answer holds with another value."""
    return [key for key, value in sent.items() if key in answered and answered[key] != value]


@check(
    "workflows.create-read",
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
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
            row = ctx.row(resource, owner, judged=True)
            maker = row.owner
            wrong = _matches(row.sent, row.body)
            if resource.owner_field and _owner_differs(row.body.get(resource.owner_field), maker):
                wrong.append(resource.owner_field)
            if wrong:
                ctx.fail(
                    f"the created object's {', '.join(wrong)} is not what was written",
                    expected=str({key: row.sent.get(key, maker.user_id) for key in wrong}),
                    seen=str({key: row.body.get(key) for key in wrong}),
                    operation=resource.create.operation_id,
                )
            read = ctx.send(resource.read, as_=maker, path=row.path)
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
    setup=(Need.ACCOUNT, Need.ROW, Need.ACCESS),
    targets=of_resources("update", "create", "read"),
    risk="Edits are lost or touch fields that were not sent.",
    description="Changing one field of an object changes only it (and sets an updated-at "
    "field where the resource has one), and a read reflects it.",
    owasp=Owasp.API9,
)
def patch_read(ctx: CheckContext) -> None:
    owner = ctx.user("owner")
    for resource in ctx.resources_with("create", "read", "update"):
        assert resource.update is not None
        with ctx.on(resource.update):
            _patched(ctx, resource, ctx.row(resource, owner))


def _patched(ctx: CheckContext, resource: Resource, row: Row) -> None:
    """Change one field of the row as its owner: only it moves, and a read reflects it."""
    assert resource.update is not None and resource.read is not None
    change = ctx.change(resource, row)
    response, actor = ctx.act(resource.update, row.owner, path=row.path, json=change)
    ctx.require_allowed(response, resource.update)
    ctx.expect_success(response, resource.update, title="the change was refused")
    ctx.follow(row, response, resource.update)
    read = ctx.send(resource.read, as_=actor, path=row.path)
    ctx.expect_success(read, resource.read, title="the changed object cannot be read")
    body = ctx.json_object(read, operation=resource.read.operation_id)
    kept = {k: v for k, v in row.body.items() if k in row.sent}
    expected = {**kept, **change}
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
    setup=(Need.ACCOUNT, Need.ROW),
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
            response = ctx.send(resource.delete, as_=row.owner, path=row.path)
            ctx.expect_success(response, resource.delete, title="the delete was refused")
            read = ctx.send(resource.read, as_=row.owner, path=row.path)
            ctx.expect_status(
                read,
                _gone(resource.read),
                operation=resource.delete.operation_id,
                title="a deleted object is still served",
            )


def _gone(read: Operation) -> set[int]:
    """What a read of a deleted row answers: 404, or another 4xx where no 404 is documented."""
    return {404} if "404" in read.statuses else set(range(400, 500)) - {401}


@check(
    "workflows.list-contains",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_resources("list", "create"),
    risk="Lists miss objects, or their total count is wrong.",
    description="A fresh caller's list of every resource (a nested one within one parent) "
    "holds the objects they created (paged through, where they are not all on one page), "
    "and its total (header or field, where documented) counts them. A list that shows "
    "rows of others too (a public list) must count at least the caller's; one showing the "
    "caller's alone, exactly them.",
    owasp=Owasp.API9,
)
def list_contains(ctx: CheckContext) -> None:
    owner = ctx.user("lister")
    for resource in ctx.resources_with("create", "list"):
        assert resource.listing is not None
        with ctx.on(resource.listing):
            first = ctx.row(resource, owner)
            more = [ctx.row(resource, first.owner, within=first.parent_path) for _ in "ab"]
            made = [str(row.id) for row in (first, *more)]
            listed = ctx.listed(resource, first.owner, first.parent_path, made)
            response = listed.response
            missing = [row_id for row_id in made if row_id not in listed.ids]
            if missing:
                ctx.fail(
                    "the list misses objects the caller created",
                    expected=str(made),
                    seen=str(listed.ids),
                    response=response,
                    operation=resource.listing.operation_id,
                )
            ctx.expect_total(resource, response, len(made), at_least=listed.shared)


def _owner_differs(answered: object, maker: Identity) -> bool:
    """Whether a row's owner field names another account than the one that made it, by
    its id or its identifier (a username); judged where the maker's id is known and the
    field holds a value, not an object."""
    if maker.user_id is None or isinstance(answered, dict | list):
        return False
    return str(answered) not in (str(maker.user_id), maker.email)


def _sign_up(
    ctx: CheckContext, label: str, *, judged: bool
) -> tuple[Identity, dict[str, Any], httpx.Response]:
    """Sign up by hand through the sign-up role: (the account, the body sent, the answer).

    The body holds every text field the schema offers, not only the required ones, so
    that the answer is compared with more than the credentials. Not logged in yet.
    `judged`: the check asserts the sign-up (else it is a step: skipped when it fails).
    """
    problem = ctx.identities.signup_problem
    if problem is not None:
        ctx.skip(problem)
    signup = ctx.role(RoleName.SIGNUP)
    identifier = ctx.identities.email_for(label)
    password = accounts.password_for(ctx.spec.roles)
    account = ctx.spec.resource(ctx.spec.roles.account_resource or "")
    offered = body_for(account, ctx.identities.run_tag, label) if account is not None else {}
    sent = {**offered, **ctx.identities.signup_body(identifier, password, label)}
    response = ctx.send(signup, json=sent)
    if judged:
        ctx.expect_success(response, signup, title="sign-up did not create the account")
        body = ctx.json_object(response, operation=signup.operation_id)
    else:
        ctx.require_success(response, signup, need=Need.ACCOUNT)
        body = ctx.require_object(response, signup, need=Need.ACCOUNT)
    made = ctx.identities.adopt_created(identifier, password, accounts.account_id(ctx.spec, body))
    return made, sent, response


@check(
    "workflows.signup-login",
    targets=of_roles(RoleName.SIGNUP, RoleName.TOKEN, RoleName.CURRENT_ACCOUNT),
    risk="New users cannot sign up and log in as the contract says.",
    description="Sign-up answers a documented 2xx with the account as written, its "
    "credentials get a token, and the current account (where the spec has one) is that "
    "account.",
    owasp=Owasp.API2,
)
def signup_login(ctx: CheckContext) -> None:
    signup, token = ctx.role(RoleName.SIGNUP), ctx.role(RoleName.TOKEN)
    made: list[Identity] = []
    with ctx.on(signup):
        identity, sent, response = _sign_up(ctx, "signup", judged=True)
        made.append(identity)
        body = ctx.json_object(response, operation=signup.operation_id)
        wrong = _matches(sent, body)
        if wrong:
            ctx.fail(
                f"sign-up did not return the {', '.join(wrong)} written",
                expected=str({key: sent[key] for key in wrong}),
                seen=str({key: body.get(key) for key in wrong}),
                response=response,
                operation=signup.operation_id,
            )
    if not made:
        return
    identity = made[0]
    with ctx.on(token):
        login = ctx.login_response(identity.email, identity.password)
        ctx.expect_success(login, token, title="the new account cannot log in")
        ctx.identities.log_in(identity)
    current = ctx.spec.roles.get(RoleName.CURRENT_ACCOUNT)
    if current is None or not identity.access_token:
        return
    with ctx.on(current):
        me = ctx.send(current, as_=identity)
        ctx.expect_success(me, current, title="the current account refused a fresh token")
        found = accounts.account_id(ctx.spec, ctx.json_object(me, operation=current.operation_id))
        if str(found) != str(identity.user_id):
            ctx.fail(
                "the current account names another account",
                expected=f"id {identity.user_id}",
                seen=me.text[:200],
                response=me,
                operation=current.operation_id,
            )


@check(
    "workflows.user-patch-read",
    setup=(Need.ACCOUNT, Need.OWN_ACCOUNT, Need.ACCESS),
    targets=of_account("update", "read"),
    risk="Changes to one's own account are not applied as sent.",
    description="Changing one field of one's own account (the resource the sign-up creates) "
    "changes it, and a read reflects it.",
    owasp=Owasp.API9,
)
def user_patch_read(ctx: CheckContext) -> None:
    account = ctx.account_with("read", "update")
    assert account.update is not None
    with ctx.on(account.update):
        _patched(ctx, account, ctx.row(account, ctx.user("patcher")))


def _token_probe(ctx: CheckContext) -> Operation | None:
    """Where to try an access token: the current account, else a secured read documenting 401."""
    current = ctx.spec.roles.get(RoleName.CURRENT_ACCOUNT)
    if current is not None:
        return current
    return next(
        (
            operation
            for operation in ctx.spec
            if operation.method == "get"
            and operation.secured
            and not operation.path_parameters
            and operation.documents(401)
        ),
        None,
    )


@check(
    "workflows.user-delete",
    setup=(Need.ACCOUNT, Need.ROW, Need.ADMIN),
    targets=of_roles(RoleName.DELETE_ACCOUNT),
    risk="A deleted account's token, or its objects, survive the deletion.",
    description=(
        "Deleting one's own account answers a documented 2xx; its token is then refused "
        "(401 where documented), and its objects are gone (seen by an administrator, when "
        "admin credentials are given and the spec lets them read others' rows)."
    ),
    owasp=Owasp.API2,
)
def user_delete(ctx: CheckContext) -> None:
    delete = ctx.role(RoleName.DELETE_ACCOUNT)
    with ctx.on(delete):
        user = ctx.user("leaver")
        admin = ctx.identities.admin()
        account = ctx.spec.roles.account_resource
        left = [
            ctx.row(resource, user)
            for resource in (admin_reads(ctx.spec) if admin is not None else [])
            if resource.create is not None and resource.name != account
        ]
        # The token of the account before it goes, to try it once it has gone.
        token = ctx.identities.token(user)
        path: dict[str, object] = {}
        if delete.path_parameters:
            if user.user_id is None:
                ctx.skip("the sign-up answered no account id, so no account can be addressed")
            path = {delete.path_parameters[-1].name: user.user_id}
        response = ctx.send(delete, path=path, token=token)
        ctx.expect_success(response, delete, title="deleting one's own account was refused")
        user.deleted = True
        probe = _token_probe(ctx)
        if probe is not None:
            after = ctx.send(probe, token=token)
            refused = 401 if probe.documents(401) else set(range(400, 500))
            ctx.expect_status(
                after,
                refused,
                operation=delete.operation_id,
                title="a deleted account's token still works",
            )
        for row in left:
            read = row.resource.read
            assert read is not None and admin is not None
            orphan = ctx.send(read, as_=admin, path=row.path)
            ctx.expect_status(
                orphan,
                _gone(read),
                operation=delete.operation_id,
                title=f"a deleted account's {row.resource.name} remain",
            )


def _paginated(contract: Contract) -> list[Resource]:
    """The resources a user lists in pages (an offset or a page number, or a page size only)."""
    return [
        resource
        for resource in contract.resources
        if resource.name != contract.roles.account_resource
        and resource.create is not None
        and resource.listing is not None
        and resource.pagination.size is not None
        and resource.pagination.cursor is None
    ]


# Rows a check makes to page through, and the page size it asks for.
_ROWS, _PER = 5, 2


@check(
    "workflows.list-pagination",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_found(
        "a paginated list (a page size, with an offset or a page number) of a resource it creates",
        _paginated,
        "list",
    ),
    risk="Paging through a list skips or repeats records.",
    description=(
        "Paging through every paginated list (offset or page number; nested ones within one "
        "parent) in pages of 2: each page holds what is left up to 2 rows, no row twice, all "
        "rows in the end, and the total (where documented) counts every page."
    ),
    owasp=Owasp.API9,
)
def list_pagination(ctx: CheckContext) -> None:
    found = _paginated(ctx.spec)
    if not found:
        ctx.skip("the spec has no paginated list of a resource it creates")
    owner = ctx.user("pager")
    for resource in found:
        assert resource.listing is not None and resource.pagination.size is not None
        with ctx.on(resource.listing):
            low, high = resource.pagination.size.minimum, resource.pagination.size.maximum
            if (low is not None and low > _PER) or (high is not None and high < _ROWS):
                ctx.skip(f"{resource.pagination.size.name} cannot be {_PER} and {_ROWS}")
            first = ctx.row(resource, owner)
            rows = [
                first,
                *(ctx.row(resource, first.owner, within=first.parent_path) for _ in "abcd"),
            ]
            made = [str(row.id) for row in rows]
            _page_through(ctx, resource, first.parent_path, made, first.owner)


def _page_through(
    ctx: CheckContext,
    resource: Resource,
    path: dict[str, object],
    made: list[str],
    owner: Identity,
) -> None:
    """Ask for every page of `_PER` rows (and one past the end); a list with a page size
    only is asked for its first `_PER` rows, then for all of them."""
    listing, size = resource.listing, resource.pagination.size
    assert listing is not None and size is not None
    plan: list[tuple[dict[str, object], int, int]] = []  # (query, first row, rows wanted)
    for index in range(len(made) // _PER + 2):
        query = page_query(resource, index, _PER)
        if query is not None:
            plan.append((query, index * _PER, _PER))
    paged = bool(plan)
    if not paged:
        plan = [({size.name: _PER}, 0, _PER), ({size.name: len(made)}, 0, len(made))]
    seen: list[str] = []
    # A list showing rows the caller did not make (a public one) is shared: rows of others
    # come and go between pages, so only each page's size and the total are judged.
    shared = False
    answers: list[httpx.Response] = []
    for query, start, per in plan:
        response = ctx.send(listing, as_=owner, path=path, params=query)
        wanted = max(0, min(per, len(made) - start))
        if not wanted and response.status_code == 404:
            continue  # A page past the end may be no page at all (Django REST framework's).
        ctx.expect_success(response, listing, title="a page of the list failed")
        page = ids_of(resource, ctx.rows_in(resource, response))
        shared = shared or bool(set(page) - set(made))
        problem = None
        if shared:
            if not wanted <= len(page) <= per:
                problem = f"the page holds {len(page)} rows"
        elif len(page) != wanted:
            problem = f"the page holds {len(page)} rows"
        elif paged and set(page) & set(seen):
            problem = "the page repeats rows of an earlier page"
        if problem is not None:
            ctx.fail(
                f"{_query_text(query)}: {problem}",
                expected=f"{per} rows at most, at least {wanted}"
                if shared
                else f"{wanted} of the caller's {len(made)} rows, none seen before",
                seen=f"{page} after {seen}",
                response=response,
                operation=listing.operation_id,
            )
        seen += page
        answers.append(response)
    # Judged once every page is read: the last ones show whether the list is shared.
    for response in answers:
        ctx.expect_total(resource, response, len(made), at_least=shared)
    if not shared and set(seen) != set(made):
        ctx.fail(
            "paging through the list misses rows",
            expected=str(sorted(made)),
            seen=str(sorted(set(seen))),
            operation=listing.operation_id,
        )


def _query_text(query: dict[str, object]) -> str:
    return "&".join(f"{name}={value}" for name, value in query.items())


def _located(contract: Contract) -> list[Resource]:
    """The resources whose create documents a `Location` header on its success."""
    return [
        resource
        for resource in contract.resources
        if resource.create is not None
        and resource.create.success is not None
        and "location" in resource.create.success.headers
    ]


@check(
    "workflows.location-resolves",
    setup=(Need.ACCOUNT, Need.ROW),
    targets=of_found("a create that documents a Location header", _located, "create"),
    risk="The Location of a created record does not lead to it.",
    description=(
        "The Location of every create that documents one (the sign-up too) is a path on the "
        "deployment that serves the created row."
    ),
    owasp=Owasp.API9,
)
def location_resolves(ctx: CheckContext) -> None:
    found = _located(ctx.spec)
    if not found:
        ctx.skip("no create of the spec documents a Location header")
    owner = ctx.user("locator")
    for resource in found:
        create = resource.create
        assert create is not None
        with ctx.on(create):
            response: httpx.Response | None
            if resource.name == ctx.spec.roles.account_resource:
                identity, _, response = _sign_up(ctx, "located", judged=False)
                ctx.identities.log_in(identity)
            else:
                identity, response = owner, ctx.row(resource, owner).response
            assert response is not None
            created = ctx.json_object(response, operation=create.operation_id)
            _follow(ctx, response, create.operation_id, identity, created)


def _follow(
    ctx: CheckContext,
    response: httpx.Response,
    operation: str,
    identity: Identity,
    created: dict[str, Any],
) -> None:
    location = response.headers.get("Location")
    if not location:
        ctx.fail(
            "the create's answer has no Location",
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
    read = ctx.raw("GET", urlsplit(str(target)).path, **ctx.identities.present(identity))
    if read.status_code != 200 or ctx.json_object(read, operation=operation) != created:
        ctx.fail(
            "Location does not serve the created resource",
            expected=f"200 with {created}",
            seen=f"{read.status_code} {read.text[:200]}",
            response=read,
            operation=operation,
        )
