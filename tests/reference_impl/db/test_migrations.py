"""The bundled migrations build exactly the schema the ORM tables describe."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from reference_impl.db.migrate import upgrade
from reference_impl.db.tables import Base


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _schema_drift(url: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_differences)
    finally:
        await engine.dispose()


# SQLite cannot reflect the lower(email) index; the test below checks that one directly.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection:sqlalchemy.exc.SAWarning")
@pytest.mark.filterwarnings(
    "ignore:autogenerate skipping metadata-specified expression-based index"
)
async def test_sqlite_migrations_match_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    await asyncio.to_thread(upgrade, url)  # Idempotent: a second run changes nothing.
    assert await _schema_drift(url) == []
    with sqlite3.connect(path) as connection:
        (index_sql,) = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'uq_users_email_lower'"
        ).fetchone()
    assert index_sql == "CREATE UNIQUE INDEX uq_users_email_lower ON users (lower(email))"


@pytest.mark.postgres
async def test_postgres_migrations_match_the_tables(postgres_url: str) -> None:
    assert await _schema_drift(postgres_url) == []


def test_migrations_run_from_any_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'elsewhere.db'}")
    assert (tmp_path / "elsewhere.db").stat().st_size > 0
