"""Queries on accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from ..db.tables import Item, RefreshToken, User


@dataclass(frozen=True, slots=True)
class Account:
    """An account as read for one request: enough to authorize and to answer `/me`."""

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime


_ACCOUNT_COLUMNS = (
    User.id,
    User.email,
    User.full_name,
    User.is_active,
    User.is_superuser,
    User.created_at,
)
# Built once: the statement is on every authenticated request's path.
_ACCOUNT_BY_ID = select(*_ACCOUNT_COLUMNS).where(User.id == bindparam("user_id"))


async def read_account(connection: AsyncConnection, user_id: int) -> Account | None:
    """One primary-key read, outside any unit of work: the per-request account check."""
    row = (await connection.execute(_ACCOUNT_BY_ID, {"user_id": user_id})).first()
    if row is None:
        return None
    return Account(*row)


class UserRepository:
    """Accounts, within one session (one unit of work)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        """The account with this id, or None."""
        return await self.session.get(User, user_id)

    async def get_by_email(self, email: str) -> User | None:
        """The account with this email, compared the way the unique index compares."""
        statement = select(User).where(func.lower(User.email) == func.lower(email))
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page(self, *, skip: int, limit: int) -> tuple[Sequence[User], int]:
        """A page of accounts ordered by id, and how many there are in all."""
        total = await self.session.scalar(select(func.count()).select_from(User))
        rows = await self.session.scalars(select(User).order_by(User.id).offset(skip).limit(limit))
        return rows.all(), int(total or 0)

    def add(self, user: User) -> None:
        """Stage a new account; the unit of work's commit writes it."""
        self.session.add(user)

    async def delete_with_dependents(self, user_id: int) -> None:
        """Delete an account with its items and refresh tokens.

        The foreign keys cascade too; deleting explicitly keeps SQLite databases made
        without `PRAGMA foreign_keys` consistent as well.
        """
        await self.session.execute(delete(RefreshToken).where(RefreshToken.user_id == user_id))
        await self.session.execute(delete(Item).where(Item.owner_id == user_id))
        await self.session.execute(delete(User).where(User.id == user_id))
