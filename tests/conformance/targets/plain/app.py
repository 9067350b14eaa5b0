"""The plain API (`spec.yaml`) as a Starlette app, in memory, one store per app."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..apis_common import (
    Invalid,
    JSONResponse,
    SpecRules,
    Tokens,
    hash_password,
    load_spec,
    resource,
    verify_password,
)

__all__ = ["SPEC_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")
# A positive int64 in decimal: anything else in a path names no project.
_ID = re.compile(r"[1-9][0-9]{0,18}")
_INT64_MAX = 2**63 - 1


class Unauthorized(Exception):
    """No valid access token of an existing account."""


class NotFound(Exception):
    """The path names no project of the caller's."""


class Conflict(Exception):
    """The username is taken."""


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass
class User:
    id: int
    username: str
    password_hash: str

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username}


@dataclass
class Project:
    id: int
    owner_id: int
    name: str
    description: str | None
    created_at: str = field(default_factory=_now)
    updated_at: str | None = None

    def answer(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "owner_id": self.owner_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


@dataclass
class Store:
    users: dict[int, User] = field(default_factory=dict)
    by_username: dict[str, User] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def project(self, owner: User, raw_id: str) -> Project:
        """The caller's project named by a path id; `NotFound` for anything else."""
        number = int(raw_id) if _ID.fullmatch(raw_id) else 0
        project = self.projects.get(number) if number <= _INT64_MAX else None
        if project is None or project.owner_id != owner.id:
            raise NotFound
        return project


def _detail(status: int, detail: str) -> Response:
    return JSONResponse({"detail": detail}, status_code=status)


async def _on_error(request: Request, exc: Exception) -> Response:
    """The one place where errors become answers; none repeats the input."""
    if isinstance(exc, Invalid):
        return _detail(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors)[:300])
    if isinstance(exc, Unauthorized):
        return _detail(401, "A valid bearer token is required.")
    if isinstance(exc, NotFound):
        return _detail(404, "No such project.")
    if isinstance(exc, Conflict):
        return _detail(409, "That username is taken.")
    assert isinstance(exc, HTTPException)
    return JSONResponse(
        {"detail": str(exc.detail)[:300]},
        status_code=exc.status_code,
        headers=dict(exc.headers or {}),
    )


def create_app() -> Starlette:
    """The plain API, in memory; its document is served at `/openapi.json`."""
    document = load_spec(SPEC_PATH)
    rules = SpecRules(document)
    tokens = Tokens()
    store = Store()

    def caller(request: Request) -> User:
        subject = tokens.subject(request.headers.get("authorization"))
        user = store.users.get(int(subject)) if subject and subject.isdigit() else None
        if user is None:
            raise Unauthorized
        return user

    async def spec_document(request: Request) -> Response:
        return JSONResponse(document)

    async def register_user(request: Request) -> Response:
        body = await rules.body(request, "registerUser")
        async with store.lock:
            if body["username"] in store.by_username:
                raise Conflict
            user = User(store.next_id(), body["username"], hash_password(body["password"]))
            store.users[user.id] = store.by_username[user.username] = user
        return JSONResponse(user.answer(), status_code=201)

    async def issue_token(request: Request) -> Response:
        body = await rules.body(request, "issueToken")
        async with store.lock:
            user = store.by_username.get(body["username"])
        if user is None or not verify_password(body["password"], user.password_hash):
            return _detail(401, "Unknown username or wrong password.")
        return JSONResponse({"access_token": tokens.issue(str(user.id)), "token_type": "bearer"})

    async def show_me(request: Request) -> Response:
        async with store.lock:
            return JSONResponse(caller(request).answer())

    async def remove_me(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            for project in [p for p in store.projects.values() if p.owner_id == user.id]:
                del store.projects[project.id]
            del store.users[user.id], store.by_username[user.username]
        return Response(status_code=204)

    async def list_projects(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            query = rules.query(request, "listProjects")
            mine = sorted(
                (p for p in store.projects.values() if p.owner_id == user.id),
                key=lambda p: p.id,
            )
            start = query["offset"]
            page = mine[start : start + query["limit"]]
            return JSONResponse([project.answer() for project in page])

    async def start_project(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            body = await rules.body(request, "startProject")
            project = Project(store.next_id(), user.id, body["name"], body.get("description"))
            store.projects[project.id] = project
            return JSONResponse(project.answer(), status_code=201)

    async def show_project(request: Request) -> Response:
        async with store.lock:
            project = store.project(caller(request), request.path_params["project_id"])
            return JSONResponse(project.answer())

    async def rename_project(request: Request) -> Response:
        async with store.lock:
            user = caller(request)
            body = await rules.body(request, "renameProject")
            project = store.project(user, request.path_params["project_id"])
            project.name = body.get("name", project.name)
            project.description = body.get("description", project.description)
            project.updated_at = _now()
            return JSONResponse(project.answer())

    async def drop_project(request: Request) -> Response:
        async with store.lock:
            project = store.project(caller(request), request.path_params["project_id"])
            del store.projects[project.id]
        return Response(status_code=204)

    routes = [
        resource("/openapi.json", {"GET": spec_document}),
        resource("/users", {"POST": register_user}),
        resource("/auth/token", {"POST": issue_token}),
        resource("/me", {"GET": show_me, "DELETE": remove_me}),
        resource("/projects", {"GET": list_projects, "POST": start_project}),
        resource(
            "/projects/{project_id}",
            {"GET": show_project, "PATCH": rename_project, "DELETE": drop_project},
        ),
    ]
    handlers: dict[Any, Any] = {
        kind: _on_error for kind in (Invalid, Unauthorized, NotFound, Conflict, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    return app
