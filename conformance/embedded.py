"""The embedded default target: the reference implementation in a child process.

`conformance run` with no `--url`, the load suite's tests and the benchmarks all need a
real server on a loopback port. This module starts one (`conformance serve --migrate` on a
temporary SQLite database unless told otherwise), waits until `/health/ready` answers, and
stops it. It talks to the service only through the command line and HTTP, so nothing here
imports `reference_impl`.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from .errors import TargetError

__all__ = ["EmbeddedTarget", "embedded_reference", "free_port"]

# Settings of the service that a caller's own environment must not leak into the child.
_SERVICE_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "ENVIRONMENT",
    "FIRST_SUPERUSER_EMAIL",
    "FIRST_SUPERUSER_PASSWORD",
    "ALLOWED_ORIGINS",
)


@dataclass(frozen=True)
class EmbeddedTarget:
    """A running reference service: where it listens and its superuser's credentials."""

    url: str
    admin_email: str
    admin_password: str
    log_path: Path


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on `host` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def embedded_reference(
    *,
    database_url: str | None = None,
    env: Mapping[str, str] | None = None,
    workers: int = 1,
    startup_timeout: float = 60.0,
) -> Iterator[EmbeddedTarget]:
    """Run the reference implementation on a free loopback port for the `with` block.

    `database_url` defaults to a fresh SQLite file in a temporary folder; `env` adds or
    overrides the service's settings (for example `REDIS_URL`). Raises `TargetError`
    with the end of the service's log when it does not become ready.
    """
    with tempfile.TemporaryDirectory(prefix="conformance-ref-") as scratch:
        folder = Path(scratch)
        port = free_port()
        admin_email = f"admin-{secrets.token_hex(4)}@conformance.example.com"
        admin_password = secrets.token_urlsafe(18)
        child_env = {k: v for k, v in os.environ.items() if k not in _SERVICE_ENV}
        child_env.update(
            DATABASE_URL=database_url or f"sqlite+aiosqlite:///{folder / 'reference.db'}",
            SECRET_KEY=secrets.token_urlsafe(48),
            ENVIRONMENT="development",
            FIRST_SUPERUSER_EMAIL=admin_email,
            FIRST_SUPERUSER_PASSWORD=admin_password,
        )
        child_env.update(env or {})
        log_path = folder / "service.log"
        command = [
            sys.executable,
            "-m",
            "conformance",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--migrate",
        ]
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, env=child_env, stdout=log, stderr=subprocess.STDOUT, cwd=folder
            )
            try:
                _wait_until_ready(process, url, log_path, startup_timeout)
                yield EmbeddedTarget(url, admin_email, admin_password, log_path)
            finally:
                _stop(process)


def _wait_until_ready(
    process: subprocess.Popen[bytes], url: str, log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise TargetError(
                    f"the reference service exited with code {process.returncode}: "
                    f"{_log_tail(log_path)}",
                    url=url,
                )
            try:
                if client.get(f"{url}/health/ready").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # Not listening yet.
            time.sleep(0.1)
    raise TargetError(
        f"the reference service was not ready within {timeout:.0f} s: {_log_tail(log_path)}",
        url=url,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _log_tail(log_path: Path) -> str:
    lines = [line for line in log_path.read_text("utf-8", "replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"
