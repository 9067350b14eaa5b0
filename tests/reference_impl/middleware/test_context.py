"""Request id, security headers and the one log line per request."""

from __future__ import annotations

import uuid

import httpx
import pytest
from structlog.testing import capture_logs

from ..conftest import Api


async def test_a_valid_client_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    answer = await client.get("/health", headers={"X-Request-ID": "abc.DEF_1-2"})
    assert answer.headers["x-request-id"] == "abc.DEF_1-2"


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "semi;colon", "ünï"])
async def test_an_invalid_request_id_is_replaced_by_a_uuid(
    client: httpx.AsyncClient, bad: str
) -> None:
    answer = await client.get("/health", headers=[(b"X-Request-ID", bad.encode("utf-8"))])
    uuid.UUID(answer.headers["x-request-id"])


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/health"), ("GET", "/missing"), ("PUT", "/health"), ("GET", "/api/v1/users/me")],
)
async def test_every_answer_carries_the_headers(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    answer = await client.request(method, path)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["referrer-policy"] == "no-referrer"
    uuid.UUID(answer.headers["x-request-id"])


async def test_one_structured_line_per_request(api: Api) -> None:
    _, headers = await api.user("ada@example.com")
    with capture_logs() as logs:
        await api.client.get("/api/v1/users/1", headers={**headers, "X-Request-ID": "req-7"})
    access = [entry for entry in logs if entry["event"] == "request"]
    assert len(access) == 1
    line = access[0]
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/users/{user_id}"
    assert line["status"] in {200, 403}
    assert line["request_id"] == "req-7"
    assert line["duration_ms"] >= 0
    assert "authorization" not in str(line).lower()
