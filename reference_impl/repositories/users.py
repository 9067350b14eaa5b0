"""Queries on accounts: SQLAlchemy Core, built once per process, run on an `Executor`
(the database in autocommit, or a transaction). Rows become `Account`s in one place
(`accounts.account_of`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, true, update

from ..db.engine import Executor
from ..db.tables import Item, RefreshToken, User
from .accounts import ACCOUNT_COLUMNS, Account, account_of, read_account

_users: Table = User.__table__  # type: ignore[assignment]  # a Table, typed FromClause
_ID = _users.c.id == bindparam("b_user_id")
# Compared the way the unique index compares: without regard to case.
_BY_EMAIL = select(*ACCOUNT_COLUMNS, _users.c.hashed_password).where(
    func.lower(_users.c.email) == func.lower(bindparam("email", type_=_users.c.email.type))
)
_WRITTEN = ("email", "hashed_password", "full_name", "is_active", "is_superuser", "created_at")
_INSERT = (
    insert(_users).values({name: bindparam(name) for name in _WRITTEN}).returning(*ACCOUNT_COLUMNS)
)
_DELETES = (
    delete(RefreshToken).where(RefreshToken.user_id == bindparam("b_user_id")),
    delete(Item).where(Item.owner_id == bindparam("b_user_id")),
    delete(_users).where(_ID).returning(_users.c.id),
)


def _page_statement() -> Any:
    # The page and the total in one round trip, as the item list does.
    counts = select(func.count().label("total")).select_from(_users).subquery("counted")
    page = (
        select(*ACCOUNT_COLUMNS)
        .order_by(_users.c.id)
        .offset(bindparam("skip"))
        .limit(bindparam("limit"))
        .subquery("page")
    )
    return (
        select(counts.c.total, *page.c)
        .select_from(counts.outerjoin(page, true()))
        .order_by(page.c.id)
    )


_PAGE = _page_statement()
_UPDATES: dict[tuple[frozenset[str], bool], Any] = {}


class UserRepository:
    """Accounts. Stateless: each method runs on the executor it is given."""

    async def get(self, db: Executor, user_id: int) -> Account | None:
        """The account with this id, or None."""
        return await read_account(db, user_id)

    async def get_by_email(self, db: Executor, email: str) -> Account | None:
        """The account with this email, whatever its case, or None."""
        found = await self.get_credentials(db, email)
        return None if found is None else found[0]

    async def get_credentials(self, db: Executor, email: str) -> tuple[Account, str] | None:
        """The account with this email and its password hash, or None."""
        row = await db.fetch_one(_BY_EMAIL, {"email": email})
        return None if row is None else (account_of(row), str(row[-1]))

    async def page(self, db: Executor, *, skip: int, limit: int) -> tuple[list[Account], int]:
        """A page of accounts ordered by id, and how many there are in all."""
        rows = await db.fetch_all(_PAGE, {"skip": skip, "limit": limit})
        return [account_of(row[1:]) for row in rows if row[1] is not None], int(rows[0][0])

    async def add(self, db: Executor, values: dict[str, Any]) -> Account:
        """Insert an account; raises `IntegrityError` when its email is taken."""
        (row,) = await db.write(_INSERT, values)
        return account_of(row)

    async def update(
        self, db: Executor, user_id: int, values: dict[str, Any], *, active: bool = False
    ) -> Account | None:
        """Change the columns given; the account as stored, or None if it is gone (or,
        with `active`, deactivated: then nothing changes)."""
        statement = _update_statement(frozenset(values), active)
        rows = await db.write(statement, {**values, "b_user_id": user_id})
        return account_of(rows[0]) if rows else None

    async def delete_with_dependents(self, db: Executor, user_id: int) -> bool:
        """Delete an account with its items and refresh tokens (in the caller's
        transaction); whether there was one. The foreign keys cascade too; deleting
        explicitly keeps SQLite databases made without `PRAGMA foreign_keys` consistent
        as well."""
        rows: Sequence[Any] = ()
        for statement in _DELETES:
            rows = await db.write(statement, {"b_user_id": user_id})
        return bool(rows)


def _update_statement(columns: frozenset[str], active: bool) -> Any:
    statement = _UPDATES.get((columns, active))
    if statement is None:
        statement = _UPDATES[(columns, active)] = (
            update(_users)
            .where(_ID, _users.c.is_active if active else true())
            .values({name: bindparam(name) for name in sorted(columns)})
            .returning(*ACCOUNT_COLUMNS)
        )
    return statement
