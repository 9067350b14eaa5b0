"""The benchmark's servers and scenarios.

Servers: the floor (`load.bench.floor` under uvicorn) and the reference service started
through `conformance.embedded` (SQLite, and PostgreSQL where a server answers), all with
one server process. Scenarios: the same request over and over, with the same driver and
the same number of connections, then `/health` while 8 logins run.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from conformance.embedded import embedded_reference, free_port
from conformance.errors import TargetError

from .drivers import Driver, Measurement, Request

__all__ = [
    "Account",
    "Result",
    "floor_server",
    "health_during_logins",
    "prepare_account",
    "service_scenarios",
]

LOGINS_AT_ONCE = 8


@dataclass(frozen=True)
class Result:
    """One row of the benchmark: where, what, and what was measured."""

    server: str
    scenario: str
    measurement: Measurement


@dataclass(frozen=True)
class Account:
    """The benchmark's own user on the service, logged in, with a few items.

    `doomed` are the ids of items of a second account, made for the delete scenario to
    delete one each; `refresh_tokens` are refresh tokens of separate logins, one chain
    of rotations each in the refresh scenario.
    """

    email: str
    password: str
    token: str
    user_id: int = 0
    item_id: int = 0
    doomed: tuple[int, ...] = ()
    doomed_token: str = ""
    refresh_tokens: tuple[str, ...] = ()

    @property
    def login_form(self) -> str:
        return urlencode({"username": self.email, "password": self.password})


@contextmanager
def floor_server() -> Iterator[str]:
    """The bare Starlette endpoint under uvicorn, as the service is served."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "load.bench.floor:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        "1",
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    url = f"http://127.0.0.1:{port}"
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        try:
            _wait_for(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
            raise TargetError(f"the floor server exited with code {process.returncode}: {error}")
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # Not listening yet.
    raise TargetError("the floor server did not start within 30 s", url=url)


@contextmanager
def reference_server(database_url: str | None) -> Iterator[str]:
    """The reference service in one process, on SQLite (None) or the database given."""
    with embedded_reference(database_url=database_url, workers=1) as target:
        yield target.url


def _sign_up_and_log_in(
    client: httpx.Client, email: str, password: str
) -> tuple[int, dict[str, Any]]:
    created = client.post("/api/v1/users/", json={"email": email, "password": password})
    response = client.post("/api/v1/auth/login", data={"username": email, "password": password})
    if created.status_code != 201 or response.status_code != 200:
        raise TargetError(
            f"the benchmark cannot sign up and log in: {created.status_code}, "
            f"{response.status_code}",
            url=str(client.base_url),
        )
    return int(created.json()["id"]), response.json()


async def _create_items(url: str, token: str, count: int) -> list[int]:
    # Concurrently, so that thousands of items take seconds, not minutes.
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, timeout=30, headers=headers) as client:
        turn = asyncio.Semaphore(16)

        async def create(n: int) -> int:
            async with turn:
                answer = await client.post("/api/v1/items/", json={"title": f"doomed {n}"})
                return int(answer.json()["id"]) if answer.status_code == 201 else 0

        ids = await asyncio.gather(*(create(n) for n in range(count)))
    return sorted(i for i in ids if i)


def prepare_account(url: str, items: int = 10, *, deletable: int = 0, chains: int = 0) -> Account:
    """Sign up, log in and create `items` items: what the read scenarios read.

    Also `deletable` items of a second account (so that the first one's list stays ten
    items long) and `chains` refresh tokens from as many logins.
    """
    stamp = time.monotonic_ns()
    email = f"bench-{stamp}@loadtest.example.com"
    password = "benchmark password"
    with httpx.Client(base_url=url, timeout=30) as client:
        user_id, tokens = _sign_up_and_log_in(client, email, password)
        token = str(tokens["access_token"])
        item_ids = []
        for n in range(items):
            answer = client.post(
                "/api/v1/items/",
                json={"title": f"bench {n}", "description": "benchmark"},
                headers={"Authorization": f"Bearer {token}"},
            )
            item_ids.append(int(answer.json()["id"]))
        refresh_tokens = tuple(
            str(
                client.post(
                    "/api/v1/auth/login", data={"username": email, "password": password}
                ).json()["refresh_token"]
            )
            for _ in range(chains)
        )
        doomed_token = ""
        doomed: list[int] = []
        if deletable:
            _, other = _sign_up_and_log_in(
                client, f"bench-{stamp}-doomed@loadtest.example.com", password
            )
            doomed_token = str(other["access_token"])
            doomed = asyncio.run(_create_items(url, doomed_token, deletable))
    return Account(
        email,
        password,
        token,
        user_id=user_id,
        item_id=item_ids[0] if item_ids else 0,
        doomed=tuple(doomed),
        doomed_token=doomed_token,
        refresh_tokens=refresh_tokens,
    )


def service_scenarios(account: Account) -> list[tuple[str, Request]]:
    """The scenarios of the service, in the order they run (reads before writes)."""
    token = account.token
    return [
        ("GET /health", Request("GET", "/health")),
        ("GET /api/v1/users/me", Request("GET", "/api/v1/users/me", token=token)),
        ("GET /api/v1/items/", Request("GET", "/api/v1/items/", token=token)),
        (
            "POST /api/v1/items/",
            Request("POST", "/api/v1/items/", body='{"title": "bench item"}', token=token),
        ),
        (
            "POST /api/v1/auth/login",
            Request(
                "POST",
                "/api/v1/auth/login",
                body=account.login_form,
                content_type="application/x-www-form-urlencoded",
            ),
        ),
        # Every other operation of the load journey, after the scenarios above, which
        # keep their order so that their figures compare with earlier runs.
        (
            "GET /api/v1/items/{id}",
            Request("GET", f"/api/v1/items/{account.item_id}", token=token),
        ),
        (
            "PATCH /api/v1/items/{id}",
            Request(
                "PATCH",
                f"/api/v1/items/{account.item_id}",
                body='{"title": "bench patched"}',
                token=token,
            ),
        ),
        (
            "PATCH /api/v1/users/{id}",
            Request(
                "PATCH",
                f"/api/v1/users/{account.user_id}",
                body='{"full_name": "Bench Mark"}',
                token=token,
            ),
        ),
        (
            "POST /api/v1/auth/refresh",
            Request("POST", "/api/v1/auth/refresh", refresh_tokens=account.refresh_tokens),
        ),
        (
            "DELETE /api/v1/items/{id}",
            Request(
                "DELETE",
                "/api/v1/items/",
                token=account.doomed_token,
                paths=tuple(f"/api/v1/items/{i}" for i in account.doomed),
            ),
        ),
    ]


def health_during_logins(
    url: str,
    account: Account,
    make_driver: Callable[[int], Driver],
    seconds: float,
) -> tuple[Measurement, Measurement]:
    """`/health` latency (2 connections) while 8 connections log in without pause.

    Returns (health, logins). Liveness probes must stay fast while password hashing
    (Argon2, deliberately slow) runs: that is what running it off the event loop buys.
    """
    login = Request(
        "POST",
        "/api/v1/auth/login",
        body=account.login_form,
        content_type="application/x-www-form-urlencoded",
    )
    logins: list[Measurement] = []
    background = threading.Thread(
        target=lambda: logins.append(make_driver(LOGINS_AT_ONCE).run(url, login, seconds + 2)),
        daemon=True,
    )
    background.start()
    time.sleep(1.0)  # Let the logins saturate the hashing first.
    health = make_driver(2).run(url, Request("GET", "/health"), seconds)
    background.join(timeout=seconds + 90)
    if not logins:
        raise TargetError("the login load did not finish", url=url)
    return health, logins[0]
