"""The Redis drill: Redis goes away while logins run.

A redis-server of the drill's own (on a free port, never a shared one) backs the login
rate limit of a reference on SQLite. Logins run throughout; half-way, that server is
killed. Logins must keep answering (200, never 5xx, never a dropped connection), and
`/health/ready` must answer 503 naming `redis` as the failed check while the database
stays `ok`.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from conformance.embedded import embedded_reference, free_port
from conformance.errors import TargetError

from .outcomes import Tally

PASSWORD = "drill password 1"


@dataclass(frozen=True)
class RedisDrillReport:
    """The drill's figures; `passed` when logins kept answering and readiness said why."""

    logins_before: int
    logins_after: int
    failed_logins_after: int
    answered_500: int
    dropped: int
    # The first few dropped requests and what the client saw.
    drops: tuple[str, ...]
    readiness_status: int
    readiness_checks: dict[str, Any]

    @property
    def passed(self) -> bool:
        return (
            self.logins_after > 0
            and self.failed_logins_after == 0
            and self.answered_500 == 0
            and self.dropped == 0
            and self.readiness_status == 503
            and self.readiness_checks.get("redis") == "failed"
            and self.readiness_checks.get("database") == "ok"
        )


@contextmanager
def own_redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of our own on a free port: its URL and its process."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise TargetError("redis-server is not installed (apt-get install -y redis-server)")
    port = free_port()
    command = [executable, "--port", str(port), "--save", "", "--appendonly", "no"]
    command += ["--bind", "127.0.0.1", "--daemonize", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            probe = subprocess.run(
                ["redis-cli", "-p", str(port), "ping"], capture_output=True, check=False
            )
            if probe.stdout.strip() == b"PONG":
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


async def _logins(client: httpx.AsyncClient, tally: Tally, email: str, stop: float) -> list[int]:
    statuses: list[int] = []
    while time.monotonic() < stop:
        answer = await tally.send(
            client, "POST", "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
        )
        statuses.append(0 if answer is None else answer.status_code)
    return statuses


async def _drill(url: str, redis: subprocess.Popen[bytes], seconds: float) -> RedisDrillReport:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        emails = [f"redis-drill-{n}-{time.monotonic_ns()}@drill.example.com" for n in range(4)]
        for email in emails:
            await client.post("/api/v1/users/", json={"email": email, "password": PASSWORD})
        tally = Tally()
        half = time.monotonic() + seconds / 2
        before = await asyncio.gather(*(_logins(client, tally, e, half) for e in emails))
        redis.kill()
        redis.wait(timeout=10)
        stop = time.monotonic() + seconds / 2
        after = await asyncio.gather(*(_logins(client, tally, e, stop) for e in emails))
        ready = await client.get("/health/ready")
    after_statuses = [s for statuses in after for s in statuses]
    return RedisDrillReport(
        logins_before=sum(s == 200 for statuses in before for s in statuses),
        logins_after=sum(s == 200 for s in after_statuses),
        failed_logins_after=sum(s != 200 for s in after_statuses),
        answered_500=tally.server_errors,
        dropped=tally.dropped,
        drops=tuple(tally.drops),
        readiness_status=ready.status_code,
        readiness_checks=dict(ready.json().get("checks", {})),
    )


def run_redis_drill(*, seconds: float = 6.0) -> RedisDrillReport:
    """Run the drill against a reference on SQLite whose rate limit lives in our Redis."""
    with own_redis() as (redis_url, process):
        env = {"REDIS_URL": redis_url, "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8192"}
        with embedded_reference(env=env, workers=1) as target:
            return asyncio.run(_drill(target.url, process, seconds))
