"""The account as a request sees it, and the per-request account check.

Every authenticated request reads its account afresh (so that a deactivated or deleted
account stops working at once), which makes this the hottest query of the service: one
Core statement, compiled once, one round trip (see `Database.fetch_one`). Rows of
accounts become an `Account` in one place, `account_of`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select

from ..db.engine import Executor
from ..db.tables import User


@dataclass(frozen=True, slots=True)
class Caller:
    """The account a verified access token speaks for, not read yet: an operation that
    reads it in its own statement (the item operations) takes this."""

    id: int


@dataclass(frozen=True, slots=True)
class Account:
    """An account as read for one request: enough to authorize and to answer with."""

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime


# The columns of an `Account`, in its fields' order.
ACCOUNT_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.is_active,
    User.is_superuser,
    User.created_at,
)
_BY_ID = select(*ACCOUNT_COLUMNS).where(User.id == bindparam("user_id"))


def account_of(row: Sequence[Any]) -> Account:
    """The `Account` of a row that starts with `ACCOUNT_COLUMNS`."""
    return Account(row[0], row[1], row[2], bool(row[3]), bool(row[4]), row[5])


async def read_account(database: Executor, user_id: int) -> Account | None:
    """The account with this id, or None."""
    row = await database.fetch_one(_BY_ID, {"user_id": user_id})
    return None if row is None else account_of(row)
