"""The contract checks' HTTP client: bound to the target, and failures that reproduce."""

from __future__ import annotations

import shlex

import httpx
import pytest

from conformance.engine.failures import curl_for
from conformance.engine.http import TargetClient
from conformance.errors import InternalError


def test_the_client_refuses_to_leave_the_target() -> None:
    client = TargetClient("http://127.0.0.1:9", timeout=1.0, rate_limit=None)
    with pytest.raises(InternalError, match="not the target"):
        client.request("GET", "http://example.com/steal")
    client.close()


def test_the_curl_line_sends_the_same_request() -> None:
    request = httpx.Request(
        "PATCH",
        "http://127.0.0.1:8000/api/v1/items/7",
        headers={"Authorization": "Bearer abc"},
        json={"title": "it's"},
    )
    words = shlex.split(curl_for(request))
    assert words[:4] == ["curl", "-i", "-X", "PATCH"]
    assert "authorization: Bearer abc" in words
    assert words[words.index("--data-binary") + 1] == '{"title":"it\'s"}'
    assert words[-1] == "http://127.0.0.1:8000/api/v1/items/7"
