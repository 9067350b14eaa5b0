"""The database: one engine (one pool) per process, made in the app's lifespan.

Everything goes through that one pool. A request checks out one connection at its first
statement (the account read) and keeps it for the operation's Core statements, giving it
back when it ends (`request_scope`, entered by `middleware.database`): one checkout per
request, and no connection is ever used by two requests at once. The ORM sessions of the
multi-step units of work (`session`) check out their own, after the request's went back.

Core statements (`fetch_all`, `fetch_one`, `write`), compiled once per process, run on the
pooled connection's driver itself, in autocommit: one asyncpg call (a statement asyncpg
prepares once per connection) or one aiosqlite call (one trip to its thread), the rows then
converted by the columns' own SQLAlchemy types. A single-statement write is atomic on its
own, so it needs no BEGIN or COMMIT round trip. SQLAlchemy's per-statement execution
machinery costs more than such a query.

SQLite (in WAL mode: readers never wait for the writer) has one writer at a time: the
writes of this process, sessions included, take one write turn in order.

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
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Dialect, ExceptionContext
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.util.concurrency import greenlet_spawn

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
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}
        # The connection of the request being served, if it has one (`request_scope`).
        self._held: ContextVar[_Held | None] = ContextVar(f"held_{id(self)}", default=None)
        self.engine = _create_engine(settings)
        self.session_factory = async_sessionmaker(
            self.engine,
            class_=_QueuedSession if self.is_sqlite else AsyncSession,
            expire_on_commit=False,
            autoflush=False,
        )
        # The ping reads outside any transaction: PostgreSQL in autocommit, SQLite in a
        # deferred transaction, which in WAL mode never waits for a writer.
        if self.is_sqlite:
            self._reader = self.engine.execution_options(**{_READ_ONLY: True})
        else:
            self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # SQLite has one writer at a time. Queued here, in order, writers of this process
        # wait their turn instead of sleeping in SQLite's busy handler (whose back-off
        # makes the slowest writes take seconds under load).
        self.write_turn = asyncio.Lock() if self.is_sqlite else None

    def session(self) -> AsyncSession:
        """A new ORM session, for a unit of work of several steps; the caller commits.

        It checks out a connection of its own. On SQLite it writes in this process's
        turn (see `_QueuedSession`)."""
        session = self.session_factory()
        if isinstance(session, _QueuedSession):
            session.turn = self.write_turn
        return session

    @asynccontextmanager
    async def request_scope(self) -> AsyncIterator[None]:
        """One request: its statements share one connection, checked out by the first
        of them (the account read) and given back when the request ends."""
        held = _Held()
        token = self._held.set(held)
        try:
            yield
        finally:
            self._held.reset(token)
            await held.release()

    async def release(self) -> None:
        """Give the request's connection back now, before a long wait (a password hash,
        SQLite's write turn); the next statement checks out another."""
        held = self._held.get()
        if held is not None:
            await held.release()

    async def fetch_all(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """The rows of one read, as tuples in the statement's column order.

        A read that meets a dead connection is retried once, on a new one: a read is
        safe to send twice.
        """
        try:
            return await self._run(statement, parameters or {})
        except _LostConnection:
            return await self._run(statement, parameters or {})

    async def fetch_one(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """The first row of one read, or None; retried as `fetch_all` is."""
        rows = await self.fetch_all(statement, parameters)
        return rows[0] if rows else None

    async def write(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """Run one writing statement (its RETURNING rows): atomic on its own, in
        autocommit, so one round trip with no BEGIN or COMMIT.

        Never retried: whether a write that lost its connection committed is unknown,
        so the caller answers 503 and the client decides. Statement errors surface as
        SQLAlchemy's (`IntegrityError` for a constraint).
        """
        if self.write_turn is None:
            return await self._run(statement, parameters or {})
        # Never wait for the turn holding a connection: the turn's holder may need one.
        await self.release()
        async with self.write_turn:
            return await self._run(statement, parameters or {})

    async def ping(self) -> None:
        """Run `SELECT 1`; raises whatever the driver raises when the database is away."""
        async with self._reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()

    def _compile(self, statement: Executable) -> _Compiled:
        # Keyed by identity, the statement kept alongside so that its id is never reused:
        # the statements are built once, at import, and live as long as the process.
        entry = self._compiled.get(id(statement))
        if entry is None or entry[0] is not statement:
            entry = self._compiled[id(statement)] = (
                statement,
                _Compiled.of(statement, self.engine.dialect),
            )
        return entry[1]

    async def _run(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> Sequence[tuple[Any, ...]]:
        compiled = self._compile(statement)
        arguments = compiled.arguments(parameters)
        held = self._held.get()
        if held is not None and held.connection is not None:
            connection = held.connection
        else:
            connection = await self.engine.raw_connection()
            if held is not None:
                held.connection = connection  # Kept for the rest of the request.
        driver: Any = connection.driver_connection
        try:
            if self.is_sqlite:
                rows = await driver.execute_fetchall(compiled.sql, arguments)
            else:
                rows = await driver.fetch(compiled.sql, *arguments)
        except Exception as exc:
            if not _is_lost(exc):
                raise _wrapped(exc, compiled.sql, arguments) from exc
            # The server ended this connection, and most likely every other one of the
            # pool: drop them all, so that the pool reconnects.
            if held is not None:
                held.connection = None
            await greenlet_spawn(connection.invalidate, exc)
            await self.engine.dispose(close=False)
            raise _LostConnection(str(exc)) from exc
        finally:
            if held is None and connection.is_valid:
                await greenlet_spawn(connection.close)
        return [compiled.convert(row) for row in rows]


class _Held:
    """The connection one request checked out, if any."""

    __slots__ = ("connection",)

    def __init__(self) -> None:
        self.connection: PoolProxiedConnection | None = None

    async def release(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            await greenlet_spawn(connection.close)


class _QueuedSession(AsyncSession):
    """A SQLite session whose transactions take the process's write turn.

    Its transactions begin `IMMEDIATE` (they take SQLite's write lock); queued on the
    turn, they wait in order rather than in SQLite's busy handler. The turn is taken
    before the first statement of a transaction and given back when it ends.
    """

    turn: asyncio.Lock | None = None
    _holding = False

    async def _take_turn(self) -> None:
        if self.turn is not None and not self._holding:
            await self.turn.acquire()
            self._holding = True

    def _give_turn(self) -> None:
        if self._holding and not self.in_transaction():
            self._holding = False
            assert self.turn is not None
            self.turn.release()

    async def rollback(self) -> None:
        try:
            await super().rollback()
        finally:
            self._give_turn()

    async def close(self) -> None:
        try:
            await super().close()
        finally:
            self._give_turn()


def _in_turn(name: str) -> Callable[..., Any]:
    method = getattr(AsyncSession, name)

    async def in_turn(self: _QueuedSession, *args: Any, **kwargs: Any) -> Any:
        await self._take_turn()
        try:
            return await method(self, *args, **kwargs)
        finally:
            self._give_turn()

    in_turn.__name__ = in_turn.__qualname__ = name
    return in_turn


# Every way a session can begin a transaction (SQLAlchemy's `scalar` does not go through
# `execute`): each takes the turn first.
for _name in (
    "execute",
    "scalar",
    "scalars",
    "get",
    "get_one",
    "stream",
    "stream_scalars",
    "flush",
    "refresh",
    "merge",
    "delete",
    "run_sync",
    "connection",
    "commit",
):
    setattr(_QueuedSession, _name, _in_turn(_name))


class _LostConnection(OSError):
    """A statement met a connection the server had ended (an `OSError`: it is answered
    503)."""


def _wrapped(exc: Exception, sql: str, arguments: Sequence[Any]) -> Exception:
    # What SQLAlchemy would raise for the driver's error: services catch IntegrityError.
    if type(exc).__name__ == "IntegrityError" or any(
        cls.__name__ == "IntegrityConstraintViolationError" for cls in type(exc).__mro__
    ):
        return IntegrityError(sql, arguments, exc)
    return DBAPIError(sql, arguments, exc)


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A statement compiled for one dialect: its SQL, its parameters in order with
    their bind conversions, and the result conversion of each column."""

    sql: str
    names: tuple[str, ...]
    binds: tuple[Callable[[Any], Any] | None, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    @classmethod
    def of(cls, statement: Executable, dialect: Dialect) -> _Compiled:
        compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        names = tuple(compiled.positiontup or ())
        binds = tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        )
        processors = tuple(
            entry[3].dialect_impl(dialect).result_processor(dialect, None)
            for entry in compiled._result_columns
        )
        return cls(compiled.string, names, binds, processors)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        return [
            parameters[name] if bind is None else bind(parameters[name])
            for name, bind in zip(self.names, self.binds, strict=True)
        ]

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
        # A connection goes back to the pool with a ROLLBACK only when it is in a
        # transaction (see `_tune_sqlite`): each ROLLBACK is a trip to aiosqlite's thread,
        # and most requests end outside any transaction (their statements autocommit).
        options["pool_reset_on_return"] = None
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

    @event.listens_for(engine.sync_engine.pool, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: Any) -> None:
        if state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get(_READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
