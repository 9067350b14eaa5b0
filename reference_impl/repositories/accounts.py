"""The per-request account check: one primary-key read, as cheap as the driver allows.

Every authenticated request reads its account afresh (so that a deactivated or deleted
account stops working at once), which makes this the hottest query of the service. On
PostgreSQL it goes straight to an asyncpg pool: SQLAlchemy's connection checkout and
result processing cost more than the query itself. On an SQLite file it is one sqlite3
call in a thread of its own; elsewhere it uses the engine.
"""

from __future__ import annotations

import asyncio
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import bindparam, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db.tables import User


@dataclass(frozen=True, slots=True)
class Account:
    """An account as read for one request: enough to authorize and to answer `/me`."""

    id: int
    email: str
    full_name: str | None
    is_active: bool
    is_superuser: bool
    created_at: datetime


class AccountReader(Protocol):
    """Reads one account by id, outside any unit of work."""

    async def read(self, user_id: int) -> Account | None:
        """The account with this id, or None."""
        ...

    async def close(self) -> None:
        """Release the connections."""
        ...


_COLUMNS = (User.id, User.email, User.full_name, User.is_active, User.is_superuser, User.created_at)
# Built once: the statement is on every authenticated request's path.
_BY_ID = select(*_COLUMNS).where(User.id == bindparam("user_id"))
_BY_ID_SQL = (
    "SELECT id, email, full_name, is_active, is_superuser, created_at FROM users WHERE id = $1"
)
# Options of SQLAlchemy's asyncpg dialect that asyncpg itself does not know.
_DIALECT_ONLY_OPTIONS = ("prepared_statement_cache_size", "prepared_statement_name_func")


class EngineAccountReader:
    """The account read through SQLAlchemy (SQLite, and any other database)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def read(self, user_id: int) -> Account | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(_BY_ID, {"user_id": user_id})).first()
        return None if row is None else Account(*row)

    async def close(self) -> None:
        """The engine belongs to the `Database`, which disposes of it."""


@dataclass(frozen=True, slots=True)
class _PreparedConnection:
    """An asyncpg connection with the account query prepared on it once."""

    connection: Any
    statement: Any

    @classmethod
    async def open(cls, dsn: str) -> _PreparedConnection:
        connection = await asyncpg.connect(
            dsn, server_settings={"application_name": "reference_impl", "jit": "off"}
        )
        return cls(connection, await connection.prepare(_BY_ID_SQL))


class AsyncpgAccountReader:
    """The account read over a few asyncpg connections of its own (PostgreSQL).

    A queue of connections rather than `asyncpg.Pool`: the pool's acquire, release and
    session reset cost more than the one-row query. These connections run a single
    SELECT outside any transaction and never change session state, so there is nothing
    to reset; a connection that broke is dropped and made anew on its next use.
    """

    def __init__(self, dsn: str, *, size: int) -> None:
        self._dsn = dsn
        self._slots: asyncio.LifoQueue[Any] = asyncio.LifoQueue()
        for _ in range(size):
            self._slots.put_nowait(None)  # Connected on first use.

    @classmethod
    async def connect(cls, database_url: str, *, max_size: int) -> AsyncpgAccountReader:
        """A reader for the database of a SQLAlchemy URL; it connects lazily, so start-up
        does not need the database (readiness reports it instead)."""
        url = make_url(database_url).set(drivername="postgresql")
        url = url.difference_update_query(_DIALECT_ONLY_OPTIONS)
        return cls(url.render_as_string(hide_password=False), size=max_size)

    async def read(self, user_id: int) -> Account | None:
        connection = await self._slots.get()
        answered = False
        try:
            if connection is None or connection.connection.is_closed():
                connection = None
                connection = await _PreparedConnection.open(self._dsn)
            row = await connection.statement.fetchrow(user_id)
            answered = True
        finally:
            if answered:
                self._slots.put_nowait(connection)
            else:
                # After any failure (a server that went away, a cancelled query) the
                # connection's state is unknown: drop it, and connect anew next time.
                if connection is not None:
                    connection.connection.terminate()
                self._slots.put_nowait(None)
        if row is None:
            return None
        created_at: datetime = row[5]
        return Account(row[0], row[1], row[2], row[3], row[4], created_at.astimezone(UTC))

    async def close(self) -> None:
        while not self._slots.empty():
            connection = self._slots.get_nowait()
            if connection is not None:
                await connection.connection.close()


_SQLITE_BY_ID = (
    "SELECT id, email, full_name, is_active, is_superuser, created_at FROM users WHERE id = ?"
)


class SqliteAccountReader:
    """The account read with the standard library's sqlite3, in one thread of its own.

    aiosqlite sends every step of SQLAlchemy's read (checkout, BEGIN, execute, fetch,
    rollback) to its thread and back, ten times the cost of the read itself; here the
    whole read is one trip. The connection is in autocommit mode, so each read is its
    own transaction and sees every commit made before it (WAL: it never waits for a
    writer).
    """

    def __init__(self, path: str) -> None:
        self._path = path
        # One thread, so that the connection is only ever used by the thread that made it.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="account-reader")
        self._connection: sqlite3.Connection | None = None

    @classmethod
    def for_url(cls, database_url: str) -> SqliteAccountReader | None:
        """A reader for the SQLite file of a SQLAlchemy URL; None for an in-memory
        database (another connection would see another database) or a URL with options."""
        url = make_url(database_url)
        if not url.database or url.database == ":memory:" or url.query:
            return None
        return cls(url.database)

    async def read(self, user_id: int) -> Account | None:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._read, user_id)

    def _read(self, user_id: int) -> Account | None:
        if self._connection is None:
            # The engine's busy timeout; isolation_level=None is autocommit.
            self._connection = sqlite3.connect(self._path, timeout=30, isolation_level=None)
        row = self._connection.execute(_SQLITE_BY_ID, (user_id,)).fetchone()
        if row is None:
            return None
        # Stored as SQLAlchemy writes it: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff".
        created_at = datetime.fromisoformat(row[5])
        created_at = (
            created_at.replace(tzinfo=UTC)
            if created_at.tzinfo is None
            else created_at.astimezone(UTC)
        )
        return Account(row[0], row[1], row[2], bool(row[3]), bool(row[4]), created_at)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._close)
        self._executor.shutdown(wait=False)
