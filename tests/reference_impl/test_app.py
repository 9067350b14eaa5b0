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


def test_an_operation_without_a_handler_stops_the_service() -> None:
    import pytest

    from reference_impl.api import all_handlers
    from reference_impl.errors import ContractMismatch

    handlers = all_handlers().without("readItem")
    with pytest.raises(ContractMismatch) as caught:
        create_app(make_settings(), handlers=handlers)
    message = str(caught.value)
    assert message == "operation readItem (GET /api/v1/items/{item_id}) has no handler"
    assert "\n" not in message


def test_a_handler_without_an_operation_stops_the_service() -> None:
    import pytest

    from reference_impl.api import all_handlers
    from reference_impl.api.operations import Handlers
    from reference_impl.errors import ContractMismatch

    extra = Handlers()

    @extra.implements("exportItems")
    async def export_items() -> None:
        """Not an operation of the spec."""

    with pytest.raises(ContractMismatch, match=r"implements exportItems, which is not an"):
        create_app(make_settings(), handlers=all_handlers().merged(extra))


def test_routes_take_status_summary_and_tag_from_the_spec() -> None:
    document = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))
    app = create_app(make_settings())
    routes = {r.operation_id: r for r in app.routes if isinstance(r, APIRoute)}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            route = routes[operation["operationId"]]
            success = min(int(code) for code in operation["responses"] if code.startswith("2"))
            assert route.status_code == success
            assert route.summary == operation["summary"]
            assert route.tags == operation["tags"]
            assert re.sub(r"{(\w+):\w+}", r"{\1}", route.path) == path


async def test_dependency_overrides_reach_every_route(app: object) -> None:
    # `/users/me` too: there is no route of its own beside the one request path.
    from fastapi import FastAPI

    from reference_impl.deps import get_caller, get_current_user
    from reference_impl.errors import SuperuserRequired

    assert isinstance(app, FastAPI)

    async def refuse() -> None:
        raise SuperuserRequired()

    # The two ways a route takes its caller: the account read now, or the token's caller
    # whose account the operation's own statement reads (the item operations).
    app.dependency_overrides[get_current_user] = refuse
    app.dependency_overrides[get_caller] = refuse
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for path in ("/api/v1/users/me", "/api/v1/items/", "/api/v1/items/1", "/api/v1/users/1"):
            answer = await client.get(path, headers={"Authorization": "Bearer x"})
            assert answer.status_code == 403, path
