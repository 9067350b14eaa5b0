"""Items, which the guide lists but does not show, written like its users endpoints.

Owner-scoped like the FastAPI full-stack template, with its habits: another user's item
is 403 (so its existence shows), `limit` is unbounded, a null `title` reaches the database.
"""

# The guide's own `= Depends(...)` defaults, kept as written (Annotated would be house style).
# ruff: noqa: B008

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import get_db
from ..dependencies import get_current_user
from ..models import Item, User
from ..schemas import ItemCreate, ItemResponse, ItemUpdate
from ..services import ItemService

router = APIRouter(prefix="/items", tags=["items"])


async def _get_own_item(item_id: int, service: ItemService, current_user: User) -> Item:
    item = await service.get_item(item_id)
    if not item:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    if item.owner_id != current_user.id and not current_user.is_superuser:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not enough permissions")
    return item


@router.get("/", response_model=list[ItemResponse])
async def list_items(
    skip: int = 0,
    limit: int = 100,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> list[Item]:
    """List items"""
    service = ItemService(db)
    if current_user.is_superuser:
        return await service.get_items(skip=skip, limit=limit)
    return await service.get_user_items(current_user.id, skip=skip, limit=limit)


@router.post("/", response_model=ItemResponse, status_code=status.HTTP_201_CREATED)
async def create_item(
    item_in: ItemCreate,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> Item:
    """Create new item"""
    service = ItemService(db)
    return await service.create_item(item_in, owner_id=current_user.id)


@router.get("/{item_id}", response_model=ItemResponse)
async def get_item(
    item_id: int,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> Item:
    """Get item by ID"""
    return await _get_own_item(item_id, ItemService(db), current_user)


@router.patch("/{item_id}", response_model=ItemResponse)
async def update_item(
    item_id: int,
    item_in: ItemUpdate,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> Item:
    """Update item"""
    service = ItemService(db)
    await _get_own_item(item_id, service, current_user)
    item = await service.update_item(item_id, item_in)
    if not item:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Item not found")
    return item


@router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_item(
    item_id: int,
    db: AsyncSession = Depends(get_db),
    current_user: User = Depends(get_current_user),
) -> None:
    """Delete item"""
    service = ItemService(db)
    await _get_own_item(item_id, service, current_user)
    await service.delete_item(item_id)
