"""`/api/v1/items`: items, each visible only to its owner and to superusers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from generated.models import ItemCreate, ItemList, ItemResponse, ItemUpdate

from ..deps import CurrentUser, ItemIdPath, ItemServiceDep, LimitQuery, SkipQuery
from .routing import API_PREFIX, ContractRoute
from .validation import reject_nulls

router = APIRouter(prefix=f"{API_PREFIX}/items", tags=["items"], route_class=ContractRoute)


@router.get("/", operation_id="listItems", summary="List items")
async def list_items(
    caller: CurrentUser,
    response: Response,
    service: ItemServiceDep,
    skip: SkipQuery = 0,
    limit: LimitQuery = 100,
) -> ItemList:
    """A page of the caller's items (a superuser's: every item), ordered by id."""
    items, total = await service.page(caller, skip=skip, limit=limit)
    response.headers["X-Total-Count"] = str(total)
    return ItemList.model_validate(items, from_attributes=True)


@router.post("/", operation_id="createItem", status_code=201, summary="Create an item")
async def create_item(
    body: ItemCreate, caller: CurrentUser, response: Response, service: ItemServiceDep
) -> ItemResponse:
    """A new item owned by the caller."""
    item = await service.create(caller, body)
    response.headers["Location"] = f"{API_PREFIX}/items/{item.id}"
    return ItemResponse.model_validate(item, from_attributes=True)


@router.get("/{item_id:id}", operation_id="readItem", summary="Read an item")
async def read_item(
    item_id: ItemIdPath, caller: CurrentUser, service: ItemServiceDep
) -> ItemResponse:
    """The item, for its owner or a superuser; 404 for anyone else."""
    item = await service.get(caller, item_id)
    return ItemResponse.model_validate(item, from_attributes=True)


@router.patch("/{item_id:id}", operation_id="updateItem", summary="Change an item")
async def update_item(
    item_id: ItemIdPath, body: ItemUpdate, caller: CurrentUser, service: ItemServiceDep
) -> ItemResponse:
    """Change the fields given; `updated_at` is set."""
    reject_nulls(body, "title")
    item = await service.update(caller, item_id, body)
    return ItemResponse.model_validate(item, from_attributes=True)


@router.delete(
    "/{item_id:id}", operation_id="deleteItem", status_code=204, summary="Delete an item"
)
async def delete_item(
    item_id: ItemIdPath, caller: CurrentUser, service: ItemServiceDep
) -> Response:
    """Delete the item; afterwards it is 404."""
    await service.delete(caller, item_id)
    return Response(status_code=204)
