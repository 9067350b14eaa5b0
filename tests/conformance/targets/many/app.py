"""A generic in-memory app serving the document `spec.document(n, nested=...)` describes.

One table per generated resource; rows are owned by the account that made them, and a
nested row by its parent too. The app counts the requests it answers (`app.state.served`),
so that the benchmark can say how many requests a run sent.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..apis_common import JSONResponse, SpecRules, resource
from ..detail_apis import Accounts, NotFound, User, build_app, now, row_id
from .spec import Shape, document, shapes

__all__ = ["create_app"]


class _Counter:
    """Counts the HTTP requests the app answers."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self._app = app
        self._state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self._state.served += 1
        await self._app(scope, receive, send)


def create_app(count: int, *, nested: bool = False) -> Starlette:
    """The app of `document(count, nested=nested)`, which it serves at `/openapi.json`."""
    spec = document(count, nested=nested)
    every = shapes(count, nested=nested)
    rules = SpecRules(spec)
    # Per resource name: its rows by id, each the answer it is served as.
    rows: dict[str, dict[int, dict[str, Any]]] = {shape.name: {} for shape in every}

    def drop(shape: Shape, gone: int) -> None:
        del rows[shape.name][gone]
        for child in every:
            if child.parent is shape:
                for kid in [k for k, v in rows[child.name].items() if v[shape.id_param] == gone]:
                    drop(child, kid)

    def remove_rows(user: User) -> None:
        for shape in every:
            if shape.parent is None:
                for gone in [k for k, v in rows[shape.name].items() if v["owner_id"] == user.id]:
                    drop(shape, gone)

    accounts = Accounts(rules, remove_rows)

    def find(shape: Shape, request: Request, user: User) -> dict[str, Any]:
        """The caller's row the path names, under the parent the path names."""
        row = rows[shape.name].get(row_id(request.path_params[shape.id_param]))
        if row is None or row["owner_id"] != user.id:
            raise NotFound
        if shape.parent is not None:
            if row[shape.parent.id_param] != row_id(request.path_params[shape.parent.id_param]):
                raise NotFound
        return row

    def parent_of(shape: Shape, request: Request, user: User) -> dict[str, Any] | None:
        """The caller's parent row a collection path names (None at the top level)."""
        return find(shape.parent, request, user) if shape.parent is not None else None

    def handlers(shape: Shape) -> tuple[Route, Route]:
        list_id, create_id = f"list{shape.title}s", f"create{shape.title}"
        update_id = f"update{shape.title}"

        async def list_rows(request: Request) -> Response:
            async with accounts.lock:
                user = accounts.caller(request)
                query = rules.query(request, list_id)
                parent = parent_of(shape, request, user)
                mine = [
                    row
                    for row in rows[shape.name].values()
                    if row["owner_id"] == user.id
                    and (parent is None or row[shape.id_param_of_parent] == parent["id"])
                ]
                start = query["offset"]
                page = mine[start : start + query["limit"]]
                return JSONResponse({"items": page, "total": len(mine)})

        async def create_row(request: Request) -> Response:
            async with accounts.lock:
                user = accounts.caller(request)
                body = await rules.body(request, create_id)
                parent = parent_of(shape, request, user)
                row: dict[str, Any] = {
                    "id": accounts.next_id(),
                    "name": body["name"],
                    "note": body.get("note"),
                    "rank": body.get("rank", 0),
                    "owner_id": user.id,
                    "created_at": now(),
                    "updated_at": None,
                }
                if parent is not None:
                    row[shape.id_param_of_parent] = parent["id"]
                rows[shape.name][row["id"]] = row
                return JSONResponse(row, status_code=201)

        async def read_row(request: Request) -> Response:
            async with accounts.lock:
                return JSONResponse(find(shape, request, accounts.caller(request)))

        async def update_row(request: Request) -> Response:
            async with accounts.lock:
                user = accounts.caller(request)
                body = await rules.body(request, update_id)
                row = find(shape, request, user)
                row.update(body)
                row["updated_at"] = now()
                return JSONResponse(row)

        async def delete_row(request: Request) -> Response:
            async with accounts.lock:
                drop(shape, find(shape, request, accounts.caller(request))["id"])
            return Response(status_code=204)

        return (
            resource(shape.collection_path, {"GET": list_rows, "POST": create_row}),
            resource(shape.item_path, {"GET": read_row, "PATCH": update_row, "DELETE": delete_row}),
        )

    app = build_app(spec, accounts, [route for shape in every for route in handlers(shape)])
    app.state.served = 0
    app.state.document = spec
    app.add_middleware(_Counter, state=app.state)
    return app
