"""The crew API (`spec.yaml`) as a Starlette app, in memory, with optional planted faults.

`create_app(admin=(login, password))` conforms to the spec, that member being its one
administrator; `create_app(faults={"read-any-member"})` breaks one clause per named
fault (see `FAULTS`), so that a test can show which check catches which fault.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
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

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")

# Each name breaks one clause of the spec (checked with `if name in faults` below).
FAULTS = frozenset(
    {
        "read-any-member",  # getMember serves any member's record to anyone
        "rename-any-member",  # renameMember renames anyone's record for anyone
        "remove-any-member",  # removeMember removes anyone for anyone
        "anyone-lists-crew",  # listCrew answers a member who is no administrator
        "admin-sees-own-only",  # an administrator's task reads and list are their own only
        "pages-overlap",  # listTasks starts each page one row early
        "location-off",  # addTask's Location names the next task id
        "name-dropped",  # join answers the new member without the name written
        "rename-ignored",  # renameMember answers the old name and keeps it
        "token-outlives-member",  # a removed member's token still works
    }
)


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Member:
    id: str
    login: str
    name: str | None
    password_hash: str
    admin: bool = False

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "login": self.login, "name": self.name}


@dataclass
class Task:
    id: int
    summary: str
    owner_id: str

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "summary": self.summary, "owner_id": self.owner_id}


@dataclass
class Store:
    members: dict[str, Member] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    last_task: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def by_login(self, login: str) -> Member | None:
        return next((m for m in self.members.values() if m.login == login), None)

    def add(self, login: str, password: str, name: str | None, admin: bool = False) -> Member:
        member = Member(f"m-{secrets.token_hex(6)}", login, name, hash_password(password), admin)
        self.members[member.id] = member
        return member


def _error(status: int, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Invalid):
        return _error(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors))
    assert isinstance(exc, Refused)
    return _error(exc.status, str(exc))


def create_app(
    *, admin: tuple[str, str] | None = None, faults: Iterable[str] = frozenset()
) -> Starlette:
    """The crew API, in memory; `admin` is the login and password of its administrator."""
    faults = frozenset(faults)
    unknown = faults - FAULTS
    if unknown:
        raise ValueError(f"unknown faults: {sorted(unknown)}")
    rules = SpecRules(load_spec(SPEC_PATH))
    tokens = Tokens()
    store = Store()
    if admin is not None:
        store.add(admin[0], admin[1], "Administrator", admin=True)

    def caller(request: Request) -> Member:
        subject = tokens.subject(request.headers.get("authorization")) or ""
        member = store.members.get(subject)
        if member is None and "token-outlives-member" in faults and subject in store.removed:
            member = Member(subject, "removed", None, "")
        if member is None:
            raise Refused(401, "a valid bearer token is required")
        return member

    def target(request: Request, me: Member, fault: str) -> Member:
        """The member the path names, if the caller may reach them."""
        wanted = request.path_params["member_id"]
        if wanted != me.id and not me.admin and fault not in faults:
            raise Refused(403, "that is another member's record")
        member = store.members.get(wanted)
        if member is None:
            raise Refused(404, "no such member")
        return member

    def sees_all(me: Member) -> bool:
        return me.admin and "admin-sees-own-only" not in faults

    async def join(request: Request) -> Response:
        body = await rules.body(request, "join")
        async with store.lock:
            if store.by_login(body["login"]) is not None:
                raise Refused(409, "that login is taken")
            member = store.add(body["login"], body["password"], body.get("name"))
        answer = member.answer()
        if "name-dropped" in faults:
            answer["name"] = None
        return JSONResponse(answer, status_code=201, headers={"Location": f"/crew/{member.id}"})

    async def start_session(request: Request) -> Response:
        body = await rules.body(request, "startSession")
        member = store.by_login(body["login"])
        if member is None or not verify_password(body["password"], member.password_hash):
            raise Refused(401, "unknown login or wrong password")
        answer = {"access_token": tokens.issue(member.id), "token_type": "bearer"}
        return JSONResponse({**answer, "expires_in": tokens.lifetime})

    async def list_crew(request: Request) -> Response:
        me = caller(request)
        if not me.admin and "anyone-lists-crew" not in faults:
            raise Refused(403, "administrators only")
        query = rules.query(request, "listCrew")
        crew = sorted(store.members.values(), key=lambda m: m.id)
        page = crew[query["offset"] : query["offset"] + query["limit"]]
        return JSONResponse({"members": [m.answer() for m in page], "total": len(crew)})

    async def who_am_i(request: Request) -> Response:
        return JSONResponse(caller(request).answer())

    async def get_member(request: Request) -> Response:
        return JSONResponse(target(request, caller(request), "read-any-member").answer())

    async def rename_member(request: Request) -> Response:
        member = target(request, caller(request), "rename-any-member")
        body = await rules.body(request, "renameMember")
        if "rename-ignored" not in faults:
            member.name = body["name"]
        return JSONResponse(member.answer())

    async def remove_member(request: Request) -> Response:
        member = target(request, caller(request), "remove-any-member")
        async with store.lock:
            del store.members[member.id]
            store.removed.add(member.id)
            for task in [t for t in store.tasks.values() if t.owner_id == member.id]:
                del store.tasks[task.id]
        return Response(status_code=204)

    async def list_tasks(request: Request) -> Response:
        me = caller(request)
        query = rules.query(request, "listTasks")
        tasks = [t for t in store.tasks.values() if sees_all(me) or t.owner_id == me.id]
        start = (query["page"] - 1) * query["size"]
        if "pages-overlap" in faults:
            start = max(start - 1, 0)
        page = tasks[start : start + query["size"]]
        return JSONResponse([t.answer() for t in page], headers={"X-Total": str(len(tasks))})

    async def add_task(request: Request) -> Response:
        me = caller(request)
        body = await rules.body(request, "addTask")
        async with store.lock:
            store.last_task += 1
            task = Task(store.last_task, body["summary"], me.id)
            store.tasks[task.id] = task
        shown = task.id + 1 if "location-off" in faults else task.id
        return JSONResponse(task.answer(), status_code=201, headers={"Location": f"/tasks/{shown}"})

    async def get_task(request: Request) -> Response:
        me = caller(request)
        raw = request.path_params["task_id"]
        task = store.tasks.get(int(raw)) if raw.isdigit() else None
        if task is None or not (sees_all(me) or task.owner_id == me.id):
            raise Refused(404, "no such task")
        return JSONResponse(task.answer())

    routes = [
        resource("/crew", {"POST": join, "GET": list_crew}),
        resource("/sessions", {"POST": start_session}),
        resource("/crew/me", {"GET": who_am_i}),
        resource(
            "/crew/{member_id}",
            {"GET": get_member, "PATCH": rename_member, "DELETE": remove_member},
        ),
        resource("/tasks", {"GET": list_tasks, "POST": add_task}),
        resource("/tasks/{task_id}", {"GET": get_task}),
    ]
    handlers: dict[Any, Any] = {Invalid: _on_error, Refused: _on_error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    return app
