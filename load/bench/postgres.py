"""A throwaway PostgreSQL database for one benchmark run, created and dropped with asyncpg.

The server is shared (CI, other developers): the benchmark only ever touches a database
it created itself under a fresh random name, and drops it afterwards.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints

__all__ = ["DEFAULT_SERVER", "PostgresUnavailable", "scratch_database"]

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


class PostgresUnavailable(Exception):
    """The PostgreSQL server cannot be reached, or refuses to make a database."""


async def _execute(server: str, statement: str) -> None:
    connection = await asyncpg.connect(server, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def scratch_database(server: str = DEFAULT_SERVER) -> Iterator[str]:
    """Create a database named `loadbench_<random>`; yield its SQLAlchemy asyncpg URL.

    Raises `PostgresUnavailable` when the server cannot be reached or refuses; the
    caller decides whether that skips PostgreSQL.
    """
    name = f"loadbench_{secrets.token_hex(6)}"
    try:
        asyncio.run(_execute(server, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise PostgresUnavailable(f"{type(exc).__name__}: {exc}") from exc
    try:
        parts = urlsplit(server)
        yield urlunsplit(parts._replace(scheme="postgresql+asyncpg", path=f"/{name}"))
    finally:
        asyncio.run(_execute(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
