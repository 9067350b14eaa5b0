"""CORS from settings, and GZip for large answers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from reference_impl.app import create_app

from ..conftest import Api, Backend, make_settings


@pytest.fixture
async def cors_client(
    backend: Backend, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    origins: str = getattr(request, "param", "https://app.example.com")
    app = create_app(make_settings(database_url=backend.database_url, allowed_origins=origins))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client


async def test_an_allowed_origin_gets_cors_headers(cors_client: httpx.AsyncClient) -> None:
    answer = await cors_client.get("/health", headers={"Origin": "https://app.example.com"})
    assert answer.headers["access-control-allow-origin"] == "https://app.example.com"
    assert answer.headers["access-control-allow-credentials"] == "true"
    preflight = await cors_client.options(
        "/api/v1/items/",
        headers={
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


async def test_a_disallowed_origin_gets_none(cors_client: httpx.AsyncClient) -> None:
    answer = await cors_client.get("/health", headers={"Origin": "https://evil.example.com"})
    assert "access-control-allow-origin" not in answer.headers


@pytest.mark.parametrize("cors_client", ["*"], indirect=True)
async def test_wildcard_never_comes_with_credentials(cors_client: httpx.AsyncClient) -> None:
    answer = await cors_client.get("/health", headers={"Origin": "https://any.example.com"})
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in answer.headers


async def test_no_origins_by_default(client: httpx.AsyncClient) -> None:
    answer = await client.get("/health", headers={"Origin": "https://app.example.com"})
    assert "access-control-allow-origin" not in answer.headers


async def test_large_answers_are_gzipped(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    for index in range(20):
        await api.client.post(
            "/api/v1/items/", json={"title": f"item {index}" * 10}, headers=headers
        )
    answer = await api.client.get("/api/v1/items/", headers={**headers, "Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert len(answer.json()) == 20
