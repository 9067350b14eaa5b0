"""Queries on items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.tables import Item


class ItemRepository:
    """Items, within one session (one unit of work)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, item_id: int, *, owner_id: int | None) -> Item | None:
        """The item with this id; with `owner_id`, only if that account owns it."""
        statement = select(Item).where(Item.id == item_id)
        if owner_id is not None:
            statement = statement.where(Item.owner_id == owner_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def page(
        self, *, owner_id: int | None, skip: int, limit: int
    ) -> tuple[Sequence[Item], int]:
        """A page of items ordered by id (one owner's, or all), and how many in all."""
        count: Select[int] = select(func.count()).select_from(Item)
        rows = select(Item).order_by(Item.id).offset(skip).limit(limit)
        if owner_id is not None:
            count = count.where(Item.owner_id == owner_id)
            rows = rows.where(Item.owner_id == owner_id)
        total = await self.session.scalar(count)
        return (await self.session.scalars(rows)).all(), int(total or 0)

    def add(self, item: Item) -> None:
        """Stage a new item; the unit of work's commit writes it."""
        self.session.add(item)

    async def delete(self, item_id: int) -> None:
        """Delete the item with this id."""
        await self.session.execute(delete(Item).where(Item.id == item_id))
