"""Run the Alembic migrations that ship inside the package, from any working directory."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

# `package:path` makes Alembic find the scripts through the import system, so the same
# location works from a checkout, an editable install and a wheel.
SCRIPT_LOCATION = "reference_impl:migrations"


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic configuration for the bundled migrations, optionally bound to a URL."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if database_url is not None:
        # Passed as an attribute, not an ini option, so `%` in a password needs no escaping.
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database at `database_url` to `revision`; blocks, so call it off any loop."""
    command.upgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    """The newest revision the bundled migrations know."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(database_url: str) -> str | None:
    """The revision the database at `database_url` is at (None: never migrated).
    Blocks, so call it off any loop."""
    return asyncio.run(_current_revision(database_url))


async def _current_revision(database_url: str) -> str | None:
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_revision_of)
    finally:
        await engine.dispose()


def _revision_of(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
