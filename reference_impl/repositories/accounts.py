"""The per-request account check: one primary-key read through the database's one pool.

Every authenticated request reads its account afresh (so that a deactivated or deleted
account stops working at once), which makes this the hottest query of the service: one
Core statement, compiled once, one round trip (see `Database.fetch_one`), mapped to an
`Account` in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from ..db.engine import Database
from ..db.tables import User


@dataclass(frozen=True, slots=True)
class Caller:
    """The account a verified access token speaks for, not read yet: an operation that
    reads it in its own statement (the item operations) takes this."""

    id: int


@dataclass(frozen=True, slots=True)
class Account:
    """An account as read for one request: enough to authorize and to answer `/me`."""

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime


_BY_ID = select(
    User.id, User.email, User.full_name, User.is_active, User.is_superuser, User.created_at
).where(User.id == bindparam("user_id"))


async def read_account(database: Database, user_id: int) -> Account | None:
    """The account with this id, or None."""
    row = await database.fetch_one(_BY_ID, {"user_id": user_id})
    return None if row is None else Account(*row)
