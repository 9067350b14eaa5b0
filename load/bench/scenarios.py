"""The benchmark's servers and scenarios.

Servers: the floor (`load.bench.floor` under uvicorn) and the reference service started
through `conformance.embedded` (SQLite, and PostgreSQL where a server answers), all with
one server process. Scenarios: the same request over and over, with the same driver and
the same number of connections, then `/health` while 8 logins run.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
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
    """The benchmark's own user on the service, logged in, with a few items."""

    email: str
    password: str
    token: str

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


def prepare_account(url: str, items: int = 10) -> Account:
    """Sign up, log in and create `items` items: what the read scenarios read."""
    email = f"bench-{time.monotonic_ns()}@loadtest.example.com"
    password = "benchmark password"
    with httpx.Client(base_url=url, timeout=30) as client:
        client.post("/api/v1/users/", json={"email": email, "password": password})
        response = client.post("/api/v1/auth/login", data={"username": email, "password": password})
        if response.status_code != 200:
            raise TargetError(f"the benchmark cannot log in: {response.status_code}", url=url)
        token = str(response.json()["access_token"])
        for n in range(items):
            client.post(
                "/api/v1/items/",
                json={"title": f"bench {n}", "description": "benchmark"},
                headers={"Authorization": f"Bearer {token}"},
            )
    return Account(email, password, token)


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
