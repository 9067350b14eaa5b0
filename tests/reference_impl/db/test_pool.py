"""The one pool: bounded, kept, and shared by concurrent requests on both databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import cast

import httpx
import pytest
from sqlalchemy import text

from reference_impl.app import create_app
from reference_impl.runtime import Runtime
from reference_impl.settings import Settings

from ..conftest import Api, Backend, make_settings

POOL_SIZE = 4
AT_ONCE = 40


async def _burst(client: httpx.AsyncClient, headers: dict[str, str], item: str) -> list[int]:
    # Reads, writes and a transaction (a refresh would need tokens: an account change is
    # one) all at once, ten times more than the pool has connections.
    async def one(n: int) -> int:
        if n % 3 == 0:
            answer = await client.get("/api/v1/users/me", headers=headers)
        elif n % 3 == 1:
            answer = await client.patch(item, json={"title": f"t{n}"}, headers=headers)
        else:
            answer = await client.post("/api/v1/items/", json={"title": f"n{n}"}, headers=headers)
        return answer.status_code

    return list(await asyncio.gather(*(one(n) for n in range(AT_ONCE))))


@dataclass(frozen=True)
class Served:
    """The app's runtime, a client of it, a user's headers and an item of theirs."""

    runtime: Runtime
    client: httpx.AsyncClient
    headers: dict[str, str]
    item: str


@asynccontextmanager
async def _served(settings: Settings) -> AsyncIterator[Served]:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            _, headers = await Api(client).user("ada@example.com")
            created = await client.post("/api/v1/items/", json={"title": "t"}, headers=headers)
            item = f"/api/v1/items/{created.json()['id']}"
            yield Served(app.state.runtime, client, headers, item)


async def test_concurrent_requests_wait_for_the_pool_and_open_no_more(backend: Backend) -> None:
    settings = make_settings(
        database_url=backend.database_url,
        redis_url=backend.redis_url,
        database_pool_size=POOL_SIZE,
    )
    async with _served(settings) as served:
        pool = served.runtime.database.pool
        first = await _burst(served.client, served.headers, served.item)
        opened = pool.open
        second = await _burst(served.client, served.headers, served.item)

        assert set(first) | set(second) <= {200, 201}
        assert 1 <= opened <= POOL_SIZE
        # Kept, not closed and opened again: the second burst made none.
        assert pool.open == opened
        items = await served.client.get("/api/v1/items/", headers=served.headers)
        assert items.headers["x-total-count"] == str(1 + 2 * (AT_ONCE // 3))


async def test_unset_the_pool_is_four_connections_on_sqlite_and_twenty_on_postgresql(
    backend: Backend,
) -> None:
    async with _served(make_settings(database_url=backend.database_url)) as served:
        answers = await _burst(served.client, served.headers, served.item)
        pool = served.runtime.database.pool
        assert set(answers) <= {200, 201}
        assert pool.size == (4 if served.runtime.settings.is_sqlite else 20)
        assert 1 <= pool.open <= pool.size


_OURS = "datname = current_database() AND application_name = 'reference_impl'"


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
async def test_the_server_starts_no_backend_once_the_pool_is_warm(backend: Backend) -> None:
    # What PostgreSQL itself sees: a pool that closed connections and opened new ones
    # under load would show backends started after the first burst.
    app = create_app(make_settings(database_url=backend.database_url, database_pool_size=3))
    async with app.router.lifespan_context(app):
        database = cast(Runtime, app.state.runtime).database
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:

            async def burst() -> set[int]:
                answers = await asyncio.gather(*(client.get("/health/ready") for _ in range(30)))
                return {answer.status_code for answer in answers}

            assert await burst() == {200}
            warm = await database.fetch_one(text("SELECT clock_timestamp()"))
            assert warm is not None
            assert await burst() == {200}
        row = await database.fetch_one(
            text(
                "SELECT count(*), count(*) FILTER (WHERE backend_start > :warm) "
                f"FROM pg_stat_activity WHERE {_OURS}"
            ),
            {"warm": warm[0]},
        )
    assert row is not None
    backends, started_since = row
    assert 1 <= backends <= 3
    assert started_since == 0


async def test_requests_cancelled_mid_flight_leave_the_pool_whole(backend: Backend) -> None:
    # Clients that go away while their statement runs or while they wait for a
    # connection: neither a connection nor a place in the pool may be lost with them.
    settings = make_settings(
        database_url=backend.database_url, redis_url=backend.redis_url, database_pool_size=2
    )
    async with _served(settings) as served:
        client, headers = served.client, served.headers
        for round_ in range(5):
            tasks = [
                asyncio.create_task(client.get("/api/v1/items/", headers=headers))
                for _ in range(12)
            ]
            # Cancelled at different points: before, while and after they borrow.
            for _ in range(round_):
                await asyncio.sleep(0)
            for task in tasks[::2]:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        assert served.runtime.database.pool.open <= 2
        answers = await asyncio.wait_for(
            asyncio.gather(*(client.get("/api/v1/items/", headers=headers) for _ in range(8))),
            timeout=5,
        )
        assert {answer.status_code for answer in answers} == {200}
