"""The tracker's planted faults, and which of them the app serving this request has.

Django's settings, models and URLconf are process-global, so one process serves every
variant: each app made by `create_app` sets its own state (its database alias and its
faults) in a context variable for the requests it serves, and the views ask `active()`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

__all__ = ["FAULTS", "AppState", "active", "current"]

# Each name breaks one clause of the API (checked with `active(name)` in the views).
FAULTS = frozenset(
    {
        # Ownership: one test forgotten per operation.
        "project-list-shows-all",  # the project list shows other accounts' private projects
        "project-read-any",  # retrieve answers another account's private project
        "project-update-any",  # a non-owner updates a public project (not 403)
        "project-delete-any",  # a non-owner deletes a public project (not 403)
        "archive-any",  # a non-owner archives a public project through the action (not 403)
        "task-read-any",  # a task of another account's private project is answered (not 404)
        "task-edit-any",  # a non-owner updates a task of a public project (not 403)
        # Authentication.
        "unknown-token-accepted",  # an unknown token key authenticates as the first account
        "inactive-token-accepted",  # the token of a closed (inactive) account still works
        "any-password-accepted",  # the token endpoint answers a token whatever the password
        "unauthenticated-403",  # SessionAuthentication first: no credentials is 403, not 401
        # Data.
        "password-hash-answered",  # the current user is answered with its password hash
        "task-update-lost",  # a task update answers the change but stores nothing
        "project-delete-noop",  # a project delete answers 204 and keeps the project
        "page-size-ignored",  # `page_size` is ignored: pages are always 10 long
        "status-filter-ignored",  # the task list ignores `?status=`
        "priority-default-ignored",  # a task created without `priority` gets 1, not 3
        "deleted-project-tasks-served",  # a deleted project's tasks are still served
    }
)


@dataclass(frozen=True)
class AppState:
    """What one app instance serves with: its database alias and its faults."""

    alias: str
    faults: frozenset[str]


_CURRENT: ContextVar[AppState | None] = ContextVar("tracker_app", default=None)


def current() -> ContextVar[AppState | None]:
    """The variable the app sets around each request it serves."""
    return _CURRENT


def active(name: str) -> bool:
    """Whether the app serving this request plants the fault `name`."""
    assert name in FAULTS, name
    state = _CURRENT.get()
    return state is not None and name in state.faults
