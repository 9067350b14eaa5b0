"""The database drill: PostgreSQL backends killed under concurrent writes and reads.

The reference runs on a database this drill creates (and drops). Writers each own an
item and change its title again and again, and create items; readers read. Several
times during the run, every backend of that database (the service's connections; never
the drill's own, never another database's) is ended with `pg_terminate_backend`. Then
every acknowledged write is read back: an item's title must be its last acknowledged
value, or one of the values sent after it whose answer never came back acknowledged
(a write answered 503 may have been applied), and every acknowledged item must exist.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
import httpx
from sqlalchemy.engine import make_url

from conformance.embedded import embedded_reference

from .outcomes import Tally

PASSWORD = "drill password 1"
_TERMINATE = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = $1 AND pid <> pg_backend_pid()"
)


@dataclass
class _Writer:
    headers: dict[str, str]
    item_id: int
    acknowledged: str
    unsure: list[str] = field(default_factory=list)
    created: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DatabaseDrillReport:
    """The drill's figures; `passed` when nothing was lost, dropped or answered 500."""

    seconds: float
    kills: int
    backends_terminated: int
    requests: int
    answered_503: int
    answered_500: int
    dropped: int
    # The first few dropped requests and what the client saw.
    drops: tuple[str, ...]
    acknowledged_writes: int
    lost_writes: int
    statuses: dict[int, int]

    @property
    def passed(self) -> bool:
        return self.answered_500 == 0 and self.dropped == 0 and self.lost_writes == 0


async def _setup(client: httpx.AsyncClient, n: int) -> _Writer:
    email = f"drill-{n}-{time.monotonic_ns()}@drill.example.com"
    await client.post("/api/v1/users/", json={"email": email, "password": PASSWORD})
    tokens = await client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
    item = await client.post("/api/v1/items/", json={"title": "v0"}, headers=headers)
    return _Writer(headers, int(item.json()["id"]), "v0")


async def _write(client: httpx.AsyncClient, tally: Tally, writer: _Writer, stop: float) -> None:
    version = 0
    while time.monotonic() < stop:
        version += 1
        title = f"v{version}"
        if version % 4 == 0:
            created = await tally.send(
                client, "POST", "/api/v1/items/", json={"title": title}, headers=writer.headers
            )
            if created is not None and created.status_code == 201:
                writer.created[int(created.json()["id"])] = title
            continue
        writer.unsure.append(title)
        answer = await tally.send(
            client,
            "PATCH",
            f"/api/v1/items/{writer.item_id}",
            json={"title": title},
            headers=writer.headers,
        )
        if answer is not None and answer.status_code == 200:
            writer.acknowledged, writer.unsure = title, []
        elif answer is not None and answer.status_code == 503:
            await asyncio.sleep(0.05)


async def _read(client: httpx.AsyncClient, tally: Tally, writer: _Writer, stop: float) -> None:
    paths = ("/api/v1/users/me", "/api/v1/items/", f"/api/v1/items/{writer.item_id}")
    n = 0
    while time.monotonic() < stop:
        n += 1
        answer = await tally.send(client, "GET", paths[n % len(paths)], headers=writer.headers)
        if answer is not None and answer.status_code == 503:
            await asyncio.sleep(0.05)


async def _kill(dsn: str, database: str, times: int, every: float) -> tuple[int, int]:
    terminated = 0
    connection = await asyncpg.connect(dsn)
    try:
        for _ in range(times):
            await asyncio.sleep(every)
            terminated += int(await connection.fetchval(_TERMINATE, database))
    finally:
        await connection.close()
    return times, terminated


async def _wait_ready(client: httpx.AsyncClient, seconds: float = 15.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if (await client.get("/health/ready")).status_code == 200:
                return
        except httpx.TransportError:
            pass  # Reconnecting.
        await asyncio.sleep(0.2)


async def _lost(client: httpx.AsyncClient, writers: list[_Writer]) -> tuple[int, int]:
    acknowledged = lost = 0
    for writer in writers:
        acknowledged += 1 + len(writer.created)
        answer = await client.get(f"/api/v1/items/{writer.item_id}", headers=writer.headers)
        allowed = {writer.acknowledged, *writer.unsure}
        if answer.status_code != 200 or answer.json()["title"] not in allowed:
            lost += 1
        for item_id, title in writer.created.items():
            answer = await client.get(f"/api/v1/items/{item_id}", headers=writer.headers)
            if answer.status_code != 200 or answer.json()["title"] != title:
                lost += 1
    return acknowledged, lost


async def _drill(url: str, database_url: str, seconds: float, clients: int, kills: int) -> Any:
    parsed = make_url(database_url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    limits = httpx.Limits(max_connections=4 * clients)
    async with httpx.AsyncClient(base_url=url, timeout=30, limits=limits) as client:
        writers = [await _setup(client, n) for n in range(clients)]
        tally = Tally()
        started = time.monotonic()
        stop = started + seconds
        killer = asyncio.create_task(_kill(dsn, str(parsed.database), kills, seconds / (kills + 1)))
        await asyncio.gather(
            *(_write(client, tally, w, stop) for w in writers),
            *(_read(client, tally, w, stop) for w in writers),
        )
        done_kills, terminated = await killer
        elapsed = time.monotonic() - started
        await _wait_ready(client)
        acknowledged, lost = await _lost(client, writers)
    return DatabaseDrillReport(
        seconds=elapsed,
        kills=done_kills,
        backends_terminated=terminated,
        requests=tally.requests,
        answered_503=tally.statuses[503],
        answered_500=tally.server_errors,
        dropped=tally.dropped,
        drops=tuple(tally.drops),
        acknowledged_writes=acknowledged,
        lost_writes=lost,
        statuses=dict(sorted(tally.statuses.items())),
    )


def run_database_drill(
    database_url: str, *, seconds: float = 20.0, clients: int = 8, kills: int = 4
) -> DatabaseDrillReport:
    """Run the drill against a reference served on `database_url` (which it migrates)."""
    with embedded_reference(database_url=database_url, workers=1) as target:
        report: DatabaseDrillReport = asyncio.run(
            _drill(target.url, database_url, seconds, clients, kills)
        )
    return report
