"""Queries on accounts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.tables import Item, RefreshToken, User


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
