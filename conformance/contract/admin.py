"""What a spec reserves to its administrators, and where it lets them reach other users' rows.

No OpenAPI field says "administrators only", so both are read from what a spec does say:

- An operation is *reserved* to administrators when it documents 403 although nothing
  in it is anyone's own: its path names no row (a refusal there cannot mean "not yours"),
  it plays no role of an account's life, and it is not the listing of what a plain user
  creates. The bundled spec's account listing is one. Only reads are listed: a plain user
  is sent them to be refused, and a write that should have been refused would change the
  deployment.
- An administrator *reaches* other users' rows through an operation whose prose (summary,
  description, responses) names an administrator: "the owner or a superuser".

Nothing here names an operation; `conformance inspect` shows the result per check.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Contract, Operation
    from .resources import Resource

__all__ = ["admin_lists", "admin_only", "admin_reads", "names_admin"]

_ADMIN = re.compile(r"\b(super[ -]?users?|admins?|administrators?)\b", re.I)


def names_admin(operation: Operation) -> bool:
    """Whether the operation's prose speaks of an administrator."""
    return bool(_ADMIN.search(operation.prose))


def admin_only(contract: Contract) -> list[Operation]:
    """The reads a plain user must be refused (403): see the module's docstring."""
    roles = {id(role.operation) for role in contract.roles.roles.values() if role.operation}
    owned = {
        id(resource.listing)
        for resource in contract.resources
        if resource.listing is not None
        and resource.create is not None
        and resource.name != contract.roles.account_resource
    }
    return [
        operation
        for operation in contract
        if operation.method == "get"
        and operation.secured
        and "403" in operation.statuses
        and not operation.path_parameters
        and id(operation) not in roles | owned
    ]


def admin_reads(contract: Contract) -> list[Resource]:
    """The resources whose read lets an administrator see another user's row."""
    return [
        resource
        for resource in contract.resources
        if resource.read is not None and names_admin(resource.read)
    ]


def admin_lists(contract: Contract) -> list[Resource]:
    """The resources whose listing shows an administrator every user's rows."""
    return [
        resource
        for resource in contract.resources
        if resource.listing is not None and names_admin(resource.listing)
    ]
