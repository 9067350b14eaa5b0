"""Writes only to what the run made: a guard on schemathesis's generated PATCH and DELETE.

Generated requests pick path ids at random or from boundaries (1, 2, ...). Against a
deployment that checks ownership, a foreign id is a harmless 404; against one that does
not (the very fault the run looks for), it would change or delete somebody else's data
on a shared environment. So before each generated request a change or a deletion whose
id the run did not create is pointed at an id that names nothing, and the creations the
run makes are noted as they are answered. Likewise a generated login for an email the
run did not make is sent for an address that has no account, so that the failures it
collects can never lock out somebody else's account.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import schemathesis

from .identities import Identities
from .spec import SpecIndex

if TYPE_CHECKING:
    from schemathesis import Case, HookContext, Response

__all__ = ["GUARDED_OPERATIONS", "NOWHERE", "WriteGuard", "install", "uninstall"]

# A valid id (inside int64) that no deployment has reached: what foreign ids become.
NOWHERE = 2**62 + 424242
_MAX_ID = 2**63 - 1

# Operations that change or delete a row, with the kind of row and its path parameter.
_GUARDED = {
    "updateItem": ("item", "item_id"),
    "deleteItem": ("item", "item_id"),
    "updateUser": ("user", "user_id"),
    "deleteUser": ("user", "user_id"),
}
GUARDED_OPERATIONS = tuple(_GUARDED)
_CREATES = {"createItem": "item", "createUser": "user"}


class WriteGuard:
    """Remembers the ids the run created and redirects generated writes to any other id."""

    def __init__(self, spec: SpecIndex, identities: Identities) -> None:
        self._identities = identities
        self._lock = threading.Lock()
        self._owned: dict[str, set[int]] = {"item": set(), "user": set()}
        self._guarded = {
            spec[operation_id].label: target
            for operation_id, target in _GUARDED.items()
            if operation_id in spec.operations
        }
        self._creates = {
            spec[operation_id].label: kind
            for operation_id, kind in _CREATES.items()
            if operation_id in spec.operations
        }
        self._login = spec["login"].label if "login" in spec.operations else None
        self.redirected = 0

    def owns(self, kind: str, row_id: int) -> bool:
        with self._lock:
            if row_id in self._owned[kind]:
                return True
        return kind == "user" and any(
            identity.user_id == row_id for identity in self._identities.created
        )

    def before_call(self, case: Case[Any]) -> None:
        if case.operation.label == self._login:
            self._guard_login(case)
            return
        target = self._guarded.get(case.operation.label)
        if target is None or not case.path_parameters:
            return
        kind, name = target
        row_id = _as_id(case.path_parameters.get(name))
        if row_id is not None and not self.owns(kind, row_id):
            case.path_parameters[name] = NOWHERE
            with self._lock:
                self.redirected += 1

    def _guard_login(self, case: Case[Any]) -> None:
        """Failed logins count against an account: never fail one the run did not make."""
        body = case.body
        if not isinstance(body, dict):
            return
        username = body.get("username")
        if not isinstance(username, str) or "@" not in username:
            return
        ours = {identity.email.lower() for identity in self._identities.created}
        if username.lower() not in ours:
            body["username"] = self._identities.email_for("nobody")
            with self._lock:
                self.redirected += 1

    def after_call(self, case: Case[Any], response: Response) -> None:
        kind = self._creates.get(case.operation.label)
        if kind is None or response.status_code != 201:
            return
        try:
            body = response.json()
        except ValueError:
            return
        row_id = body.get("id") if isinstance(body, dict) else None
        if isinstance(row_id, int):
            with self._lock:
                self._owned[kind].add(row_id)


def _as_id(value: object) -> int | None:
    """The row id a path value names, if it names one at all (negatives, 0, text do not)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 1 <= value <= _MAX_ID:
        return value
    return None


# Schemathesis's `before_call` hook exists only process-wide; it is registered once and
# asks whichever guard the current run installed.
_active: WriteGuard | None = None
_registered = False
_install_lock = threading.Lock()


def _before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    guard = _active
    if guard is not None:
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
