"""The HTTP layer: the handlers of every operation, bound to the spec's routes at start-up,
the contract's request handling and its error answers."""

from __future__ import annotations

from . import auth, health, items, users
from .operations import Handlers


def all_handlers() -> Handlers:
    """The handlers of every operation of the contract."""
    return health.handlers.merged(auth.handlers, users.handlers, items.handlers)
