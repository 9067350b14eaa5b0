"""Queries on items: SQLAlchemy Core, one statement (one round trip) per operation, each
built once per process.

Rows become the contract's `ItemResponse` here, at one boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, true, update
from sqlalchemy.sql import ColumnElement

from generated.models import ItemList, ItemResponse

from ..db.engine import Database
from ..db.tables import Item

_items: Table = Item.__table__  # type: ignore[assignment]  # a Table, typed FromClause
_ID = _items.c.id == bindparam("b_item_id")
_OWNED = _items.c.owner_id == bindparam("b_owner_id")


def _page_statement(where: ColumnElement[bool]) -> Any:
    # The page and the total in one statement: the count joined to the page, so that a
    # page past the end still brings its total (one row with NULL item columns).
    counted = select(func.count().label("total")).select_from(_items).where(where)
    page = (
        select(_items)
        .where(where)
        .order_by(_items.c.id)
        .offset(bindparam("skip"))
        .limit(bindparam("limit"))
        .subquery("page")
    )
    counts = counted.subquery("counted")
    return (
        select(counts.c.total, *page.c)
        .select_from(counts.outerjoin(page, true()))
        .order_by(page.c.id)
    )


# Built once, for an owner and for everyone: the statements of every request.
_PAGE = {True: _page_statement(_OWNED), False: _page_statement(true())}
_GET = {True: select(_items).where(_ID, _OWNED), False: select(_items).where(_ID)}
_DELETE = {
    True: delete(_items).where(_ID, _OWNED).returning(_items.c.id),
    False: delete(_items).where(_ID).returning(_items.c.id),
}
_WRITTEN = ("title", "description", "owner_id", "created_at", "updated_at")
_INSERT = insert(_items).values({name: bindparam(name) for name in _WRITTEN}).returning(*_items.c)
# One UPDATE per owner filter and set of changed columns: few, so each is built once.
_UPDATES: dict[tuple[bool, frozenset[str]], Any] = {}


_COLUMNS = tuple(_items.c.keys())


def _item(row: Sequence[Any]) -> ItemResponse:
    # Every statement here selects the table's columns in the table's order.
    return ItemResponse.model_validate(dict(zip(_COLUMNS, row, strict=True)))


class ItemRepository:
    """Items, over the database's pool."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, item_id: int, *, owner_id: int | None) -> ItemResponse | None:
        """The item with this id; with `owner_id`, only if that account owns it."""
        row = await self.database.fetch_one(
            _GET[owner_id is not None], {"b_item_id": item_id, "b_owner_id": owner_id}
        )
        return None if row is None else _item(row)

    async def page(self, *, owner_id: int | None, skip: int, limit: int) -> tuple[ItemList, int]:
        """A page of items ordered by id (one owner's, or all), and how many in all."""
        rows = await self.database.fetch_all(
            _PAGE[owner_id is not None], {"b_owner_id": owner_id, "skip": skip, "limit": limit}
        )
        # Each row is (total, *item); past the end, one row whose item columns are NULL.
        items = [_item(row[1:]) for row in rows if row[1] is not None]
        return ItemList(items), int(rows[0][0])

    async def add(self, values: dict[str, Any]) -> ItemResponse:
        """Insert an item; its row as stored."""
        (row,) = await self.database.write(_INSERT, values)
        return _item(row)

    async def update(
        self, item_id: int, *, owner_id: int | None, values: dict[str, Any]
    ) -> ItemResponse | None:
        """Change an item (with `owner_id`, only that account's); None if none matched."""
        rows = await self.database.write(
            _update_statement(owner_id is not None, frozenset(values)),
            {**values, "b_item_id": item_id, "b_owner_id": owner_id},
        )
        return _item(rows[0]) if rows else None

    async def delete(self, item_id: int, *, owner_id: int | None) -> bool:
        """Delete an item (with `owner_id`, only that account's); whether one was."""
        rows = await self.database.write(
            _DELETE[owner_id is not None], {"b_item_id": item_id, "b_owner_id": owner_id}
        )
        return bool(rows)


def _update_statement(owned: bool, columns: frozenset[str]) -> Any:
    statement = _UPDATES.get((owned, columns))
    if statement is None:
        statement = (
            update(_items)
            .where(_ID, _OWNED if owned else true())
            .values({name: bindparam(name) for name in sorted(columns)})
            .returning(*_items.c)
        )
        _UPDATES[(owned, columns)] = statement
    return statement
