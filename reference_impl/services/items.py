"""Items: each visible only to its owner and to superusers."""

from __future__ import annotations

from generated.models import ItemCreate, ItemList, ItemResponse, ItemUpdate

from ..db.engine import Database
from ..db.types import utc_now
from ..errors import InvalidAccessToken, ItemNotFound
from ..repositories.accounts import Caller, read_account
from ..repositories.items import ItemRepository
from .callers import AccountFlags, may_act


class ItemService:
    """Item operations for a caller whose token is verified but whose account is read by
    each operation's own statement (one round trip for an owner's operation)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.items = ItemRepository(database)

    async def page(self, caller: Caller, *, skip: int, limit: int) -> tuple[ItemList, int]:
        """A page of the caller's items (a superuser's: everyone's)."""
        state, items, total = await self.items.page_own(caller_id=caller.id, skip=skip, limit=limit)
        if self._reaches_all(state):
            return await self.items.page(skip=skip, limit=limit)
        return items, total

    async def create(self, caller: Caller, data: ItemCreate) -> ItemResponse:
        """A new item owned by the caller."""
        values = {
            "title": data.title,
            "description": data.description,
            "created_at": utc_now(),
            "updated_at": None,
        }
        item = await self.items.add(values, caller_id=caller.id)
        if item is None:
            raise InvalidAccessToken()  # The caller's account is gone or inactive.
        return item

    async def get(self, caller: Caller, item_id: int) -> ItemResponse:
        """An item the caller may see; anyone else's is as absent as a missing one."""
        state, item = await self.items.get_own(item_id, caller_id=caller.id)
        if self._reaches_all(state) and item is None:
            item = await self.items.get(item_id)
        if item is None:
            raise ItemNotFound()
        return item

    async def update(self, caller: Caller, item_id: int, data: ItemUpdate) -> ItemResponse:
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
        item = await self.items.update_own(item_id, caller_id=caller.id, values=values)
        if item is None and self._reaches_all(await read_account(self.database, caller.id)):
            item = await self.items.update(item_id, values=values)
        if item is None:
            raise ItemNotFound()
        return item

    async def delete(self, caller: Caller, item_id: int) -> None:
        """Delete an item the caller may see."""
        deleted = await self.items.delete_own(item_id, caller_id=caller.id)
        if not deleted and self._reaches_all(await read_account(self.database, caller.id)):
            deleted = await self.items.delete(item_id)
        if not deleted:
            raise ItemNotFound()

    def _reaches_all(self, account: AccountFlags | None) -> bool:
        """Whether the caller reaches everyone's items (a superuser does); 401 for an
        account that is gone or deactivated.

        When a write of the caller's own item changed nothing, the account is read on its
        own to tell a gone or inactive caller (401) from someone else's item or none (404).
        """
        return may_act(account).is_superuser
