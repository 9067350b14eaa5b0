"""The guide's repositories: `get_multi` pages with whatever `limit` it is given."""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Item, User

ModelType = TypeVar("ModelType", User, Item)


class BaseRepository(Generic[ModelType]):
    def __init__(self, model: type[ModelType], session: AsyncSession):
        self.model: type[ModelType] = model
        self.session = session

    async def get(self, id: int) -> ModelType | None:
        result = await self.session.execute(select(self.model).where(self.model.id == id))
        return result.scalar_one_or_none()

    async def get_multi(self, *, skip: int = 0, limit: int = 100) -> list[ModelType]:
        result = await self.session.execute(select(self.model).offset(skip).limit(limit))
        return list(result.scalars().all())

    async def create(self, obj_in: dict[str, Any]) -> ModelType:
        db_obj: ModelType = self.model(**obj_in)
        self.session.add(db_obj)
        await self.session.flush()
        await self.session.refresh(db_obj)
        return db_obj

    async def update(self, id: int, obj_in: dict[str, Any]) -> ModelType | None:
        await self.session.execute(update(self.model).where(self.model.id == id).values(**obj_in))
        return await self.get(id)

    async def delete(self, id: int) -> bool:
        result = await self.session.execute(delete(self.model).where(self.model.id == id))
        return cast(CursorResult[Any], result).rowcount > 0


class UserRepository(BaseRepository[User]):
    def __init__(self, session: AsyncSession):
        super().__init__(User, session)

    async def get_by_email(self, email: str) -> User | None:
        result = await self.session.execute(select(User).where(User.email == email))
        return result.scalar_one_or_none()


class ItemRepository(BaseRepository[Item]):
    def __init__(self, session: AsyncSession):
        super().__init__(Item, session)

    async def get_multi_by_owner(
        self, owner_id: int, *, skip: int = 0, limit: int = 100
    ) -> list[Item]:
        result = await self.session.execute(
            select(Item).where(Item.owner_id == owner_id).offset(skip).limit(limit)
        )
        return list(result.scalars().all())
