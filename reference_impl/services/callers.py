"""The per-request account check, in one place: an account that is gone or deactivated
stops its tokens at once (401), whichever statement read it."""

from __future__ import annotations

from typing import Protocol, TypeVar

from ..db.engine import Executor
from ..errors import InvalidAccessToken
from ..repositories.accounts import Account, Caller, read_account


class AccountFlags(Protocol):
    """What the check needs of an account as some statement read it."""

    @property
    def is_active(self) -> bool: ...
    @property
    def is_superuser(self) -> bool: ...


_Flags = TypeVar("_Flags", bound=AccountFlags)


def may_act(account: _Flags | None) -> _Flags:
    """The caller's account, if it may still act; raises `InvalidAccessToken` when it is
    gone (None) or deactivated."""
    if account is None or not account.is_active:
        raise InvalidAccessToken()
    return account


async def active_account(database: Executor, caller: Caller) -> Account:
    """The caller's account, read now; `InvalidAccessToken` when it may not act."""
    return may_act(await read_account(database, caller.id))
