"""The per-request account read, on both kinds of database."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from reference_impl.runtime import Runtime

from ..conftest import Api, Backend


async def test_reads_the_current_account(api: Api) -> None:
    account, headers = await api.user("ada@example.com")
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.json() == account


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_a_connection_the_server_ended_is_replaced(api: Api, app: FastAPI) -> None:
    _, headers = await api.user("ada@example.com")
    runtime: Runtime = app.state.runtime
    # The requests so far ran one at a time: the pool holds the one connection they used.
    assert runtime.database.pool.open == 1
    row = await runtime.database.fetch_one(text("SELECT pg_backend_pid()"))
    assert row is not None
    pid = row[0]
    engine = create_async_engine(runtime.settings.database_url)
    try:
        async with engine.connect() as admin:
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await engine.dispose()
    # The account read meets the dead connection, and is retried once on a new one.
    answer = await api.client.get("/api/v1/users/me", headers=headers)
    assert answer.status_code == 200
    assert (await api.client.get("/api/v1/items/", headers=headers)).status_code == 200


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
