"""The database: SQLAlchemy Core statements, compiled once per process, run on the
driver's own connections from the one pool (`pool.ConnectionPool`), made in the lifespan.

Every query of the service goes through here, in one of two ways:
- `fetch_all`, `fetch_one`, `write`: one statement, one driver call on a connection lent
  for that call alone, in autocommit (a single statement is atomic on its own, so it
  needs no BEGIN or COMMIT round trip). On PostgreSQL that is one asyncpg call (a
  statement asyncpg prepares once per connection); on SQLite one trip to aiosqlite's
  thread. Rows come back as tuples, converted by the columns' own SQLAlchemy types.
- `transaction()`: a unit of work of several statements on one connection, committed
  when the block ends and rolled back when it raises.

No connection is ever used by two requests at once: a lease is one statement or one
transaction. SQLite (in WAL mode: readers never wait for the writer) has one writer at a
time: the writes and transactions of this process take one write turn, in order, before
they borrow a connection, rather than sleeping in SQLite's busy handler.

A connection the server ended (a restart, a failover, `pg_terminate_backend`) is dropped
with every idle connection opened before it, so the pool reconnects by itself. A read
that met one is retried once on a new connection; anything else that meets one, or finds
the database unreachable, is answered 503 (`connection_lost` says which errors those are).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import aiosqlite
import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from sqlalchemy import literal_column, make_url, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql.base import Executable

from ..errors import DatabaseUnavailable
from ..settings import Settings
from .pool import Connection, ConnectionPool

# SQLSTATE classes of a connection the server ended: 08 (connection exception) and
# 57P (operator intervention: shutdown, `pg_terminate_backend`, cannot connect now).
_LOST_SQLSTATES = ("08", "57P")
_LOST_MESSAGES = (
    "connection is closed",
    "connection was closed",
    "underlying connection",
    "another operation is in progress",
)
# How long a request waits for a connection when every one is lent, then 503.
_POOL_TIMEOUT = 10.0
# Connections per process when DATABASE_POOL_SIZE is unset. On SQLite each connection is
# a thread of its own: past a few, they only contend for the interpreter (at 20, the
# p99 of an item list under 32 connections was 50 ms; at 4, 29 ms).
_POSTGRES_POOL_SIZE = 20
_SQLITE_POOL_SIZE = 4
_PING: Executable = select(literal_column("1"))
# Connections older than this are closed rather than lent (a pooler's or a firewall's
# idle limit, a server's memory growth).
_RECYCLE_SECONDS = 1800.0


class Executor(Protocol):
    """What runs statements: the database itself (each in autocommit), or a transaction."""

    async def fetch_all(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]: ...

    async def fetch_one(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None: ...

    async def write(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]: ...


class _Statements:
    """`fetch_one` for whatever has `fetch_all`."""

    async def fetch_all(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        raise NotImplementedError

    async def fetch_one(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> tuple[Any, ...] | None:
        """The first row of one read, or None."""
        rows = await self.fetch_all(statement, parameters)
        return rows[0] if rows else None


class Database(_Statements):
    """The one pool of driver connections, and the ways the service runs statements."""

    def __init__(self, settings: Settings) -> None:
        url = make_url(settings.database_url)
        self.is_sqlite = settings.is_sqlite
        # For compiling statements and converting values only: it never connects.
        self.dialect: Dialect = url.get_dialect()()
        self._compiled: dict[int, tuple[Executable, _Compiled]] = {}
        self.driver: _Driver = (
            _SQLite(url.database or ":memory:") if self.is_sqlite else _Postgres(url)
        )
        self.pool = ConnectionPool(
            self.driver.connect,
            self.driver.close,
            # One in-memory SQLite database is one connection's.
            size=1 if self.driver.memory else _pool_size(settings),
            timeout=_POOL_TIMEOUT,
            recycle=_RECYCLE_SECONDS,
        )
        self.write_turn = asyncio.Lock() if self.is_sqlite else None

    async def fetch_all(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """The rows of one read, as tuples in the statement's column order.

        A read that meets a dead connection is retried once, on a new one: a read is
        safe to send twice.
        """
        compiled = self._compile(statement)
        arguments = compiled.arguments(parameters or {})
        try:
            return await self._lent(compiled, arguments)
        except _LostConnection:
            return await self._lent(compiled, arguments)

    async def write(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """Run one writing statement (its RETURNING rows): atomic on its own, in
        autocommit, so one round trip with no BEGIN or COMMIT.

        Never retried: whether a write that lost its connection committed is unknown,
        so the caller answers 503 and the client decides. Statement errors surface as
        SQLAlchemy's (`IntegrityError` for a constraint).
        """
        compiled = self._compile(statement)
        arguments = compiled.arguments(parameters or {})
        if self.write_turn is None:
            return await self._lent(compiled, arguments)
        async with self.write_turn:
            return await self._lent(compiled, arguments)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """A unit of work of several statements on one connection: committed when the
        block ends, rolled back when it raises. On SQLite it holds the write turn (and
        SQLite's write lock, `BEGIN IMMEDIATE`) from its start.

        Hold no transaction across a slow wait (a password hash): its connection, and
        on SQLite every other writer, waits with it.
        """
        if self.write_turn is not None:
            await self.write_turn.acquire()
        try:
            connection = await self._borrow()
            transaction = Transaction(self, connection)
            try:
                await transaction.execute(self.driver.begin)
                yield transaction
                await transaction.execute("COMMIT")
            except BaseException:
                await transaction.abandon()
                raise
            await self.pool.release(connection)
        finally:
            if self.write_turn is not None:
                self.write_turn.release()

    async def ping(self) -> None:
        """Run `SELECT 1`; raises when the database does not answer."""
        await self.fetch_one(_PING)

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.pool.close()

    def _compile(self, statement: Executable) -> _Compiled:
        # Keyed by identity, the statement kept alongside so that its id is never reused:
        # the statements are built once, at import, and live as long as the process.
        entry = self._compiled.get(id(statement))
        if entry is None or entry[0] is not statement:
            entry = self._compiled[id(statement)] = (
                statement,
                _Compiled.of(statement, self.dialect),
            )
        return entry[1]

    async def _lent(self, compiled: _Compiled, arguments: list[Any]) -> list[tuple[Any, ...]]:
        # One statement on a connection lent for it alone.
        connection = await self._borrow()
        try:
            rows = await self._run(connection, compiled.sql, arguments)
        except _LostConnection:
            raise  # Already dropped.
        except Exception:
            # The database refused the statement: the connection is sound.
            await self.pool.release(connection)
            raise
        except BaseException:
            # Cancelled mid-statement (the client went away): its state is unknown.
            await self.pool.drop(connection)
            raise
        await self.pool.release(connection)
        return [compiled.convert(row) for row in rows]

    async def _borrow(self) -> Connection:
        try:
            return await self.pool.acquire()
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            if _is_lost(exc) or isinstance(exc, asyncpg.PostgresError | aiosqlite.Error):
                raise _LostConnection(f"cannot connect: {exc}") from exc
            raise

    async def _run(self, connection: Connection, sql: str, arguments: list[Any]) -> list[Any]:
        try:
            return await self.driver.fetch(connection.driver, sql, arguments)
        except Exception as exc:
            if not _is_lost(exc):
                raise _wrapped(exc, sql, arguments) from exc
            # The server ended this connection, and most likely every other one of the
            # pool: drop them, so that the pool reconnects.
            await self.pool.discard(connection)
            raise _LostConnection(str(exc)) from exc


class Transaction(_Statements):
    """The statements of one unit of work, on the connection it holds."""

    def __init__(self, database: Database, connection: Connection) -> None:
        self._database = database
        self._connection = connection
        self._lost = False

    async def fetch_all(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """The rows of one read within the transaction (never retried)."""
        compiled = self._database._compile(statement)
        rows = await self._run(compiled.sql, compiled.arguments(parameters or {}))
        return [compiled.convert(row) for row in rows]

    async def write(
        self, statement: Executable, parameters: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """One writing statement within the transaction (its RETURNING rows)."""
        return await self.fetch_all(statement, parameters)

    async def execute(self, sql: str) -> None:
        """Run one SQL command of the transaction's own (BEGIN, COMMIT)."""
        await self._run(sql, [])

    async def abandon(self) -> None:
        """Roll back and give the connection back; drop it if even that fails."""
        if self._lost:
            return  # Already dropped with the others the server ended.
        database, connection = self._database, self._connection
        try:
            if database.driver.in_transaction(connection.driver):
                await self._run("ROLLBACK", [])
        except _LostConnection:
            return
        except (DBAPIError, asyncio.CancelledError):
            await database.pool.drop(connection)
            raise
        await database.pool.release(connection)

    async def _run(self, sql: str, arguments: list[Any]) -> list[Any]:
        try:
            return await self._database._run(self._connection, sql, arguments)
        except _LostConnection:
            self._lost = True
            raise


class _LostConnection(OSError):
    """A statement met a connection the server had ended, or none could be made (an
    `OSError`: it is answered 503)."""


class _Driver(Protocol):
    """What the pool and the database need of a driver."""

    memory: bool
    begin: str

    async def connect(self) -> Any: ...
    async def close(self, connection: Any) -> None: ...
    async def fetch(self, connection: Any, sql: str, arguments: list[Any]) -> list[Any]: ...
    def in_transaction(self, connection: Any) -> bool: ...


class _Postgres:
    """asyncpg: statements prepared once per connection, parameters `$1`, `$2`, ..."""

    memory = False
    begin = "BEGIN"

    def __init__(self, url: Any) -> None:
        self._dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)

    async def connect(self) -> Any:
        return await asyncpg.connect(
            self._dsn,
            timeout=5,
            server_settings={"application_name": "reference_impl", "jit": "off"},
        )

    async def close(self, connection: Any) -> None:
        # terminate(): no round trip, and it never fails, alive or dead.
        connection.terminate()

    async def fetch(self, connection: Any, sql: str, arguments: list[Any]) -> list[Any]:
        rows: list[Any] = await connection.fetch(sql, *arguments)
        return rows

    def in_transaction(self, connection: Any) -> bool:
        return bool(connection.is_in_transaction())


class _SQLite:
    """aiosqlite: each connection has a thread; foreign keys on, WAL, and transactions
    that take the write lock up front (two processes that each read and then write
    would otherwise deadlock, one failing at once with `database is locked`)."""

    begin = "BEGIN IMMEDIATE"

    def __init__(self, path: str) -> None:
        self._path = path
        self.memory = path in {"", ":memory:"}

    async def connect(self) -> Any:
        # isolation_level=None: autocommit; transactions are begun explicitly. The
        # timeout is sqlite3's busy timeout: how long a writer waits for another
        # process's lock.
        connection = await aiosqlite.connect(self._path, timeout=30, isolation_level=None)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
            await connection.execute(f"PRAGMA {pragma}")
        return connection

    async def close(self, connection: Any) -> None:
        try:
            await connection.close()
        except (aiosqlite.Error, ValueError):
            pass  # Already closed.

    async def fetch(self, connection: Any, sql: str, arguments: list[Any]) -> list[Any]:
        return list(await connection.execute_fetchall(sql, arguments))

    def in_transaction(self, connection: Any) -> bool:
        return bool(connection.in_transaction)


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
    # The values the statement carries itself (`where(column == 5)`), by name.
    defaults: Mapping[str, Any]

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
        defaults = {
            name: compiled.binds[name].effective_value
            for name in names
            if not compiled.binds[name].required
        }
        return cls(compiled.string, names, binds, processors, defaults)

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        if self.defaults:
            parameters = {**self.defaults, **parameters}
        return [
            parameters[name] if bind is None else bind(parameters[name])
            for name, bind in zip(self.names, self.binds, strict=True)
        ]

    def convert(self, row: Sequence[Any]) -> tuple[Any, ...]:
        if not self.processors:
            return tuple(row)  # Textual SQL: no columns known, nothing to convert.
        return tuple(
            value if convert is None else convert(value)
            for value, convert in zip(row, self.processors, strict=True)
        )


def _pool_size(settings: Settings) -> int:
    if settings.database_pool_size is not None:
        return settings.database_pool_size
    return _SQLITE_POOL_SIZE if settings.is_sqlite else _POSTGRES_POOL_SIZE


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` says the database connection was lost, closed or refused (as
    opposed to a statement the database refused): the request is answered 503."""
    if isinstance(exc, DBAPIError):
        return _is_lost(exc.orig)
    return isinstance(exc, OSError)


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
