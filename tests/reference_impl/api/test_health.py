"""`/health` and `/health/ready`."""

from __future__ import annotations

import httpx
import pytest

from reference_impl.app import create_app

from ..conftest import make_settings


async def test_liveness(client: httpx.AsyncClient) -> None:
    answer = await client.get("/health")
    assert answer.status_code == 200 and answer.json() == {"status": "healthy"}


async def test_readiness_names_its_checks(client: httpx.AsyncClient, backend: object) -> None:
    answer = await client.get("/health/ready")
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "healthy" and body["checks"]["database"] == "ok"
    assert body["checks"].get("redis") in {None, "ok"}


async def _ready(settings_overrides: dict[str, object]) -> httpx.Response:
    app = create_app(
        make_settings(
            first_superuser_email=None, first_superuser_password=None, **settings_overrides
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.get("/health/ready")


async def test_readiness_is_503_when_the_database_is_away() -> None:
    answer = await _ready({"database_url": "postgresql+asyncpg://nobody@127.0.0.1:1/none"})
    assert answer.status_code == 503
    assert answer.json() == {"status": "unhealthy", "checks": {"database": "failed"}}


async def test_readiness_is_503_when_redis_is_away(sqlite_template: object) -> None:
    answer = await _ready(
        {
            "database_url": f"sqlite+aiosqlite:///{sqlite_template}",
            "redis_url": "redis://127.0.0.1:1/0",
        }
    )
    assert answer.status_code == 503
    assert answer.json() == {"status": "unhealthy", "checks": {"database": "ok", "redis": "failed"}}


@pytest.mark.redis
async def test_readiness_checks_redis_where_configured(
    redis_url: str, sqlite_template: object
) -> None:
    answer = await _ready(
        {"database_url": f"sqlite+aiosqlite:///{sqlite_template}", "redis_url": redis_url}
    )
    assert answer.status_code == 200
    assert answer.json()["checks"] == {"database": "ok", "redis": "ok"}
