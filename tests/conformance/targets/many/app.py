"""A generic in-memory app serving the document `spec.document(n, nested=...)` describes.

One table per generated resource; rows are owned by the account that made them, and a
nested row by its parent too. The app counts the requests it answers (`app.state.served`),
so that the benchmark can say how many requests a run sent.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..apis_common import (
    Invalid,
    JSONResponse,
    SpecRules,
    Tokens,
    hash_password,
    resource,
    verify_password,
)
from .spec import Shape, document, shapes

__all__ = ["create_app"]

_ID = re.compile(r"[1-9][0-9]{0,18}")
_INT64_MAX = 2**63 - 1


class Unauthorized(Exception):
    """No valid access token of an existing account."""


class NotFound(Exception):
    """The path names nothing the caller owns."""


class Conflict(Exception):
    """The username is taken."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    password_hash: str


@dataclass
class Store:
    users: dict[int, User] = field(default_factory=dict)
    by_username: dict[str, User] = field(default_factory=dict)
    # Per resource name: its rows by id, each the answer it is served as.
    rows: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


def _row_id(raw: str) -> int:
    number = int(raw) if _ID.fullmatch(raw) else 0
    return number if number <= _INT64_MAX else 0


def _detail(status: int, detail: str) -> Response:
    return JSONResponse({"detail": detail}, status_code=status)


async def _on_error(request: Request, exc: Exception) -> Response:
    """The one place where errors become answers; none repeats the input."""
    if isinstance(exc, Invalid):
        return _detail(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors)[:300])
    if isinstance(exc, Unauthorized):
        return _detail(401, "A valid bearer token is required.")
    if isinstance(exc, NotFound):
        return _detail(404, "Nothing of yours there.")
    if isinstance(exc, Conflict):
        return _detail(409, "That username is taken.")
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"detail": str(exc.detail)[:300]},
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


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
    rules = SpecRules(spec)
    tokens = Tokens()
    store = Store()

    def caller(request: Request) -> User:
        subject = tokens.subject(request.headers.get("authorization"))
        user = store.users.get(int(subject)) if subject and subject.isdigit() else None
        if user is None:
            raise Unauthorized
        return user

    def find(shape: Shape, request: Request, user: User) -> dict[str, Any]:
        """The caller's row the path names, under the parent the path names."""
        row = store.rows[shape.name].get(_row_id(request.path_params[shape.id_param]))
        if row is None or row["owner_id"] != user.id:
            raise NotFound
        if shape.parent is not None:
            if row[shape.parent.id_param] != _row_id(request.path_params[shape.parent.id_param]):
                raise NotFound
        return row

    def parent_of(shape: Shape, request: Request, user: User) -> dict[str, Any] | None:
        """The caller's parent row a collection path names (None at the top level)."""
        return find(shape.parent, request, user) if shape.parent is not None else None

    def drop(shape: Shape, row_id: int) -> None:
        del store.rows[shape.name][row_id]
        for child in every:
            if child.parent is shape:
                for gone in [
                    k for k, v in store.rows[child.name].items() if v[shape.id_param] == row_id
                ]:
                    drop(child, gone)

    def handlers(shape: Shape) -> tuple[Route, Route]:
        list_id, create_id = f"list{shape.title}s", f"create{shape.title}"
        update_id = f"update{shape.title}"

        async def list_rows(request: Request) -> Response:
            async with store.lock:
                user = caller(request)
                query = rules.query(request, list_id)
                parent = parent_of(shape, request, user)
                mine = [
                    row
                    for row in store.rows[shape.name].values()
                    if row["owner_id"] == user.id
                    and (parent is None or row[shape.id_param_of_parent] == parent["id"])
                ]
                start = query["offset"]
                page = mine[start : start + query["limit"]]
                return JSONResponse({"items": page, "total": len(mine)})

        async def create_row(request: Request) -> Response:
            async with store.lock:
                user = caller(request)
                body = await rules.body(request, create_id)
                parent = parent_of(shape, request, user)
                row: dict[str, Any] = {
                    "id": store.next_id(),
                    "name": body["name"],
                    "note": body.get("note"),
                    "rank": body.get("rank", 0),
                    "owner_id": user.id,
                    "created_at": _now(),
                    "updated_at": None,
                }
                if shape.parent is not None and parent is not None:
                    row[shape.parent.id_param] = parent["id"]
                store.rows[shape.name][row["id"]] = row
                return JSONResponse(row, status_code=201)

        async def read_row(request: Request) -> Response:
            async with store.lock:
                return JSONResponse(find(shape, request, caller(request)))

        async def update_row(request: Request) -> Response:
            async with store.lock:
                user = caller(request)
                body = await rules.body(request, update_id)
                row = find(shape, request, user)
                row.update(body)
                row["updated_at"] = _now()
                return JSONResponse(row)

        async def delete_row(request: Request) -> Response:
            async with store.lock:
                drop(shape, find(shape, request, caller(request))["id"])
            return Response(status_code=204)

        return (
            resource(shape.collection_path, {"GET": list_rows, "POST": create_row}),
            resource(shape.item_path, {"GET": read_row, "PATCH": update_row, "DELETE": delete_row}),
        )

    async def spec_document(request: Request) -> Response:
        return JSONResponse(spec)

    async def register_user(request: Request) -> Response:
        body = await rules.body(request, "registerUser")
        async with store.lock:
            if body["username"] in store.by_username:
                raise Conflict
            user = User(store.next_id(), body["username"], hash_password(body["password"]))
            store.users[user.id] = store.by_username[user.username] = user
        return JSONResponse({"id": user.id, "username": user.username}, status_code=201)

    async def issue_token(request: Request) -> Response:
        body = await rules.body(request, "issueToken")
        async with store.lock:
            user = store.by_username.get(body["username"])
        if user is None or not verify_password(body["password"], user.password_hash):
            return _detail(401, "Unknown username or wrong password.")
        return JSONResponse({"access_token": tokens.issue(str(user.id)), "token_type": "bearer"})

    async def show_me(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            return JSONResponse({"id": user.id, "username": user.username})

    async def remove_me(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            for shape in every:
                if shape.parent is None:
                    owned = [
                        k for k, v in store.rows[shape.name].items() if v["owner_id"] == user.id
                    ]
                    for row_id in owned:
                        drop(shape, row_id)
            del store.users[user.id], store.by_username[user.username]
        return Response(status_code=204)

    every = shapes(count, nested=nested)
    routes: list[Route] = [
        resource("/openapi.json", {"GET": spec_document}),
        resource("/users", {"POST": register_user}),
        resource("/auth/token", {"POST": issue_token}),
        resource("/me", {"GET": show_me, "DELETE": remove_me}),
    ]
    for shape in every:
        store.rows[shape.name] = {}
        routes += handlers(shape)
    errors: dict[Any, Any] = {
        kind: _on_error for kind in (Invalid, Unauthorized, NotFound, Conflict, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=errors)
    app.router.redirect_slashes = False
    app.state.served = 0
    app.state.document = spec
    app.add_middleware(_Counter, state=app.state)
    return app
