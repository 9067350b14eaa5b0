"""Set-up causes: a step a check needed did not work, so the check is skipped, not failed.

A check asserts some behaviour; to get there it takes steps it does not judge: signing
up and logging in an account, creating the rows it works on, reading the caller's own
account (`Need` in the registry). When such a step does not work, what the check asserts
was never seen, so the check ends *skipped*, with a `SetupCause` that names the step,
the operation, the identity and what came back. The cause's text is the same for every
check it stopped, so the reports state it once, with the count.

    creating a row of users (POST /api/v1/users/) as a normal account was refused (403)

The checks that assert the step itself (`workflows.create-read` asserts the create) judge
it with the `expect_*` helpers instead, and fail on it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import httpx

from ..contract import Contract, Operation, RoleName
from .failures import Skip
from .registry import Need
from .results import CauseKind, SetupCause

if TYPE_CHECKING:
    from .identities import Identities, Identity, IdentityError

__all__ = ["cause_of", "doing", "failed_step", "identity_cause", "who"]

# How much of an answer's body a cause keeps for the reader.
_SEEN = 200

_ROLE_STEPS = {
    RoleName.SIGNUP: "signing up an account",
    RoleName.TOKEN: "logging in",
    RoleName.CURRENT_ACCOUNT: "reading the current account",
    RoleName.REFRESH: "refreshing a token",
    RoleName.LOGOUT: "logging out",
    RoleName.DELETE_ACCOUNT: "deleting an account",
}
_ACTION_STEPS = {
    "create": "creating a row of {}",
    "list": "listing {}",
    "read": "reading a row of {}",
    "update": "changing a row of {}",
    "replace": "replacing a row of {}",
    "delete": "deleting a row of {}",
}


def doing(spec: Contract, operation: Operation) -> str:
    """What calling the operation does, in words: "creating a row of users", "logging in".

    Read from the model (roles first, then the resources' actions), so that every check
    that stumbles on one operation names it alike.
    """
    for role, words in _ROLE_STEPS.items():
        if spec.roles.get(role) is operation:
            return words
    for resource in spec.resources:
        for action, found in resource.operations:
            if found is operation:
                return _ACTION_STEPS[action].format(resource.name)
        if operation in resource.other_creates:
            return _ACTION_STEPS["create"].format(resource.name)
        if operation in resource.actions:
            return f"{operation.operation_id} on a row of {resource.name}"
    return f"calling {operation.operation_id}"


def who(identities: Identities, response: httpx.Response) -> str | None:
    """As whom the request was sent, from the credential it presented: None when anonymous."""
    request = response.request
    headers = {str(key): str(value) for key, value in request.headers.items()}
    token = identities.presentation.read(headers, str(request.url))
    if not token:
        return None
    return _identity_words(identities.by_token(token))


def _identity_words(identity: Identity | None) -> str:
    if identity is None:
        return "an account of the run's"
    if identity.is_admin:
        return "the admin"
    if identity.configured:
        return f"the account {identity.label} (conformance.toml)"
    return "a normal account"


def _seen(response: httpx.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text if len(text) <= _SEEN else text[:_SEEN] + "..."


def cause_of(
    spec: Contract,
    identities: Identities,
    operation: Operation,
    response: httpx.Response,
    need: Need,
    *,
    detail: str | None = None,
) -> SetupCause:
    """The cause of a step that answered `response`: refused, rejected, failed or, with
    `detail` (what the 2xx answer lacks), unreadable."""
    status = response.status_code
    if detail is not None and 200 <= status < 300:
        kind = CauseKind.UNREADABLE
    elif status in (401, 403):
        kind = CauseKind.REFUSED
    elif status >= 500:
        kind = CauseKind.SERVER_ERROR
    elif 200 <= status < 300:
        # A 2xx the step did not expect (none is): unreadable, for want of a better word.
        kind, detail = CauseKind.UNREADABLE, detail or "not an answer the step can use"
    else:
        kind = CauseKind.REJECTED
    return SetupCause(
        kind=kind,
        need=need.value,
        step=doing(spec, operation),
        identity=who(identities, response),
        operation=operation.operation_id,
        request=f"{response.request.method} {operation.path}",
        status=status,
        detail=detail if kind is CauseKind.UNREADABLE else None,
        seen=_seen(response),
    )


def identity_cause(spec: Contract, identities: Identities, exc: IdentityError) -> SetupCause:
    """The cause of an account the run could not make or log in (`IdentityError`)."""
    response = exc.response
    role = RoleName.SIGNUP if exc.step == "signup" else RoleName.TOKEN
    operation = spec.roles.get(role)
    if response is None or operation is None:
        return SetupCause(
            kind=CauseKind.UNAVAILABLE,
            need=Need.ACCOUNT.value,
            step=_ROLE_STEPS[role],
            identity=None,
            operation=operation.operation_id if operation is not None else None,
            request=None,
            status=None,
            detail=exc.message,
        )
    cause = cause_of(
        spec,
        identities,
        operation,
        response,
        Need.ACCOUNT,
        detail=exc.message if 200 <= response.status_code < 300 else None,
    )
    if role is RoleName.TOKEN:
        # The login sends no token: it is made as the new account all the same.
        return replace(cause, identity="a new account")
    return cause


def failed_step(cause: SetupCause) -> Skip:
    """The `Skip` that ends a check stopped by `cause`."""
    return Skip(f"set-up: {cause.text}", cause)
