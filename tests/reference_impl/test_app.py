"""The app as a whole: its operations are exactly the spec's, and it serves the spec."""

from __future__ import annotations

import re

import httpx
import yaml
from fastapi.routing import APIRoute

from reference_impl.app import create_app
from spec import OPENAPI_PATH

from .conftest import make_settings

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _spec_operations() -> set[tuple[str, str, str]]:
    document = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    return {
        (method.upper(), path, operation["operationId"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    }


def test_routes_and_spec_operations_are_the_same_set() -> None:
    app = create_app(make_settings())
    served = {
        (method, re.sub(r"{(\w+):\w+}", r"{\1}", route.path), route.operation_id)
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    assert served == _spec_operations()


async def test_openapi_json_is_the_spec_itself(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))


async def test_docs_are_served(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/docs")
    assert answer.status_code == 200
    assert "/api/v1/openapi.json" in answer.text


def test_create_app_reads_the_environment_only_when_called(monkeypatch: object) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ValueError, match="SECRET_KEY is a known default"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert create_app().title == "Users and Items API"
