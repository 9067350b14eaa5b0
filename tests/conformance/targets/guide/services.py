"""The services the guide's endpoints call (`UserService`, listed but not shown there).

Written the way the guide's repositories invite: request models dumped into the table,
password hashed on the event loop, no case folding of emails.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from .config import Settings
from .models import Item, User
from .repositories import ItemRepository, UserRepository
from .schemas import ItemCreate, ItemUpdate, UserCreate, UserUpdate
from .security import get_password_hash, verify_password


class UserService:
    def __init__(self, db: AsyncSession, settings: Settings):
        self.repository = UserRepository(db)
        self.settings = settings

    async def get_user(self, user_id: int) -> User | None:
        return await self.repository.get(user_id)

    async def get_by_email(self, email: str) -> User | None:
        return await self.repository.get_by_email(email)

    async def get_users(self, *, skip: int = 0, limit: int = 100) -> list[User]:
        return await self.repository.get_multi(skip=skip, limit=limit)

    async def create_user(self, user_in: UserCreate, *, is_superuser: bool = False) -> User:
        data = user_in.model_dump(exclude={"password"})
        data["hashed_password"] = get_password_hash(user_in.password, self.settings)
        data["is_superuser"] = is_superuser
        return await self.repository.create(data)

    async def update_user(self, user_id: int, user_in: UserUpdate) -> User | None:
        data = user_in.model_dump(exclude_unset=True)
        if "password" in data:
            data["hashed_password"] = get_password_hash(data.pop("password"), self.settings)
        return await self.repository.update(user_id, data)

    async def delete_user(self, user_id: int) -> bool:
        return await self.repository.delete(user_id)

    async def authenticate(self, email: str, password: str) -> User | None:
        user = await self.repository.get_by_email(email)
        if not user:
            return None
        if not verify_password(password, user.hashed_password):
            return None
        return user


class ItemService:
    def __init__(self, db: AsyncSession):
        self.repository = ItemRepository(db)

    async def get_item(self, item_id: int) -> Item | None:
        return await self.repository.get(item_id)

    async def get_items(self, *, skip: int = 0, limit: int = 100) -> list[Item]:
        return await self.repository.get_multi(skip=skip, limit=limit)

    async def get_user_items(self, owner_id: int, *, skip: int = 0, limit: int = 100) -> list[Item]:
        return await self.repository.get_multi_by_owner(owner_id, skip=skip, limit=limit)

    async def create_item(self, item_in: ItemCreate, owner_id: int) -> Item:
        return await self.repository.create({**item_in.model_dump(), "owner_id": owner_id})

    async def update_item(self, item_id: int, item_in: ItemUpdate) -> Item | None:
        return await self.repository.update(item_id, item_in.model_dump(exclude_unset=True))

    async def delete_item(self, item_id: int) -> bool:
        return await self.repository.delete(item_id)
