"""The shelves API (`spec.yaml`) as a Starlette app, in memory, with optional planted faults.

`create_app()` conforms to the spec; each name in `FAULTS` breaks one clause of it that a
property, limit or concurrency check must catch on the operation named beside it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
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
    read_json,
    resource,
    verify_password,
)

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")
LIMIT = 16 * 1024
_ID = re.compile(r"[1-9][0-9]{0,9}")
_INT32 = 2**31 - 1

# Each fault, and the (check, operation) that must name it.
FAULTS = {
    # Sign-up honours `admin` (echoed), or `is_admin` (not echoed: listPeople answers 200).
    "signup-admin": ("properties.user-mass-assignment", "joinPeople"),
    "signup-is-admin": ("properties.user-mass-assignment", "joinPeople"),
    "unknown-stored": ("properties.unknown-fields", "addShelf"),
    "leak-secret-hash": ("properties.no-secrets", "whoAmI"),
    "naive-created": ("properties.timestamps-utc", "getShelf"),
    "no-body-limit": ("limits.body-size", "addShelf"),
    "int32-overflow": ("limits.path-id-range", "getShelf"),
    "racy-labels": ("concurrency.duplicate-creates", "addShelf"),
    "racy-ids": ("concurrency.parallel-creates", "addShelf"),
}


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message


@dataclass
class Person:
    id: int
    login: str
    secret_hash: str
    motto: str | None = None
    admin: bool = False
    joined: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class Shelf:
    id: int
    owner: int
    label: str
    created: datetime
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Store:
    people: dict[int, Person] = field(default_factory=dict)
    shelves: dict[int, Shelf] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


def _error(status: int, message: str) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"message": message}, status_code=status, headers=headers)


async def _on_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Invalid):
        return _error(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors))
    if isinstance(exc, Refused):
        return _error(exc.status, exc.message)
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, str(exc.detail))


def create_app(faults: Iterable[str] = ()) -> Starlette:
    """The shelves API, in memory; `faults` names entries of `FAULTS` to plant."""
    planted = frozenset(faults)
    unknown = planted - set(FAULTS)
    assert not unknown, f"no such faults: {sorted(unknown)}"
    rules = SpecRules(load_spec(SPEC_PATH))
    tokens = Tokens()
    store = Store()

    def stamp(moment: datetime, naive: bool = False) -> str:
        text = moment.isoformat()
        return text[: -len("+00:00")] if naive else text

    def person_answer(person: Person) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "id": person.id,
            "login": person.login,
            "admin": person.admin,
            "joined": stamp(person.joined),
        }
        if person.motto is not None:
            answer["motto"] = person.motto
        if "leak-secret-hash" in planted:
            answer["password_hash"] = person.secret_hash
        return answer

    def shelf_answer(shelf: Shelf) -> dict[str, Any]:
        return {
            **shelf.extra,
            "id": shelf.id,
            "label": shelf.label,
            "created": stamp(shelf.created, naive="naive-created" in planted),
        }

    async def body_of(request: Request, operation_id: str) -> Any:
        raw = await request.body()
        if len(raw) > LIMIT and "no-body-limit" not in planted:
            raise Refused(413, "the body is larger than 16 KiB")
        value = await read_json(request)
        rules.check_body(operation_id, value)
        return value

    def caller(request: Request) -> Person:
        subject = tokens.subject(request.headers.get("authorization"))
        person = store.people.get(int(subject)) if subject and subject.isdigit() else None
        if person is None:
            raise Refused(401, "a valid bearer token is required")
        return person

    def own_shelf(request: Request, person: Person) -> Shelf:
        raw = request.path_params["shelf_id"]
        if not _ID.fullmatch(raw):
            raise Refused(404, "no such shelf")
        if int(raw) > _INT32:
            # The planted fault: the database's int32 column overflows, unhandled.
            raise (
                Refused(500, "integer out of range")
                if "int32-overflow" in planted
                else (Refused(404, "no such shelf"))
            )
        shelf = store.shelves.get(int(raw))
        if shelf is None or shelf.owner != person.id:
            raise Refused(404, "no such shelf")
        return shelf

    async def next_id() -> int:
        if "racy-ids" in planted:
            chosen = store.last_id + 1
            await asyncio.sleep(0.01)
            store.last_id = chosen
            return chosen
        store.last_id += 1
        return store.last_id

    async def join(request: Request) -> Response:
        body = await body_of(request, "joinPeople")
        honoured = {"signup-admin": "admin", "signup-is-admin": "is_admin"}
        admin = any(body.get(honoured[fault]) is True for fault in planted & set(honoured))
        async with store.lock:
            if any(p.login == body["login"] for p in store.people.values()):
                raise Refused(409, "that login is taken")
            person = Person(
                await next_id(),
                body["login"],
                hash_password(body["secret"]),
                body.get("motto"),
                admin=admin,
            )
            store.people[person.id] = person
        return JSONResponse(person_answer(person), status_code=201)

    async def list_people(request: Request) -> Response:
        if not caller(request).admin:
            raise Refused(403, "admins only")
        return JSONResponse([person_answer(p) for p in store.people.values()])

    async def who_am_i(request: Request) -> Response:
        return JSONResponse(person_answer(caller(request)))

    async def leave(request: Request) -> Response:
        async with store.lock:
            person = caller(request)
            del store.people[person.id]
            for shelf in [s for s in store.shelves.values() if s.owner == person.id]:
                del store.shelves[shelf.id]
        return Response(status_code=204)

    async def issue_token(request: Request) -> Response:
        body = await body_of(request, "issueToken")
        person = next((p for p in store.people.values() if p.login == body["login"]), None)
        if person is None or not verify_password(body["secret"], person.secret_hash):
            raise Refused(401, "unknown login or wrong secret")
        return JSONResponse({"access_token": tokens.issue(str(person.id)), "token_type": "bearer"})

    def label_taken(person: Person, label: str, but: int | None = None) -> bool:
        return any(
            s.owner == person.id and s.label == label and s.id != but
            for s in store.shelves.values()
        )

    async def list_shelves(request: Request) -> Response:
        person = caller(request)
        limit = rules.query(request, "listShelves")["limit"]
        own = [s for s in store.shelves.values() if s.owner == person.id]
        return JSONResponse({"items": [shelf_answer(s) for s in own[:limit]], "total": len(own)})

    async def add_shelf(request: Request) -> Response:
        person = caller(request)
        body = await body_of(request, "addShelf")
        if planted & {"racy-labels", "racy-ids"}:
            # Unlocked: the label is checked, and the id chosen, with awaits in between.
            if label_taken(person, body["label"]):
                raise Refused(409, "that label is taken")
            if "racy-labels" in planted:
                await asyncio.sleep(0.01)
            shelf = Shelf(await next_id(), person.id, body["label"], datetime.now(UTC))
        else:
            async with store.lock:
                if label_taken(person, body["label"]):
                    raise Refused(409, "that label is taken")
                shelf = Shelf(await next_id(), person.id, body["label"], datetime.now(UTC))
        if "unknown-stored" in planted:
            shelf.extra = {k: v for k, v in body.items() if k != "label"}
        store.shelves[shelf.id] = shelf
        return JSONResponse(shelf_answer(shelf), status_code=201)

    async def get_shelf(request: Request) -> Response:
        return JSONResponse(shelf_answer(own_shelf(request, caller(request))))

    async def relabel_shelf(request: Request) -> Response:
        shelf = own_shelf(request, caller(request))
        body = await body_of(request, "relabelShelf")
        person = store.people[shelf.owner]
        if "label" in body:
            if label_taken(person, body["label"], but=shelf.id):
                raise Refused(409, "that label is taken")
            shelf.label = body["label"]
        return JSONResponse(shelf_answer(shelf))

    async def drop_shelf(request: Request) -> Response:
        shelf = own_shelf(request, caller(request))
        del store.shelves[shelf.id]
        return Response(status_code=204)

    routes = [
        resource("/people", {"POST": join, "GET": list_people}),
        resource("/people/me", {"GET": who_am_i, "DELETE": leave}),
        resource("/tokens", {"POST": issue_token}),
        resource("/shelves", {"GET": list_shelves, "POST": add_shelf}),
        resource(
            "/shelves/{shelf_id}",
            {"GET": get_shelf, "PATCH": relabel_shelf, "DELETE": drop_shelf},
        ),
    ]
    handlers: dict[Any, Any] = {kind: _on_error for kind in (Invalid, Refused, HTTPException)}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    return app
