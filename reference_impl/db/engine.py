"""The engine, the session factory and the per-dialect tuning, made once per app lifespan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from ..settings import Settings

# An execution option of our own: a connection that only reads opens a deferred
# transaction on SQLite instead of an immediate (write-locking) one.
_READ_ONLY = "reference_read_only"


class Database:
    """The engine, a session factory for units of work, and a lean engine for single reads.

    `reader` runs one statement without a transaction round trip: PostgreSQL in
    autocommit, SQLite in a deferred transaction. The per-request account check uses it.
    """

    def __init__(self, settings: Settings) -> None:
        self.is_sqlite = settings.is_sqlite
        self.engine = _create_engine(settings)
        self.session_factory = async_sessionmaker(
            self.engine, expire_on_commit=False, autoflush=False
        )
        if self.is_sqlite:
            self.reader = self.engine.execution_options(**{_READ_ONLY: True})
        else:
            self.reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")

    def session(self) -> AsyncSession:
        """A new session; the caller commits what it means to keep."""
        return self.session_factory()

    async def ping(self) -> None:
        """Run `SELECT 1`; raises whatever the driver raises when the database is away."""
        async with self.reader.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


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
        connect_args={"server_settings": {"application_name": "reference_impl", "jit": "off"}},
    )
    return create_async_engine(settings.database_url, **options)


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
