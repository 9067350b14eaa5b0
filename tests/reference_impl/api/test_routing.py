"""The one request path (`ContractRoute` and its compiled dependency plans), on an app of
its own: what FastAPI's documented dependency behaviour promises, kept.

No `from __future__ import annotations`: FastAPI reads the dependencies of these local
endpoints from their annotations, which must be objects, not strings.
"""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Query, Response
from pydantic import BaseModel

from reference_impl.api.routing import ContractRoute


class Thing(BaseModel):
    id: int
    name: str


def _app(*routes: tuple[str, str, Any, int]) -> FastAPI:
    app = FastAPI()
    for method, path, endpoint, status in routes:
        app.router.add_api_route(
            path, endpoint, methods=[method], status_code=status, route_class_override=ContractRoute
        )
    return app


async def _call(app: FastAPI, method: str, path: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.request(method, path, **kwargs)


async def test_a_dependency_asked_for_twice_runs_once_per_request() -> None:
    calls: list[str] = []

    async def caller() -> str:
        calls.append("caller")
        return "ada"

    async def greeting(name: Annotated[str, Depends(caller)]) -> str:
        return f"hello {name}"

    async def endpoint(
        name: Annotated[str, Depends(caller)], text: Annotated[str, Depends(greeting)]
    ) -> dict[str, str]:
        return {"name": name, "text": text}

    app = _app(("GET", "/", endpoint, 200))
    first = await _call(app, "GET", "/")
    second = await _call(app, "GET", "/")
    assert first.json() == second.json() == {"name": "ada", "text": "hello ada"}
    assert calls == ["caller", "caller"]  # Once per request, not once per use.


async def test_an_override_with_dependencies_of_its_own_is_solved_on_each_request() -> None:
    async def real() -> str:
        return "real"

    async def endpoint(value: Annotated[str, Depends(real)]) -> dict[str, str]:
        return {"value": value}

    app = _app(("GET", "/", endpoint, 200))
    assert (await _call(app, "GET", "/")).json() == {"value": "real"}

    async def prefix(tag: Annotated[str, Query()]) -> str:
        return tag

    async def fake(tag: Annotated[str, Depends(prefix)]) -> str:
        return f"fake-{tag}"

    # Set after the routes were built: read on every request.
    app.dependency_overrides[real] = fake
    assert (await _call(app, "GET", "/?tag=x")).json() == {"value": "fake-x"}
    missing = await _call(app, "GET", "/")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["query", "tag"]
    app.dependency_overrides.clear()
    assert (await _call(app, "GET", "/")).json() == {"value": "real"}


async def test_errors_of_every_level_make_one_422() -> None:
    async def paged(limit: Annotated[int, Query(ge=1)]) -> int:
        return limit

    async def endpoint(
        thing_id: int, limit: Annotated[int, Depends(paged)], body: Thing
    ) -> dict[str, int]:
        return {"id": thing_id}

    app = _app(("POST", "/{thing_id}", endpoint, 200))
    answer = await _call(app, "POST", "/abc?limit=0", json={"id": "x"})
    assert answer.status_code == 422
    locs = {tuple(error["loc"]) for error in answer.json()["detail"]}
    assert locs == {("query", "limit"), ("path", "thing_id"), ("body", "id"), ("body", "name")}


async def test_a_body_that_is_not_json_is_refused_as_fastapi_refuses_it() -> None:
    async def endpoint(body: Thing) -> Thing:
        return body

    app = _app(("POST", "/", endpoint, 201))
    broken = await _call(
        app, "POST", "/", content=b'{"id": 1,', headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.json()["detail"][0]["type"] == "json_invalid"
    # A JSON body under another JSON media type is read; under text/plain it is not JSON.
    good = await _call(
        app,
        "POST",
        "/",
        content=b'{"id": 1, "name": "a"}',
        headers={"content-type": "application/merge-patch+json; charset=utf-8"},
    )
    assert (good.status_code, good.json()) == (201, {"id": 1, "name": "a"})
    plain = await _call(
        app, "POST", "/", content=b'{"id": 1, "name": "a"}', headers={"content-type": "text/plain"}
    )
    assert plain.status_code == 422


async def test_the_answer_is_the_declared_model_whatever_the_endpoint_returns() -> None:
    async def as_model() -> Thing:
        return Thing(id=1, name="a")

    async def as_dict() -> Thing:
        return {"id": "2", "name": "b", "secret": "never sent"}  # type: ignore[return-value]

    async def invalid() -> Thing:
        return {"id": "x"}  # type: ignore[return-value]

    app = _app(
        ("GET", "/model", as_model, 200),
        ("GET", "/dict", as_dict, 200),
        ("GET", "/invalid", invalid, 200),
    )
    assert (await _call(app, "GET", "/model")).json() == {"id": 1, "name": "a"}
    # Validated and filtered through the model: converted, and the extra key dropped.
    assert (await _call(app, "GET", "/dict")).json() == {"id": 2, "name": "b"}
    assert (await _call(app, "GET", "/invalid")).status_code == 500


async def test_status_headers_and_background_tasks_set_by_dependencies_reach_the_answer() -> None:
    done: list[str] = []

    async def located(response: Response, tasks: BackgroundTasks) -> None:
        response.headers["Location"] = "/things/1"
        tasks.add_task(done.append, "after")

    async def endpoint(_: Annotated[None, Depends(located)], response: Response) -> Thing:
        response.status_code = 202
        return Thing(id=1, name="a")

    async def gone() -> None:
        return None

    app = _app(("POST", "/", endpoint, 201), ("DELETE", "/", gone, 204))
    answer = await _call(app, "POST", "/")
    assert (answer.status_code, answer.headers["location"]) == (202, "/things/1")
    assert done == ["after"]
    deleted = await _call(app, "DELETE", "/")
    assert (deleted.status_code, deleted.content) == (204, b"")


async def test_dependencies_with_yield_close_after_the_answer_and_see_its_failure() -> None:
    events: list[str] = []

    async def resource() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "r"
        except HTTPException as exc:
            events.append(f"failed {exc.status_code}")
            raise
        finally:
            events.append("close")

    def blocking() -> Iterator[str]:
        events.append("open sync")
        try:
            yield "s"
        finally:
            events.append("close sync")

    def plain() -> str:
        return "p"  # A plain `def`: run in the thread pool.

    async def endpoint(
        r: Annotated[str, Depends(resource)],
        s: Annotated[str, Depends(blocking)],
        p: Annotated[str, Depends(plain)],
        fail: bool = False,
    ) -> dict[str, str]:
        if fail:
            raise HTTPException(409, "no")
        return {"values": r + s + p}

    app = _app(("GET", "/", endpoint, 200))
    answer = await _call(app, "GET", "/")
    assert answer.json() == {"values": "rsp"}
    assert events == ["open", "open sync", "close sync", "close"]
    events.clear()
    failed = await _call(app, "GET", "/?fail=true")
    assert failed.status_code == 409
    assert events == ["open", "open sync", "close sync", "failed 409", "close"]


@pytest.mark.parametrize("method", ["PUT", "GET"])
async def test_other_methods_are_405_and_unknown_paths_404(method: str) -> None:
    async def endpoint() -> Thing:
        return Thing(id=1, name="a")

    app = _app(("POST", "/things", endpoint, 201))
    assert (await _call(app, method, "/things")).status_code == 405
    assert (await _call(app, "POST", "/nothing")).status_code == 404


async def test_a_path_with_a_final_newline_is_no_route_s_path() -> None:
    async def listing() -> dict[str, str]:
        return {"list": "all"}

    async def one(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    app = _app(("GET", "/things/", listing, 200), ("PATCH", "/things/{thing_id:id}", one, 200))
    assert (await _call(app, "PATCH", "/things/5")).json() == {"id": 5}
    # Not item 5, and not the collection (which would answer 405 to a PATCH).
    assert (await _call(app, "PATCH", "/things/5%0A")).status_code == 404
    assert (await _call(app, "PATCH", "/things/%0A")).status_code == 404
