"""Alembic's entry point: migrate the database of `DATABASE_URL` with an async engine."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from reference_impl.db.tables import Base
from reference_impl.settings import Settings

config = context.config
target_metadata = Base.metadata


def _database_url() -> str:
    # Programmatic runs pass the URL; the plain `alembic` command reads the environment.
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    return str(url or Settings.model_fields["database_url"].default)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_async_engine(_database_url(), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
