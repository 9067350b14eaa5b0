"""The per-request account read, on both kinds of database."""

from __future__ import annotations

import asyncpg  # type: ignore[import-untyped]
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from reference_impl.repositories.accounts import (
    AsyncpgAccountReader,
    EngineAccountReader,
    SqliteAccountReader,
)
from reference_impl.runtime import Runtime

from ..conftest import Api, Backend


async def test_reads_the_current_account(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.json() == account


@pytest.mark.postgres
async def test_a_broken_connection_is_replaced(postgres_url: str) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    reader = await AsyncpgAccountReader.connect(postgres_url, max_size=1)
    try:
        before = await reader.read(1)
        held = reader._slots.get_nowait()
        reader._slots.put_nowait(held)
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", held.connection.get_server_pid())
        finally:
            await admin.close()
        outcomes: list[object] = []
        for _ in range(3):
            try:
                outcomes.append(await reader.read(1))
            except (
                asyncpg.PostgresError,
                asyncpg.InterfaceError,
                asyncpg.InternalClientError,
                OSError,
            ) as exc:
                outcomes.append(exc)
        assert outcomes[-1] == before  # Answering again, on a new connection.
    finally:
        await reader.close()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE users SET is_active = false WHERE email = 'ada@example.com'",
        "DELETE FROM users WHERE email = 'ada@example.com'",
    ],
)
async def test_an_account_changed_by_another_client_stops_working_at_once(
    api: Api, backend: Backend, statement: str
) -> None:
    # Another process (an admin's SQL, another instance) changes the row: the app hears
    # nothing of it, and the very next request must still see it.
    _, headers = await api.user("ada@example.com")
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 200
    engine = create_async_engine(backend.database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Could not validate credentials"}
    assert answer.headers["www-authenticate"] == "Bearer"


def test_the_sqlite_reader_is_for_files_only() -> None:
    # Another connection to `:memory:` would open another, empty, database.
    assert SqliteAccountReader.for_url("sqlite+aiosqlite:///:memory:") is None
    assert SqliteAccountReader.for_url("sqlite+aiosqlite://") is None
    assert SqliteAccountReader.for_url("sqlite+aiosqlite:///./reference.db") is not None


# The SQLite reader serves SQLite files only: there is no PostgreSQL case to run.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_the_sqlite_reader_reads_what_the_engine_reads(app: FastAPI) -> None:
    runtime: Runtime = app.state.runtime
    assert isinstance(runtime.accounts, SqliteAccountReader)
    through_engine = EngineAccountReader(runtime.database.reader)
    for user_id in (1, 2):
        assert await runtime.accounts.read(user_id) == await through_engine.read(user_id)
    admin = await runtime.accounts.read(1)
    assert admin is not None and admin.is_superuser and admin.created_at.tzinfo is not None
