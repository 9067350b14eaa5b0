"""Fixtures for the reference implementation: an app per test on SQLite always, and on
PostgreSQL (with Redis) when TEST_DATABASE_URL (and REDIS_URL) are set.

PostgreSQL and Redis are shared with other engineers' runs: each test session makes its
own uniquely named database (dropped at the end), and each app gets its own Redis key
prefix.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import make_url

from reference_impl.app import create_app
from reference_impl.db.migrate import upgrade
from reference_impl.settings import Settings

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "admin-password-1"
PASSWORD = "correct horse battery staple"

# Read once, before the autouse fixture below hides them from the code under test.
_TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_REDIS_URL = os.environ.get("REDIS_URL")
_SERVICE_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_KEY_PREFIX",
    "SECRET_KEY",
    "ENVIRONMENT",
    "JWT_ALGORITHM",
    "ALLOWED_ORIGINS",
    "ACCESS_TOKEN_EXPIRE_MINUTES",
    "REFRESH_TOKEN_EXPIRE_MINUTES",
    "LOGIN_MAX_FAILURES",
    "LOGIN_WINDOW_SECONDS",
    "LOG_LEVEL",
)


@pytest.fixture(autouse=True)
def _no_service_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The service's settings come from each test, never from the shell."""
    for name in _SERVICE_ENV:
        monkeypatch.delenv(name, raising=False)


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test: development mode, a random key, cheap Argon2 parameters."""
    values: dict[str, Any] = {
        "environment": "development",
        "secret_key": secrets.token_urlsafe(48),
        "database_url": "sqlite+aiosqlite:///:memory:",
        "first_superuser_email": ADMIN_EMAIL,
        "first_superuser_password": ADMIN_PASSWORD,
        "argon2_time_cost": 1,
        "argon2_memory_cost": 1024,
        "redis_key_prefix": f"test-{secrets.token_hex(6)}:",
        "log_level": "info",
    }
    values.update(overrides)
    return Settings(**values)


# --- Databases ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite database migrated once; each test gets a copy."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def _postgres_reachable(url: str) -> str | None:
    import asyncpg  # type: ignore[import-untyped]

    async def probe() -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(url), timeout=5)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"PostgreSQL at TEST_DATABASE_URL is unreachable: {exc}"
    return None


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database for this session, migrated, then dropped."""
    if not _TEST_DATABASE_URL:
        pytest.skip(
            "TEST_DATABASE_URL is not set (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)"
        )
    problem = _postgres_reachable(_TEST_DATABASE_URL)
    if problem:
        pytest.skip(problem)
    import asyncpg

    name = f"reference_test_{secrets.token_hex(6)}"
    admin_dsn = _asyncpg_dsn(_TEST_DATABASE_URL)

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(admin_dsn)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = make_url(_TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def redis_available() -> bool:
    """Whether REDIS_URL was set for this session (reachable or not: see `redis_url`)."""
    return bool(_REDIS_URL)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL, if set and answering; else the test is skipped with the reason."""
    if not _REDIS_URL:
        pytest.skip("REDIS_URL is not set (e.g. redis://127.0.0.1:6379/0)")
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(_REDIS_URL, socket_connect_timeout=3) as client:
            client.ping()
    except (RedisError, OSError) as exc:
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    return _REDIS_URL


def truncate_postgres(url: str) -> None:
    """Empty the session's PostgreSQL database for the next test."""
    import asyncpg

    async def truncate() -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(url))
        try:
            await connection.execute(
                "TRUNCATE refresh_tokens, items, users RESTART IDENTITY CASCADE"
            )
        finally:
            await connection.close()

    asyncio.run(truncate())


@dataclass(frozen=True)
class Backend:
    """Where a test's data lives."""

    name: str
    database_url: str
    redis_url: str | None


@pytest.fixture(
    params=[
        pytest.param("sqlite"),
        pytest.param("postgres", marks=[pytest.mark.postgres]),
    ]
)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """SQLite (a copy of the migrated template), or the session's PostgreSQL database
    emptied for this test, with Redis when REDIS_URL is set."""
    if request.param == "sqlite":
        path = tmp_path / "reference.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return Backend("sqlite", f"sqlite+aiosqlite:///{path}", None)
    url = request.getfixturevalue("postgres_url")
    truncate_postgres(url)
    redis = None
    if _REDIS_URL:
        redis = request.getfixturevalue("redis_url")
    return Backend("postgres", url, redis)


# --- The app and its client -------------------------------------------------------------


@pytest.fixture
def settings(backend: Backend) -> Settings:
    """The settings of the test's app; override with `make_settings` in a test."""
    return make_settings(database_url=backend.database_url, redis_url=backend.redis_url)


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    """The app, with its lifespan running."""
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process through ASGITransport."""
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass
class Api:
    """Small helpers over the client for the steps most tests repeat."""

    client: httpx.AsyncClient

    async def sign_up(self, email: str, password: str = PASSWORD, **extra: Any) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/v1/users/", json={"email": email, "password": password, **extra}
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/v1/auth/login", data={"username": email, "password": password}
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def headers(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        tokens = await self.login(email, password)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    async def user(
        self, email: str, password: str = PASSWORD
    ) -> tuple[dict[str, Any], dict[str, str]]:
        """Sign up and log in: the account and its auth headers."""
        account = await self.sign_up(email, password)
        return account, await self.headers(email, password)

    async def admin_headers(self) -> dict[str, str]:
        return await self.headers(ADMIN_EMAIL, ADMIN_PASSWORD)


@pytest.fixture
def api(client: httpx.AsyncClient) -> Api:
    """Helpers for signing up, logging in and authenticating."""
    return Api(client)
