"""Fixtures of the conformance tests: the reference implementation, on SQLite or PostgreSQL.

The reference runs as `conformance serve` in a child process (`embedded_reference`), as a
user's first `conformance run` starts it. PostgreSQL tests make their own database on the
server named by TEST_DATABASE_URL (shared with other engineers) and drop it afterwards.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.embedded import EmbeddedTarget, embedded_reference

from . import published


@pytest.fixture(scope="session")
def reference() -> Iterator[EmbeddedTarget]:
    """The reference implementation on a temporary SQLite database, for the whole session."""
    with embedded_reference() as target:
        yield target


def _admin_dsn(url: str) -> str:
    """An asyncpg DSN for SQLAlchemy's `postgresql+asyncpg://...` URL."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _execute(dsn: str, statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database of this session's own; skipped without TEST_DATABASE_URL."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (a postgresql+asyncpg:// URL)")
    name = f"conformance_run_{secrets.token_hex(6)}"
    admin = _admin_dsn(base)
    asyncio.run(_execute(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        asyncio.run(_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def shared_specs() -> Path:
    """The providers' published API descriptions (read-only), beside the project checkout."""
    if not (published.FOLDER / "INDEX.tsv").is_file():
        pytest.skip(published.ABSENT)
    return published.FOLDER
