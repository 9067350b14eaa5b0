"""Answers to input the contract rejects: never a 5xx, always the documented shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from generated.models import HTTPError, HTTPValidationError
from reference_impl.services.items import ItemService

from ..conftest import PASSWORD, Api


async def test_unknown_path_is_404(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/nothing-here")
    assert answer.status_code == 404
    HTTPError.model_validate(answer.json())


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/api/v1/users/", "GET, POST"),
        ("DELETE", "/api/v1/users/me", "GET"),
        ("PATCH", "/api/v1/users/me", "GET"),
        ("POST", "/api/v1/users/5", "DELETE, GET, PATCH"),
        ("GET", "/api/v1/auth/login", "POST"),
        ("HEAD", "/api/v1/items/", "GET, POST"),
        ("OPTIONS", "/health", "GET"),
        # The lean routes too: a GET route of theirs answers no implicit HEAD.
        ("HEAD", "/health", "GET"),
        ("HEAD", "/api/v1/users/me", "GET"),
    ],
)
async def test_wrong_method_is_405_with_allow(
    client: httpx.AsyncClient, method: str, path: str, allow: str
) -> None:
    answer = await client.request(method, path)
    assert answer.status_code == 405
    assert answer.headers["allow"] == allow


async def test_body_over_one_mebibyte_is_413(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    big = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    answer = await api.client.post(
        "/api/v1/items/", content=big, headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json() == {"detail": "Request body too large"}

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(17):
            yield b"x" * 65536

    streamed = await api.client.post(
        "/api/v1/items/", content=chunks(), headers={**headers, "content-type": "application/json"}
    )
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b'{"title": "\xff"}', "application/json", 400),
        (b"{not json", "application/json", 422),
        (b'{"title": "\\ud800"}', "application/json", 422),
        (b'["title"]', "application/json", 422),
        (b'{"title": 123456789012345678901234567890}', "application/json", 422),
        (b'{"title": "x"}', "text/plain", 422),
        (b"title=x", "application/x-www-form-urlencoded", 422),
        (b"", "application/json", 422),
    ],
)
async def test_bodies_the_contract_refuses(
    api: Api, content: bytes, content_type: str, status: int
) -> None:
    _, headers = await api.user("ada@example.com")
    answer = await api.client.post(
        "/api/v1/items/", content=content, headers={**headers, "content-type": content_type}
    )
    assert answer.status_code == status
    if status == 422:
        HTTPValidationError.model_validate(answer.json())
    else:
        HTTPError.model_validate(answer.json())


async def test_validation_errors_never_echo_the_input(client: httpx.AsyncClient) -> None:
    answer = await client.post(
        "/api/v1/users/", json={"email": "a@b.c", "password": "sh0rt!", "x" * 2000: 1}
    )
    assert answer.status_code == 422
    body = HTTPValidationError.model_validate(answer.json())
    assert "sh0rt!" not in answer.text
    assert all("input" not in item for item in answer.json()["detail"])
    assert any(item.type == "string_too_short" for item in body.detail)


async def test_an_unexpected_error_is_a_bare_500_with_the_headers(
    api: Api, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, headers = await api.user("ada@example.com")

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(ItemService, "page", broken)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        answer = await client.get("/api/v1/items/", headers={**headers, "X-Request-ID": "abc-1"})
    assert answer.status_code == 500
    assert answer.json() == {"detail": "Internal Server Error"}
    assert answer.headers["x-request-id"] == "abc-1"
    assert answer.headers["x-content-type-options"] == "nosniff"


async def test_login_with_a_1024_character_password_is_401_not_500(api: Api) -> None:
    await api.sign_up("ada@example.com")
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": "é" * 1024}
    )
    assert answer.status_code == 401
    answer = await api.client.post(
        "/api/v1/auth/login", data={"username": "ada@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 200
