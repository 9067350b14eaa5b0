"""The database: one engine (one pool) per process, made in the app's lifespan.

Everything goes through that one pool: the per-request account read, the single-statement
reads and writes of SQLAlchemy Core (`fetch_one`, `fetch_all`, `transaction`), and the ORM
sessions of the multi-step units of work (`session`). Each request checks out its own
connection and gives it back before it answers: no connection is ever used by two
requests at once.

Reads (`fetch_all`, `fetch_one`) run their Core statement, compiled once per process, on
the pooled connection's driver itself: one asyncpg call (a statement asyncpg prepares
once per connection) or one aiosqlite call (one trip to its thread), the rows then
converted by the columns' own SQLAlchemy result types. SQLAlchemy's per-statement
execution machinery costs more than such a query.

A connection the server closed (a restart, a failover, `pg_terminate_backend`) is marked
a disconnect (see `_mark_disconnects`), which makes SQLAlchemy drop it and every other
connection made before it, so the pool reconnects by itself. A read that met such a
connection is retried once on a new one; anything else that meets one is answered 503
(`connection_lost` says which errors those are).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, event, text
from sqlalchemy.engine import Connection, ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ..settings import Settings

# An execution option of our own: a connection that only reads opens a deferred
# transaction on SQLite instead of an immediate (write-locking) one.
_READ_ONLY = "reference_read_only"
# SQLSTATE classes of a connection the server ended: 08 (connection exception) and
# 57P (operator intervention: shutdown, `pg_terminate_backend`, cannot connect now).
_LOST_SQLSTATES = ("08", "57P")
_LOST_MESSAGES = (
    "connection is closed",
    "connection was closed",
    "underlying connection",
    "another operation is in progress",
)


class Database:
    """The engine and its one pool, with the ways the service uses a connection."""

    def __init__(self, settings: Settings) -> None:
        self.is_sqlite = settings.is_sqlite
        self._compiled: dict[int, _Compiled] = {}
        self.engine = _create_engine(settings)
        self.session_factory = async_sessionmaker(
            self.engine, expire_on_commit=False, autoflush=False
        )
        # Reads run one statement: PostgreSQL in autocommit (no BEGIN round trip),
        # SQLite in a deferred transaction, which in WAL mode never waits for a writer.
        if self.is_sqlite:
            self._reader = self.engine.execution_options(**{_READ_ONLY: True})
        else:
            self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # SQLite has one writer at a time. Queued here, in order, writers of this process
        # wait their turn instead of sleeping in SQLite's busy handler (whose back-off
        # makes the slowest writes take seconds under load).
        self._write_turn = asyncio.Lock() if self.is_sqlite else None

    def session(self) -> AsyncSession:
        """A new ORM session, for a unit of work of several steps; the caller commits."""
        return self.session_factory()

    async def fetch_all(
        self,
        statement: Select[*tuple[Any, ...]],
        parameters: Mapping[str, Any] | None = None,
    ) -> Sequence[tuple[Any, ...]]:
        """The rows of one read, as tuples in the statement's column order.

        A read that meets a dead connection is retried once, on a new one: a read is
        safe to send twice.
        """
        try:
            return await self._fetch_all(statement, parameters or {})
        except _LostConnection:
            return await self._fetch_all(statement, parameters or {})

    async def fetch_one(
        self,
        statement: Select[*tuple[Any, ...]],
        parameters: Mapping[str, Any] | None = None,
    ) -> tuple[Any, ...] | None:
        """The first row of one read, or None; retried as `fetch_all` is."""
        rows = await self.fetch_all(statement, parameters)
        return rows[0] if rows else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction, committed when the block ends without error.

        Never retried: whether a write that lost its connection committed is unknown,
        so the caller answers 503 and the client decides.
        """
        if self._write_turn is None:
            async with self.engine.begin() as connection:
                yield connection
            return
        async with self._write_turn, self.engine.begin() as connection:
            yield connection

    async def ping(self) -> None:
        """Run `SELECT 1`; raises whatever the driver raises when the database is away."""
        async with self._reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    async def _fetch_all(
        self, statement: Select[*tuple[Any, ...]], parameters: Mapping[str, Any]
    ) -> Sequence[tuple[Any, ...]]:
        compiled = self._compiled.get(id(statement))
        if compiled is None:
            compiled = self._compiled[id(statement)] = _Compiled.of(statement, self.engine)
        arguments = [parameters[name] for name in compiled.names]
        async with self.engine.connect() as connection:
            driver: Any = (await connection.get_raw_connection()).driver_connection
            try:
                if self.is_sqlite:
                    rows = await driver.execute_fetchall(compiled.sql, arguments)
                else:
                    rows = await driver.fetch(compiled.sql, *arguments)
            except Exception as exc:
                if not _is_lost(exc):
                    raise
                # The server ended this connection, and most likely every other one of
                # the pool: drop them all, so that the pool reconnects.
                await connection.invalidate(exc)
                await self.engine.dispose(close=False)
                raise _LostConnection(str(exc)) from exc
        return [compiled.convert(row) for row in rows]


class _LostConnection(OSError):
    """A read met a connection the server had ended (an `OSError`: it is answered 503)."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A read compiled for one dialect: its SQL, its parameters in order, and the
    result conversion of each column."""

    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Select[*tuple[Any, ...]], engine: AsyncEngine) -> _Compiled:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)
        processors = tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in statement.selected_columns
        )
        return cls(compiled.string, tuple(compiled.positiontup or ()), processors)

    def convert(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if convert is None else convert(value)
            for value, convert in zip(row, self.processors, strict=True)
        )


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` says the database connection was lost, closed or refused (as
    opposed to a statement the database refused): the request is answered 503."""
    if isinstance(exc, DBAPIError):
        return exc.connection_invalidated or _is_lost(exc.orig)
    return isinstance(exc, DisconnectionError | PoolTimeout | OperationalError | OSError) or (
        isinstance(exc, InterfaceError) and _is_lost(exc.orig)
    )


def _is_lost(error: BaseException | None) -> bool:
    while error is not None:
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(_LOST_SQLSTATES):
            return True
        if isinstance(error, OSError | ConnectionError):
            return True
        name = type(error).__name__
        if name in {"ConnectionDoesNotExistError", "InternalClientError"}:
            # InternalClientError ("cannot switch to state ...; another operation is in
            # progress") is asyncpg's protocol left mid-operation by a connection the
            # server ended: no request shares a connection, so that one is broken.
            return True
        if name == "InterfaceError" and any(m in str(error) for m in _LOST_MESSAGES):
            return True
        error = error.__cause__ or error.__context__
    return False


def _create_engine(settings: Settings) -> AsyncEngine:
    options: dict[str, Any] = {"pool_recycle": 1800}
    if settings.is_sqlite:
        # sqlite3's busy timeout: how long a writer waits for another process's lock.
        options["connect_args"] = {"timeout": 30}
        engine = create_async_engine(settings.database_url, **options)
        _tune_sqlite(engine)
        return engine
    options.update(
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        # A request that finds every connection busy waits this long, then is 503.
        pool_timeout=10,
        connect_args={
            "server_settings": {"application_name": "reference_impl", "jit": "off"},
            "timeout": 5,
        },
    )
    engine = create_async_engine(settings.database_url, **options)
    _mark_disconnects(engine)
    return engine


def _mark_disconnects(engine: AsyncEngine) -> None:
    """Count a connection the server ended as a disconnect.

    SQLAlchemy recognises a closed socket, but not asyncpg's `AdminShutdownError`
    (`pg_terminate_backend`, a restart): that connection would go back to the pool and
    fail the next request too. Marked as a disconnect, it and every connection opened
    before it are dropped, and the pool reconnects.
    """

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: ExceptionContext) -> None:
        if not context.is_disconnect and _is_lost(context.original_exception):
            context.is_disconnect = True


def _tune_sqlite(engine: AsyncEngine) -> None:
    """Foreign keys on, WAL, and writers that take the lock up front.

    With pysqlite's default (deferred) transactions, two processes that each read and
    then write deadlock, and one of them fails at once with `database is locked`. Taking
    the write lock at BEGIN makes writers queue on the busy timeout instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # We emit BEGIN ourselves, below.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
