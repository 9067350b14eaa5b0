"""`/api/v1/items`: items, each visible only to its owner and to superusers."""

from __future__ import annotations

from fastapi import Response

from generated.models import ItemCreate, ItemList, ItemResponse, ItemUpdate

from ..deps import CallerDep, ItemIdPath, ItemServiceDep, LimitQuery, SkipQuery
from .operations import Handlers
from .routing import API_PREFIX
from .validation import reject_nulls

handlers = Handlers()


@handlers.implements("listItems")
async def list_items(
    caller: CallerDep,
    response: Response,
    service: ItemServiceDep,
    skip: SkipQuery = 0,
    limit: LimitQuery = 100,
) -> ItemList:
    """A page of the caller's items (a superuser's: every item), ordered by id."""
    items, total = await service.page(caller, skip=skip, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return items


@handlers.implements("createItem")
async def create_item(
    body: ItemCreate, caller: CallerDep, response: Response, service: ItemServiceDep
) -> ItemResponse:
    """A new item owned by the caller."""
    item = await service.create(caller, body)
    response.headers["Location"] = f"{API_PREFIX}/items/{item.id}"
    return item


@handlers.implements("readItem")
async def read_item(
    item_id: ItemIdPath, caller: CallerDep, service: ItemServiceDep
) -> ItemResponse:
    """The item, for its owner or a superuser; 404 for anyone else."""
    return await service.get(caller, item_id)


@handlers.implements("updateItem")
async def update_item(
    item_id: ItemIdPath, body: ItemUpdate, caller: CallerDep, service: ItemServiceDep
) -> ItemResponse:
    """Change the fields given; `updated_at` is set."""
    reject_nulls(body, "title")
    return await service.update(caller, item_id, body)


@handlers.implements("deleteItem")
async def delete_item(item_id: ItemIdPath, caller: CallerDep, service: ItemServiceDep) -> None:
    """Delete the item; afterwards it is 404."""
    await service.delete(caller, item_id)
