"""Queries on items: SQLAlchemy Core, one statement (one round trip) per operation, each
built once per process.

The caller's account is read in the operation's own statement: every statement that
acts for a caller joins (or, for a write, requires) the caller's row, active, so that a
deactivated or deleted account stops at once without a round trip of its own. Those
statements reach the caller's own items, through the owner index; a superuser's reach to
everyone's items is a second statement, taken only when the first found nothing of the
caller's and the caller turned out to be a superuser.

Rows become the contract's `ItemResponse` here, at one boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.sql import ColumnElement

from generated.models import ItemList, ItemResponse

from ..db.engine import Database
from ..db.tables import Item, User

_items: Table = Item.__table__  # type: ignore[assignment]  # a Table, typed FromClause
_users: Table = User.__table__  # type: ignore[assignment]
_ID = _items.c.id == bindparam("b_item_id")
_OWNED = _items.c.owner_id == bindparam("b_caller_id")
_CALLER = _users.c.id == bindparam("b_caller_id")
# The caller may act: their account exists and is active (a write's condition).
_CALLER_ACTIVE = exists().where(_CALLER, _users.c.is_active)
_COLUMNS = tuple(_items.c.keys())
_WRITTEN = ("title", "description", "created_at", "updated_at")


@dataclass(frozen=True, slots=True)
class CallerState:
    """The caller's account as an operation's statement found it."""

    is_active: bool
    is_superuser: bool


def _page_statement(where: ColumnElement[bool], *, with_caller: bool) -> Any:
    # The page and the total in one statement: the count joined to the page, so that a
    # page past the end still brings its total (one row with NULL item columns). With
    # the caller, the caller's row leads: no row at all means no such account.
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
    if not with_caller:
        return (
            select(counts.c.total, *page.c)
            .select_from(counts.outerjoin(page, true()))
            .order_by(page.c.id)
        )
    return (
        select(_users.c.is_active, _users.c.is_superuser, counts.c.total, *page.c)
        .select_from(_users.join(counts, true()).outerjoin(page, true()))
        .where(_CALLER)
        .order_by(page.c.id)
    )


# Built once: the statements of every request.
_PAGE_OWN = _page_statement(_OWNED, with_caller=True)
_PAGE_ALL = _page_statement(true(), with_caller=False)
_GET_OWN = (
    select(_users.c.is_active, _users.c.is_superuser, *_items.c)
    .select_from(_users.outerjoin(_items, and_(_ID, _items.c.owner_id == _users.c.id)))
    .where(_CALLER)
)
_GET_ANY = select(_items).where(_ID)
_DELETE_OWN = delete(_items).where(_ID, _OWNED, _CALLER_ACTIVE).returning(_items.c.id)
_DELETE_ANY = delete(_items).where(_ID).returning(_items.c.id)
# INSERT ... SELECT from the caller's row: no active account, no row inserted.
_INSERT = (
    insert(_items)
    .from_select(
        ["owner_id", *_WRITTEN],
        select(
            _users.c.id, *(bindparam(name, type_=_items.c[name].type) for name in _WRITTEN)
        ).where(_CALLER, _users.c.is_active),
    )
    .returning(*_items.c)
)
# One UPDATE per reach (own or any) and set of changed columns: few, so each built once.
_UPDATES: dict[tuple[bool, frozenset[str]], Any] = {}


def _item(row: Sequence[Any]) -> ItemResponse:
    # Every item here is the table's columns in the table's order.
    return ItemResponse.model_validate(dict(zip(_COLUMNS, row, strict=True)))


def _page(rows: Sequence[Sequence[Any]], start: int) -> ItemList:
    # A page validated in one call, not one call per item; past the end of the page a
    # row's item columns (from `start`) are NULL.
    return ItemList.model_validate(
        [dict(zip(_COLUMNS, row[start:], strict=True)) for row in rows if row[start] is not None]
    )


class ItemRepository:
    """Items, over the database's pool."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def get_own(
        self, item_id: int, *, caller_id: int
    ) -> tuple[CallerState | None, ItemResponse | None]:
        """The caller's account and, if the caller owns it, the item with this id."""
        row = await self.database.fetch_one(
            _GET_OWN, {"b_item_id": item_id, "b_caller_id": caller_id}
        )
        if row is None:
            return None, None
        caller = CallerState(bool(row[0]), bool(row[1]))
        return caller, (None if row[2] is None else _item(row[2:]))

    async def get(self, item_id: int) -> ItemResponse | None:
        """The item with this id, whoever owns it."""
        row = await self.database.fetch_one(_GET_ANY, {"b_item_id": item_id})
        return None if row is None else _item(row)

    async def page_own(
        self, *, caller_id: int, skip: int, limit: int
    ) -> tuple[CallerState | None, ItemList, int]:
        """The caller's account, a page of the caller's items ordered by id, and how
        many the caller has in all."""
        rows = await self.database.fetch_all(
            _PAGE_OWN, {"b_caller_id": caller_id, "skip": skip, "limit": limit}
        )
        if not rows:
            return None, ItemList([]), 0
        # Each row is (active, superuser, total, *item); past the end, NULL item columns.
        caller = CallerState(bool(rows[0][0]), bool(rows[0][1]))
        return caller, _page(rows, 3), int(rows[0][2])

    async def page(self, *, skip: int, limit: int) -> tuple[ItemList, int]:
        """A page of everyone's items ordered by id, and how many there are in all."""
        rows = await self.database.fetch_all(_PAGE_ALL, {"skip": skip, "limit": limit})
        return _page(rows, 1), int(rows[0][0])

    async def add(self, values: dict[str, Any], *, caller_id: int) -> ItemResponse | None:
        """Insert an item owned by the caller; None if the caller's account is gone or
        inactive (nothing is inserted then)."""
        rows = await self.database.write(_INSERT, {**values, "b_caller_id": caller_id})
        return _item(rows[0]) if rows else None

    async def update_own(
        self, item_id: int, *, caller_id: int, values: dict[str, Any]
    ) -> ItemResponse | None:
        """Change the caller's item, if the caller's account is active; None otherwise."""
        rows = await self.database.write(
            _update_statement(True, frozenset(values)),
            {**values, "b_item_id": item_id, "b_caller_id": caller_id},
        )
        return _item(rows[0]) if rows else None

    async def update(self, item_id: int, *, values: dict[str, Any]) -> ItemResponse | None:
        """Change the item, whoever owns it; None if there is none."""
        rows = await self.database.write(
            _update_statement(False, frozenset(values)), {**values, "b_item_id": item_id}
        )
        return _item(rows[0]) if rows else None

    async def delete_own(self, item_id: int, *, caller_id: int) -> bool:
        """Delete the caller's item, if the caller's account is active; whether one was."""
        rows = await self.database.write(
            _DELETE_OWN, {"b_item_id": item_id, "b_caller_id": caller_id}
        )
        return bool(rows)

    async def delete(self, item_id: int) -> bool:
        """Delete the item, whoever owns it; whether one was."""
        return bool(await self.database.write(_DELETE_ANY, {"b_item_id": item_id}))


def _update_statement(own: bool, columns: frozenset[str]) -> Any:
    statement = _UPDATES.get((own, columns))
    if statement is None:
        where = (_ID, _OWNED, _CALLER_ACTIVE) if own else (_ID,)
        statement = (
            update(_items)
            .where(*where)
            .values({name: bindparam(name) for name in sorted(columns)})
            .returning(*_items.c)
        )
        _UPDATES[(own, columns)] = statement
    return statement
