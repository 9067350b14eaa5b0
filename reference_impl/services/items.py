"""Items: each visible only to its owner and to superusers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from generated.models import ItemCreate, ItemUpdate

from ..db.tables import Item
from ..db.types import utc_now
from ..errors import InvalidAccessToken, ItemNotFound
from ..repositories.accounts import Account
from ..repositories.items import ItemRepository


def _owner_filter(caller: Account) -> int | None:
    return None if caller.is_superuser else caller.id


class ItemService:
    """One item operation, as one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.items = ItemRepository(session)

    async def page(self, caller: Account, *, skip: int, limit: int) -> tuple[Sequence[Item], int]:
        """A page of the caller's items (a superuser's: everyone's)."""
        return await self.items.page(owner_id=_owner_filter(caller), skip=skip, limit=limit)

    async def create(self, caller: Account, data: ItemCreate) -> Item:
        """A new item owned by the caller."""
        item = Item(
            title=data.title,
            description=data.description,
            owner_id=caller.id,
            created_at=utc_now(),
            updated_at=None,
        )
        self.items.add(item)
        try:
            await self.session.commit()
        except IntegrityError as exc:
            # The caller's account was deleted after its token was checked.
            await self.session.rollback()
            raise InvalidAccessToken() from exc
        return item

    async def get(self, caller: Account, item_id: int) -> Item:
        """An item the caller may see; anyone else's is as absent as a missing one."""
        item = await self.items.get(item_id, owner_id=_owner_filter(caller))
        if item is None:
            raise ItemNotFound()
        return item

    async def update(self, caller: Account, item_id: int, data: ItemUpdate) -> Item:
        """Change the fields given, and stamp `updated_at`."""
        item = await self.get(caller, item_id)
        changes = data.model_fields_set
        if "title" in changes and data.title is not None:
            item.title = data.title
        if "description" in changes:
            item.description = data.description
        if changes:
            item.updated_at = utc_now()
        try:
            await self.session.commit()
        except StaleDataError as exc:
            # Deleted by another request after this one read it: as absent as any other.
            await self.session.rollback()
            raise ItemNotFound() from exc
        return item

    async def delete(self, caller: Account, item_id: int) -> None:
        """Delete an item the caller may see."""
        item = await self.get(caller, item_id)
        await self.items.delete(item.id)
        await self.session.commit()
