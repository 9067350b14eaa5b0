"""Run the Alembic migrations that ship inside the package, from any working directory."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

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
