"""The members API (`spec.yaml`) as a Starlette app, in memory, one store per app."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
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
_NOTE_ID = re.compile(r"[1-9][0-9]{0,18}")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class Unauthorized(Exception):
    """No valid access token of an enrolled member."""


class NotFound(Exception):
    """The path names no note of the caller's."""


class Conflict(Exception):
    """The handle is taken."""


@dataclass
class Member:
    id: int
    handle: str
    passphrase_hash: str


@dataclass
class Note:
    id: int
    owner_id: int
    text: str

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text}


@dataclass
class Store:
    members: dict[int, Member] = field(default_factory=dict)
    by_handle: dict[str, Member] = field(default_factory=dict)
    notes: dict[int, Note] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"message": message[:300]}, status_code=status, headers=headers)


async def _on_error(request: Request, exc: Exception) -> Response:
    """The one place where errors become answers."""
    if isinstance(exc, Invalid):
        return error(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors))
    if isinstance(exc, Unauthorized):
        return error(401, "a valid bearer token is required", _CHALLENGE)
    if isinstance(exc, NotFound):
        return error(404, "no such note")
    if isinstance(exc, Conflict):
        return error(409, "that handle is taken")
    assert isinstance(exc, HTTPException)
    return error(exc.status_code, str(exc.detail), dict(exc.headers or {}))


def create_app() -> Starlette:
    """The members API, in memory."""
    document = load_spec(SPEC_PATH)
    rules = SpecRules(document)
    tokens = Tokens()
    store = Store()

    def caller(request: Request) -> Member:
        subject = tokens.subject(request.headers.get("authorization"))
        member = store.members.get(int(subject)) if subject and subject.isdigit() else None
        if member is None:
            raise Unauthorized
        return member

    def own_note(request: Request, member: Member) -> Note:
        raw = request.path_params["note_id"]
        note = store.notes.get(int(raw)) if _NOTE_ID.fullmatch(raw) else None
        if note is None or note.owner_id != member.id:
            raise NotFound
        return note

    async def spec_document(request: Request) -> Response:
        return JSONResponse(document)

    async def enrol_member(request: Request) -> Response:
        body = await rules.body(request, "enrolMember")
        async with store.lock:
            if body["handle"] in store.by_handle:
                raise Conflict
            member = Member(store.next_id(), body["handle"], hash_password(body["passphrase"]))
            store.members[member.id] = store.by_handle[member.handle] = member
        return JSONResponse({"id": member.id, "handle": member.handle}, status_code=201)

    async def issue_token(request: Request) -> Response:
        body = await rules.body(request, "issueToken")
        async with store.lock:
            member = store.by_handle.get(body["handle"])
        if member is None or not verify_password(body["passphrase"], member.passphrase_hash):
            return error(401, "unknown handle or wrong passphrase", _CHALLENGE)
        token = tokens.issue(str(member.id))
        return JSONResponse(
            {"access_token": token, "token_type": "bearer", "expires_in": tokens.lifetime}
        )

    async def list_notes(request: Request) -> Response:
        async with store.lock:
            member = caller(request)
            limit = rules.query(request, "listNotes")["limit"]
            notes = [note for note in store.notes.values() if note.owner_id == member.id]
            # Ids are given in increasing order, and a dict keeps insertion order.
            return JSONResponse([note.answer() for note in notes[:limit]])

    async def write_note(request: Request) -> Response:
        async with store.lock:
            member = caller(request)
            body = await rules.body(request, "writeNote")
            note = Note(store.next_id(), member.id, body["text"])
            store.notes[note.id] = note
        headers = {"Location": f"/notes/{note.id}"}
        return JSONResponse(note.answer(), status_code=201, headers=headers)

    async def read_note(request: Request) -> Response:
        async with store.lock:
            return JSONResponse(own_note(request, caller(request)).answer())

    async def delete_note(request: Request) -> Response:
        async with store.lock:
            del store.notes[own_note(request, caller(request)).id]
        return Response(status_code=204)

    routes = [
        resource("/openapi.json", {"GET": spec_document}),
        resource("/members", {"POST": enrol_member}),
        resource("/tokens", {"POST": issue_token}),
        resource("/notes", {"GET": list_notes, "POST": write_note}),
        resource("/notes/{note_id}", {"GET": read_note, "DELETE": delete_note}),
    ]
    handlers: dict[Any, Any] = {
        kind: _on_error for kind in (Invalid, Unauthorized, NotFound, Conflict, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    return app
