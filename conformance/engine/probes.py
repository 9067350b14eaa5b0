"""Requests a check may send to any operation of a spec without changing anyone's data.

A check that judges what every answer carries (a header, a refusal, an error body) needs
one request per operation that the operation would answer but that writes nothing that
is not the run's own: path ids that name no row (as the write guard's do), bodies sampled
from the schema, logins for accounts that do not exist, and no valid body at all for a
public create (a sign-up would make an account the run does not track).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..contract import Operation, RoleName, accounts, schemas
from .context import CheckContext
from .guard import nowhere
from .identities import Identity

__all__ = ["Probe", "harmless_probes", "nowhere_path", "probe_request"]

# A body of the wrong type: refused by any schema of an object, so nothing is created.
NOT_AN_OBJECT: list[Any] = []


@dataclass(frozen=True, slots=True)
class Probe:
    """One request: as whom (anonymous when None), and what `CheckContext.send` takes."""

    as_: Identity | None
    request: dict[str, Any] = field(default_factory=dict)


def nowhere_path(ctx: CheckContext, operation: Operation) -> dict[str, object]:
    """Path parameters that name no row (ids of nothing), the others sampled."""
    named = dict(ctx.spec.rows_named(operation))
    return {
        parameter.name: nowhere(named[parameter.name])
        if parameter.name in named
        else schemas.sample(parameter.schema, hint="cf-probe")
        for parameter in operation.path_parameters
    }


def probe_request(ctx: CheckContext, operation: Operation) -> dict[str, Any]:
    """A request the operation would accept but for its credentials: valid body, ids of nothing.

    Path ids name no row, so that a deployment that ignores the credential changes
    nothing of anyone's.
    """
    request: dict[str, Any] = {"path": nowhere_path(ctx, operation)}
    if operation.body is not None:
        body = schemas.sample(operation.body.fields, hint=f"cf-{ctx.identities.run_tag}-probe")
        request["data" if operation.body.is_form else "json"] = body
    return request


def _creates(ctx: CheckContext, operation: Operation) -> bool:
    return operation is ctx.spec.roles.get(RoleName.SIGNUP) or any(
        resource.create is operation for resource in ctx.spec.resources
    )


def harmless_probes(ctx: CheckContext, operation: Operation, user: Identity | None) -> list[Probe]:
    """Requests that change nothing but the run's own data: anonymous first, then as `user`
    (when there is one).

    - the token operation: a login for an account that does not exist;
    - any other public operation: its probe request, except that a create (a sign-up)
      gets a body that is not an object, so that it makes nothing;
    - a secured operation: its probe request without credentials (a refusal), and as
      `user` when that is harmless too: a read, a write to ids of nothing, or a create
      of the user's own.
    """
    roles = ctx.spec.roles
    if operation is roles.get(RoleName.TOKEN):
        call = accounts.token_call(
            roles, ctx.identities.email_for("nobody"), accounts.password_for(roles)
        )
        if call is None:
            return []
        return [Probe(None, {("data" if call.form else "json"): call.body})]
    probe = probe_request(ctx, operation)
    if not operation.secured:
        if _creates(ctx, operation) and operation.body is not None:
            probe = {**probe, "json": NOT_AN_OBJECT}
            probe.pop("data", None)
        return [Probe(None, probe)]
    found = [Probe(None, probe)]
    if user is not None and (
        operation.method == "get" or ctx.spec.rows_named(operation) or _creates(ctx, operation)
    ):
        found.append(Probe(user, probe))
    return found
