"""The check registry: every check has a stable id, a family, a description and an OWASP category.

Contract checks are plain functions registered with `@check`; they all take one
`CheckContext` and either return (passed), raise `Failure` (failed) or raise `Skip`.
A check declares with `setup=` the steps it needs but does not judge (`Need`): when one
does not work, the check is skipped with the cause, never failed (docs/checks.md).
Schemathesis's own checks are registered here too (`generic.*`, run by schemathesis rather
than called), so that the catalogue, the waivers and the reports know every id.

Ids are `<family>.<slug>`, never renamed or reused: reports, waivers and the faulty-variant
matrix refer to them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from ..errors import DuplicateCheckError, InternalError

if TYPE_CHECKING:
    from .context import CheckContext
    from .targets import Targets

__all__ = [
    "REGISTRY",
    "RENAMED",
    "Check",
    "CheckFunction",
    "Family",
    "Need",
    "Owasp",
    "Registry",
    "check",
    "renamed_hint",
]

CheckFunction = Callable[["CheckContext"], None]

_ID = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


class Family(StrEnum):
    """The families of checks, in the order the reports list them."""

    GENERIC = "generic"
    WORKFLOWS = "workflows"
    AUTHN = "authn"
    AUTHZ = "authz"
    PROPERTIES = "properties"
    LIMITS = "limits"
    LOGIN = "login"
    CONFIG = "config"
    DRIFT = "drift"
    CONCURRENCY = "concurrency"

    @property
    def heading(self) -> str:
        return _FAMILY_TITLES[self]


_FAMILY_TITLES = {
    Family.GENERIC: "Generic conformance (schemathesis)",
    Family.WORKFLOWS: "Workflows",
    Family.AUTHN: "Authentication",
    Family.AUTHZ: "Authorization",
    Family.PROPERTIES: "Object properties",
    Family.LIMITS: "Limits",
    Family.LOGIN: "Login",
    Family.CONFIG: "Configuration",
    Family.DRIFT: "Drift of the served document",
    Family.CONCURRENCY: "Integrity under concurrency",
}


class Owasp(StrEnum):
    """The OWASP API Security Top 10 (2023) categories."""

    API1 = "API1:2023"
    API2 = "API2:2023"
    API3 = "API3:2023"
    API4 = "API4:2023"
    API5 = "API5:2023"
    API6 = "API6:2023"
    API7 = "API7:2023"
    API8 = "API8:2023"
    API9 = "API9:2023"
    API10 = "API10:2023"

    @property
    def heading(self) -> str:
        return _OWASP_TITLES[self]


_OWASP_TITLES = {
    Owasp.API1: "Broken Object Level Authorization",
    Owasp.API2: "Broken Authentication",
    Owasp.API3: "Broken Object Property Level Authorization",
    Owasp.API4: "Unrestricted Resource Consumption",
    Owasp.API5: "Broken Function Level Authorization",
    Owasp.API6: "Unrestricted Access to Sensitive Business Flows",
    Owasp.API7: "Server Side Request Forgery",
    Owasp.API8: "Security Misconfiguration",
    Owasp.API9: "Improper Inventory Management",
    Owasp.API10: "Unsafe Consumption of APIs",
}


class Need(StrEnum):
    """A step a check takes to get where it judges, without judging it.

    When the step does not work the check is skipped with the cause (`SetupCause`), not
    failed: its failure belongs to the checks that assert that step, if any.
    """

    ACCOUNT = "account"
    ROW = "row"
    OWN_ACCOUNT = "own-account"
    ACCESS = "access"
    ADMIN = "admin"
    SERVED = "served"

    @property
    def summary(self) -> str:
        """What the step is, for the catalogue."""
        return _NEED_TEXT[self][0]

    @property
    def skipped_when(self) -> str:
        """When the check is skipped rather than failed for it, for the catalogue."""
        return _NEED_TEXT[self][1]


_NEED_TEXT = {
    Need.ACCOUNT: (
        "accounts of the run's own, signed up through the sign-up role and logged in "
        "through the token role",
        "the spec has no usable sign-up or token operation, or signing up or logging in is "
        "refused or rejected, fails (5xx), or answers no token",
    ),
    Need.ROW: (
        "rows made through the create operation of each resource it judges (a nested "
        "one's parents first), as one of the run's accounts, with a body made from the "
        "spec's schema",
        "the create is refused (401, 403) or rejected (another 4xx), fails (5xx), or answers "
        "no JSON object with the row's id",
    ),
    Need.OWN_ACCOUNT: (
        "the account's own row, read through the accounts resource's read by id",
        "the sign-up answered no account id, or the read is refused, fails, or answers no "
        "JSON object",
    ),
    Need.ACCESS: (
        "the operation it judges open to the run's account: what it asserts (the input "
        "judged, a row made) is only seen past the caller's refusal",
        "the operation answers the run's account 401 or 403 (reserved to other accounts), "
        "or, for an answer it reads, anything but a 2xx",
    ),
    Need.ADMIN: (
        "admin credentials (`--admin-email`/`--admin-password`), used to read and to be "
        "refused, never to write",
        "none are given (the parts that need them are skipped)",
    ),
    Need.SERVED: (
        "the OpenAPI document the deployment serves (found under the spec's servers, or "
        "`--served-spec`)",
        "the deployment serves none where the run looks",
    ),
}


@dataclass(frozen=True, slots=True)
class Check:
    """One registered check.

    `func` is `None` for schemathesis's checks (`generic.*`), which schemathesis runs;
    `schemathesis_name` is then the name schemathesis knows it by. `operations` lists
    the operationIds the check exercises, for the per-operation summary. `risk` says in
    one plain sentence what a failure lets happen, for the reports' first lines (they fall
    back on a sentence per OWASP category without it). `waits` marks a check that spends
    most of its time waiting (for a token to expire) rather than asking: the runner starts
    it first, on a thread of its own, so that the others run meanwhile.
    """

    id: str
    description: str
    owasp: Owasp
    func: CheckFunction | None = None
    operations: tuple[str, ...] = ()
    needs_admin: bool = False
    schemathesis_name: str | None = None
    risk: str | None = None
    # The operations of a given spec it runs on (see targets.py); None: `operations`.
    targets: Targets | None = None
    # The steps it needs but does not judge: their failure skips it, with the cause.
    setup: tuple[Need, ...] = ()
    # Started first on a thread of its own (it waits, e.g. for a token to expire).
    waits: bool = False

    @property
    def family(self) -> Family:
        return Family(self.id.split(".", 1)[0])


class Registry:
    """An ordered set of checks keyed by id; registering an id twice is an error."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def add(self, item: Check) -> Check:
        if not _ID.match(item.id):
            raise InternalError(f"check id {item.id!r} is not of the form family.slug-words")
        try:
            item.family  # noqa: B018 (validates the family prefix)
        except ValueError:
            raise InternalError(f"check id {item.id!r} names no known family") from None
        if item.id in self._checks:
            raise DuplicateCheckError(item.id)
        self._checks[item.id] = item
        return item

    def get(self, check_id: str) -> Check:
        return self._checks[check_id]

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def __iter__(self) -> Iterator[Check]:
        return iter(sorted(self._checks.values(), key=_order))

    def __len__(self) -> int:
        return len(self._checks)

    def contract_checks(self) -> list[Check]:
        """The checks this toolkit runs itself (everything but `generic.*`)."""
        return [item for item in self if item.func is not None]

    def generic_checks(self) -> list[Check]:
        """Schemathesis's checks, by the id this toolkit reports them under."""
        return [item for item in self if item.schemathesis_name is not None]

    def by_schemathesis_name(self, name: str) -> Check | None:
        for item in self._checks.values():
            if item.schemathesis_name == name:
                return item
        return None

    def check(
        self,
        check_id: str,
        *,
        description: str,
        owasp: Owasp,
        operations: tuple[str, ...] = (),
        needs_admin: bool = False,
        risk: str | None = None,
        targets: Targets | None = None,
        setup: tuple[Need, ...] = (),
        waits: bool = False,
    ) -> Callable[[CheckFunction], CheckFunction]:
        """Register the decorated function as the check `check_id`."""

        def decorator(func: CheckFunction) -> CheckFunction:
            self.add(
                Check(
                    id=check_id,
                    description=description,
                    owasp=owasp,
                    func=func,
                    operations=operations,
                    needs_admin=needs_admin,
                    risk=risk,
                    targets=targets,
                    setup=tuple(dict.fromkeys((*setup, *((Need.ADMIN,) if needs_admin else ())))),
                    waits=waits,
                )
            )
            return func

        return decorator


def _order(item: Check) -> tuple[int, str]:
    return (list(Family).index(item.family), item.id)


REGISTRY = Registry()
check = REGISTRY.check

# Ids that were renamed when their check came to cover every resource of any spec (the
# meaning widened), old -> new: waivers and --check naming an old id are told the new one.
RENAMED = {
    "authz.item-read-cross-user": "authz.read-cross-user",
    "authz.item-update-cross-user": "authz.update-cross-user",
    "authz.item-delete-cross-user": "authz.delete-cross-user",
    "authz.item-list-isolation": "authz.list-isolation",
    "workflows.item-create-read": "workflows.create-read",
    "workflows.item-patch-read": "workflows.patch-read",
    "workflows.item-delete-read": "workflows.delete-read",
    "workflows.item-list-contains": "workflows.list-contains",
    "workflows.item-list-pagination": "workflows.list-pagination",
    "properties.item-mass-assignment": "properties.mass-assignment",
    "concurrency.duplicate-signup": "concurrency.duplicate-creates",
}


def renamed_hint(check_id: object) -> str:
    """ " (renamed: now `new`)" for an old id, else ""."""
    new = RENAMED.get(check_id) if isinstance(check_id, str) else None
    return f" (renamed: it is now {new!r})" if new else ""
