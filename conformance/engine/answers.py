"""The answers a check can ask of a spec: every role's and every resource's operation, and how
to get each one to answer a valid request.

The response-side checks (no secrets, timestamps with an offset) judge what the API answers,
wherever it answers: sign-up, token, the current account, refresh, and the create, list,
read, change and deletion of every resource. `reach` lists those operations from the model
alone (for `conformance inspect` and for the loop at run time); `ask` sends one.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from ..contract import Contract, Operation, Resource, RoleName, accounts
from .context import CheckContext
from .identities import Identity
from .rows import body_for, changed_fields, widest_page

__all__ = ["Asked", "ask", "reach"]

# The roles whose answers carry data of the account (logout and deletion answer nothing).
_ROLES = (RoleName.SIGNUP, RoleName.TOKEN, RoleName.CURRENT_ACCOUNT, RoleName.REFRESH)
_ACTIONS = ("create", "list", "read", "update", "replace", "delete")


@dataclass(frozen=True, slots=True)
class Asked:
    """One operation a check asks, as a role (`role`) or as an action on a resource."""

    operation: Operation
    role: RoleName | None = None
    resource: Resource | None = None
    action: str | None = None


def reach(contract: Contract) -> list[Asked]:
    """Every operation that answers a role's or a resource's data, each once.

    The accounts resource's deletion is left out: it would delete the asking account.
    """
    found: dict[str, Asked] = {}
    for role in _ROLES:
        operation = contract.roles.get(role)
        if operation is not None:
            found.setdefault(operation.operation_id, Asked(operation, role=role))
    for resource in contract.resources:
        is_account = resource.name == contract.roles.account_resource
        for action, operation in resource.operations:
            if action in _ACTIONS and not (is_account and action == "delete"):
                found.setdefault(
                    operation.operation_id, Asked(operation, resource=resource, action=action)
                )
    return list(found.values())


def _by_role(ctx: CheckContext, asked: Asked, user: Identity) -> httpx.Response:
    operation = asked.operation
    if asked.role is RoleName.SIGNUP:
        return ctx.sign_up_with({}, "answer")[0]
    if asked.role is RoleName.TOKEN:
        return ctx.login_response(user.email, user.password)
    if asked.role is RoleName.REFRESH:
        call = accounts.refresh_call(ctx.spec.roles, user.refresh_token)
        if call is None:
            ctx.skip("the run's account holds no refresh token")
        return ctx.send(operation, json=call.body)
    return ctx.send(operation, as_=user)


def ask(ctx: CheckContext, asked: Asked, user: Identity) -> httpx.Response:
    """The operation's answer to a valid request of `user`'s (on a new row of theirs)."""
    resource, action, operation = asked.resource, asked.action, asked.operation
    if resource is None:
        return _by_role(ctx, asked, user)
    is_account = resource.name == ctx.spec.roles.account_resource
    tag = ctx.identities.run_tag
    if action == "create":
        if is_account:
            return ctx.sign_up_with({}, "answer")[0]
        body = body_for(resource, tag, user.label)
        return ctx.act(operation, user, path=ctx.parent_path(resource, user), json=body)[0]
    row = ctx.row(resource, user)
    # As the row's owner (the admin, where only the admin may create), or as the admin
    # where the operation turns out reserved (`act`).
    if action == "list":
        return ctx.act(operation, row.owner, path=row.path, params=widest_page(resource))[0]
    if action == "update":
        body = changed_fields(resource, row)
        return ctx.act(operation, row.owner, path=row.path, json=body)[0]
    if action == "replace":
        if is_account:
            ctx.skip("replacing the run's own account would change its credentials")
        body = {**body_for(resource, tag, user.label), **changed_fields(resource, row)}
        return ctx.act(operation, row.owner, path=row.path, json=body)[0]
    return ctx.act(operation, row.owner, path=row.path)[0]
