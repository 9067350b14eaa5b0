"""`conformance serve`: run the reference implementation under uvicorn.

The settings are validated once, up front, so that a wrong value is one line naming the
variable rather than a traceback from every worker; `--migrate` brings the database to
the newest schema before the first worker starts.
"""

from __future__ import annotations

import uvicorn
from pydantic import ValidationError

from .errors import UsageError

APP_FACTORY = "reference_impl.app:create_app"


def check_settings() -> str:
    """Read the service's settings from the environment; its database URL if they are
    valid, else `UsageError` naming the variable and what to do."""
    from reference_impl.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        raise UsageError(_describe(exc), hint="see the settings table in README.md") from None
    return settings.database_url


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_input=False)[0]
    names = [str(part).upper() for part in first["loc"]]
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{names[0]}: {message}" if names else message


def migrate(database_url: str) -> None:
    """Run the bundled Alembic migrations up to head."""
    from sqlalchemy.exc import SQLAlchemyError

    from reference_impl.db.migrate import upgrade

    try:
        upgrade(database_url)
    except (SQLAlchemyError, OSError) as exc:
        raise UsageError(
            f"cannot migrate the database of DATABASE_URL: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}",
            hint="check DATABASE_URL and that the database server is running",
        ) from None


def check_schema(database_url: str) -> None:
    """`UsageError` unless the database is at the newest migration."""
    from sqlalchemy.exc import SQLAlchemyError

    from reference_impl.db.migrate import current_revision, head_revision

    try:
        current = current_revision(database_url)
    except (SQLAlchemyError, OSError) as exc:
        raise UsageError(
            f"cannot reach the database of DATABASE_URL: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0]}",
            hint="check DATABASE_URL and that the database server is running",
        ) from None
    if current != head_revision():
        state = "has no schema yet" if current is None else f"is at revision {current}"
        raise UsageError(
            f"the database of DATABASE_URL {state}",
            hint="run `conformance serve --migrate` once, or `alembic upgrade head`",
        )


def serve(*, host: str, port: int, workers: int, run_migrations: bool) -> None:
    """Validate the settings, migrate if asked (else check the schema is current), then
    serve until interrupted."""
    if workers < 1:
        raise UsageError("--workers must be at least 1")
    database_url = check_settings()
    if run_migrations:
        migrate(database_url)
    else:
        check_schema(database_url)
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        # The service logs one structured line per request itself.
        access_log=False,
        proxy_headers=False,
        # No `server: uvicorn` on every answer: it tells attackers what to try.
        server_header=False,
    )
