"""Writes only to what the run made: a guard on schemathesis's generated writes.

Generated requests pick path ids at random or from boundaries (1, 2, ...). Against a
deployment that checks ownership, a foreign id is a harmless 404; against one that does
not (the very fault the run looks for), it would change or delete somebody else's data
on a shared environment. So before each generated request, a write (POST, PUT, PATCH,
DELETE) whose path names a row of a resource the run did not create is pointed at an id
that names nothing, and the creations the run makes are noted as they are answered. The
resources, their id parameters and id types come from the contract model, so the guard
covers every resource of any spec, nested ones through their parents' ids included.
Likewise a generated login for an account the run did not make is sent for one that does
not exist, so that the failures it collects can never lock out somebody else's account.
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

import schemathesis
from schemathesis.core.parameters import ParameterLocation

from ..contract import Contract, Resource, RoleName
from ..contract.resources import WRITES
from .identities import Identities
from .ledger import Ledger

if TYPE_CHECKING:
    from schemathesis import Case, HookContext, Response

__all__ = ["NOWHERE", "WriteGuard", "install", "nowhere", "uninstall"]

# A valid id (inside int64) that no deployment has reached: what foreign ids become.
NOWHERE = 2**62 + 424242
_MAX_ID = 2**63 - 1


def nowhere(resource: Resource) -> object:
    """An id of the resource's type that names nothing."""
    if resource.id_type == "integer":
        return NOWHERE
    if resource.id_type == "uuid":
        return str(uuid.UUID(int=NOWHERE))
    return "cf-nowhere-424242"


class WriteGuard:
    """Remembers the ids the run created and redirects generated writes to any other id."""

    def __init__(self, spec: Contract, identities: Identities, ledger: Ledger) -> None:
        self._identities = identities
        self._ledger = ledger
        self._lock = threading.Lock()
        self._owned: dict[str, set[str]] = {resource.name: set() for resource in spec.resources}
        self._account = spec.roles.account_resource
        # Per write operation: its path parameters that name a row, and whose row.
        self._guarded: dict[str, list[tuple[str, Resource]]] = {}
        for operation in spec:
            named = spec.rows_named(operation)
            if operation.method in WRITES and named:
                self._guarded[operation.label] = named
        self._creates = {
            resource.create.label: (resource.name, resource.create)
            for resource in spec.resources
            if resource.create is not None
        }
        self._id_fields = {resource.name: resource.id_field for resource in spec.resources}
        self._id_params = {resource.name: resource.id_param for resource in spec.resources}
        token = spec.roles.get(RoleName.TOKEN)
        creds = spec.roles.credentials
        self._login = token
        self._login_field = creds.token_identifier if creds is not None else None
        self.redirected = 0

    def owns(self, kind: str, row_id: object) -> bool:
        with self._lock:
            if str(row_id) in self._owned.get(kind, set()):
                return True
        return kind == self._account and self._identities.owns_account(row_id)

    def before_call(self, case: Case[Any]) -> None:
        if self._login is not None and case.operation.label == self._login.label:
            self._guard_login(case)
            return
        guarded = self._guarded.get(case.operation.label)
        if guarded is None or not case.path_parameters:
            return
        for name, resource in guarded:
            value = case.path_parameters.get(name)
            if _names_a_row(value, resource) and not self.owns(resource.name, value):
                _redirect(case, name, nowhere(resource))
                with self._lock:
                    self.redirected += 1

    def _guard_login(self, case: Case[Any]) -> None:
        """Failed logins count against an account: never fail one the run did not make."""
        body = case.body
        if self._login is not None and self._login.body is not None:
            # The fields, inside the body's wrapper where it has one (`{"user": {...}}`).
            body = self._login.body.unwrap(body)
        if not isinstance(body, dict) or self._login_field is None:
            return
        identifier = body.get(self._login_field)
        if not isinstance(identifier, str) or not identifier:
            return
        ours = {identity.email.lower() for identity in self._identities.created}
        if identifier.lower() not in ours:
            body[self._login_field] = self._identities.email_for("nobody")
            with self._lock:
                self.redirected += 1

    def after_call(self, case: Case[Any], response: Response) -> None:
        found = self._creates.get(case.operation.label)
        if found is None or not 200 <= response.status_code < 300:
            return
        kind, create = found
        try:
            body = create.unwrap(response.status_code, response.json())
        except ValueError:
            return
        row_id = body.get(self._id_fields[kind]) if isinstance(body, dict) else None
        if isinstance(row_id, int | str) and not isinstance(row_id, bool):
            with self._lock:
                self._owned[kind].add(str(row_id))
            id_param = self._id_params[kind]
            if id_param is not None:
                path = {**(case.path_parameters or {}), id_param: row_id}
                self._ledger.note(kind, path, self._identities.by_token(self._token(response)))

    def _token(self, response: Response) -> str:
        """The credential a request was sent with (set by the auth provider, not the case)."""
        request = response.request
        headers = {str(key): str(value) for key, value in request.headers.items()}
        return self._identities.presentation.read(headers, str(request.url or ""))


def _redirect(case: Case[Any], name: str, value: object) -> None:
    """Point the path parameter `name` elsewhere, as generated data, not as a link's value.

    Schemathesis tells a link's values from generated ones by comparing each case with the
    copy it kept when the case was generated; `ensure_resource_availability` judges a 404
    only when every parameter came from a link. A redirected id is still generated data, so
    the kept copy is redirected with it (when the value was the generated one): otherwise
    a sequence's step with a random parent id, redirected here, reads as a created object
    served back as 404.
    """
    original = case.path_parameters[name]
    case.path_parameters[name] = value
    kept = getattr(case, "_components", {}).get(ParameterLocation.PATH)
    generated = getattr(kept, "value", None)
    if isinstance(generated, dict) and generated.get(name) == original:
        generated[name] = value


def _names_a_row(value: object, resource: Resource) -> bool:
    """Whether a path value could name an existing row (negatives, 0, junk cannot)."""
    if value is None or isinstance(value, bool):
        return False
    if resource.id_type == "integer":
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        return isinstance(value, int) and 1 <= value <= _MAX_ID
    if resource.id_type == "uuid":
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True
    return str(value) != ""


# Schemathesis's `before_call` hook exists only process-wide; it is registered once and
# asks whichever guard the current run installed.
_active: WriteGuard | None = None
_registered = False
_install_lock = threading.Lock()


_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _no_null_in_forms(case: Case[Any]) -> None:
    """A form has no null: a generated null (of a nullable field) is sent as the field's
    absence, not as the text "null" that no server reads as null."""
    if case.media_type in _FORMS and isinstance(case.body, dict):
        for name in [name for name, value in case.body.items() if value is None]:
            del case.body[name]


def _before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    guard = _active
    if guard is not None:
        _no_null_in_forms(case)
        guard.before_call(case)


def _after_call(context: HookContext, case: Case[Any], response: Response) -> None:
    guard = _active
    if guard is not None:
        guard.after_call(case, response)


def install(guard: WriteGuard) -> None:
    """Make `guard` watch every request schemathesis sends, until `uninstall`."""
    global _active, _registered
    with _install_lock:
        if not _registered:
            schemathesis.hook("before_call")(_before_call)
            schemathesis.hook("after_call")(_after_call)
            _registered = True
        _active = guard


def uninstall() -> None:
    global _active
    with _install_lock:
        _active = None
