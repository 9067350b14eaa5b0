"""Items: each visible only to its owner and to superusers."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from generated.models import ItemCreate, ItemList, ItemResponse, ItemUpdate

from ..db.engine import Database
from ..db.types import utc_now
from ..errors import InvalidAccessToken, ItemNotFound
from ..repositories.accounts import Account
from ..repositories.items import ItemRepository


def _owner_filter(caller: Account) -> int | None:
    return None if caller.is_superuser else caller.id


class ItemService:
    """Item operations; each is one statement, so each is atomic on its own."""

    def __init__(self, database: Database) -> None:
        self.items = ItemRepository(database)

    async def page(self, caller: Account, *, skip: int, limit: int) -> tuple[ItemList, int]:
        """A page of the caller's items (a superuser's: everyone's)."""
        return await self.items.page(owner_id=_owner_filter(caller), skip=skip, limit=limit)

    async def create(self, caller: Account, data: ItemCreate) -> ItemResponse:
        """A new item owned by the caller."""
        values = {
            "title": data.title,
            "description": data.description,
            "owner_id": caller.id,
            "created_at": utc_now(),
            "updated_at": None,
        }
        try:
            return await self.items.add(values)
        except IntegrityError as exc:
            # The caller's account was deleted after its token was checked.
            raise InvalidAccessToken() from exc

    async def get(self, caller: Account, item_id: int) -> ItemResponse:
        """An item the caller may see; anyone else's is as absent as a missing one."""
        item = await self.items.get(item_id, owner_id=_owner_filter(caller))
        if item is None:
            raise ItemNotFound()
        return item

    async def update(self, caller: Account, item_id: int, data: ItemUpdate) -> ItemResponse:
        """Change the fields given, and stamp `updated_at`."""
        changes = data.model_fields_set
        values: dict[str, object] = {}
        if "title" in changes and data.title is not None:
            values["title"] = data.title
        if "description" in changes:
            values["description"] = data.description
        if not changes:
            return await self.get(caller, item_id)
        values["updated_at"] = utc_now()
        item = await self.items.update(item_id, owner_id=_owner_filter(caller), values=values)
        if item is None:
            raise ItemNotFound()
        return item

    async def delete(self, caller: Account, item_id: int) -> None:
        """Delete an item the caller may see."""
        if not await self.items.delete(item_id, owner_id=_owner_filter(caller)):
            raise ItemNotFound()
