"""`conformance serve`: settings checked up front, and the embedded target that uses it."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from conformance.embedded import embedded_reference

from .conftest import PASSWORD, redis_available, truncate_postgres

# Cheap hashing for the child process, so tests spend their time on behaviour.
FAST_HASHING = {"ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "1024", "LOG_LEVEL": "warning"}


def child_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Settings for a child service on PostgreSQL: with Redis (its own key prefix) when
    REDIS_URL is set, so the login limit is shared between its workers."""
    env = dict(FAST_HASHING)
    if redis_available():
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
        env["REDIS_KEY_PREFIX"] = f"test-{os.getpid()}-{id(request)}:"
    return env


def _serve(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "serve", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "SECRET_KEY is a known default"),
        ({"ENVIRONMENT": "development", "SECRET_KEY": "short"}, "at least 32 characters"),
        ({"ENVIRONMENT": "staging"}, "ENVIRONMENT"),
        ({"ENVIRONMENT": "development", "LOGIN_MAX_FAILURES": "zero"}, "LOGIN_MAX_FAILURES"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(env: dict[str, str], message: str) -> None:
    result = _serve(env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_with_migrate_is_one_line() -> None:
    result = _serve(
        {"ENVIRONMENT": "development", "DATABASE_URL": "postgresql+asyncpg://x@127.0.0.1:1/none"},
        "--migrate",
    )
    assert result.returncode == 2
    assert "cannot migrate" in result.stderr and "Traceback" not in result.stderr


def test_an_unmigrated_database_is_one_line(tmp_path: object) -> None:
    result = _serve(
        {"ENVIRONMENT": "development", "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/new.db"}
    )
    assert result.returncode == 2
    assert "has no schema yet" in result.stderr and "--migrate" in result.stderr


def _journey(url: str, admin_email: str, admin_password: str) -> None:
    with httpx.Client(base_url=url, timeout=10) as client:
        assert client.get("/health/ready").json()["status"] == "healthy"
        signed_up = client.post(
            "/api/v1/users/", json={"email": "ada@example.com", "password": PASSWORD}
        )
        assert signed_up.status_code == 201
        token = client.post(
            "/api/v1/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        item = client.post("/api/v1/items/", json={"title": "Notebook"}, headers=headers)
        assert item.status_code == 201
        assert client.get("/api/v1/items/", headers=headers).json() == [item.json()]
        admin = client.post(
            "/api/v1/auth/login", data={"username": admin_email, "password": admin_password}
        )
        assert admin.status_code == 200


@pytest.mark.slow
def test_the_embedded_target_serves_the_api_on_sqlite() -> None:
    with embedded_reference(env=FAST_HASHING, workers=2) as target:
        _journey(target.url, target.admin_email, target.admin_password)


@pytest.mark.slow
@pytest.mark.postgres
def test_the_embedded_target_serves_the_api_on_postgres(
    postgres_url: str, request: pytest.FixtureRequest
) -> None:
    truncate_postgres(postgres_url)
    with embedded_reference(database_url=postgres_url, env=child_env(request), workers=2) as target:
        _journey(target.url, target.admin_email, target.admin_password)
