"""What the plain and many fixtures share: `{"detail"}` errors, integer ids, their accounts.

Both document the same four account operations (`registerUser`, `issueToken`, `showMe`,
`removeMe`) and the same error body; `Accounts` serves those operations over one lock
that the app's own rows share, and `create_app` builds the Starlette app around them.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .apis_common import (
    Invalid,
    JSONResponse,
    SpecRules,
    Tokens,
    hash_password,
    resource,
    verify_password,
)

__all__ = ["Accounts", "NotFound", "User", "build_app", "now", "row_id"]

# A positive int64 in decimal: anything else in a path names no row.
_ID = re.compile(r"[1-9][0-9]{0,18}")
_INT64_MAX = 2**63 - 1


class Unauthorized(Exception):
    """No valid access token of an existing account."""


class NotFound(Exception):
    """The path names nothing the caller owns."""


class Conflict(Exception):
    """The username is taken."""


def now() -> str:
    return datetime.now(UTC).isoformat()


def row_id(raw: str) -> int:
    """The id a path value names, or 0 (which names nothing) for any other text."""
    number = int(raw) if _ID.fullmatch(raw) else 0
    return number if number <= _INT64_MAX else 0


@dataclass
class User:
    id: int
    username: str
    password_hash: str

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.username}


def _detail(status: int, detail: str) -> Response:
    return JSONResponse({"detail": detail[:300]}, status_code=status)


async def _on_error(request: Request, exc: Exception) -> Response:
    """The one place where errors become answers; none repeats the input."""
    if isinstance(exc, Invalid):
        return _detail(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors))
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


@dataclass
class Accounts:
    """The accounts of one app, their tokens, and the four account operations."""

    rules: SpecRules
    # Called, under `lock`, with an account being removed: delete everything it owns.
    on_remove: Callable[[User], None]
    tokens: Tokens = field(default_factory=Tokens)
    users: dict[int, User] = field(default_factory=dict)
    by_username: dict[str, User] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def next_id(self) -> int:
        """A new id, of an account or of any row of the app."""
        self.last_id += 1
        return self.last_id

    def caller(self, request: Request) -> User:
        subject = self.tokens.subject(request.headers.get("authorization"))
        user = self.users.get(int(subject)) if subject and subject.isdigit() else None
        if user is None:
            raise Unauthorized
        return user

    async def register(self, request: Request) -> Response:
        body = await self.rules.body(request, "registerUser")
        async with self.lock:
            if body["username"] in self.by_username:
                raise Conflict
            user = User(self.next_id(), body["username"], hash_password(body["password"]))
            self.users[user.id] = self.by_username[user.username] = user
        return JSONResponse(user.answer(), status_code=201)

    async def issue_token(self, request: Request) -> Response:
        body = await self.rules.body(request, "issueToken")
        async with self.lock:
            user = self.by_username.get(body["username"])
        if user is None or not verify_password(body["password"], user.password_hash):
            return _detail(401, "Unknown username or wrong password.")
        token = self.tokens.issue(str(user.id))
        return JSONResponse({"access_token": token, "token_type": "bearer"})

    async def show_me(self, request: Request) -> Response:
        async with self.lock:
            return JSONResponse(self.caller(request).answer())

    async def remove_me(self, request: Request) -> Response:
        async with self.lock:
            user = self.caller(request)
            self.on_remove(user)
            del self.users[user.id], self.by_username[user.username]
        return Response(status_code=204)

    def routes(self) -> list[Route]:
        return [
            resource("/users", {"POST": self.register}),
            resource("/auth/token", {"POST": self.issue_token}),
            resource("/me", {"GET": self.show_me, "DELETE": self.remove_me}),
        ]


def build_app(document: Mapping[str, Any], accounts: Accounts, routes: list[Route]) -> Starlette:
    """The app: its document at `/openapi.json`, the account operations and `routes`."""

    async def spec_document(request: Request) -> Response:
        return JSONResponse(document)

    handlers: dict[Any, Any] = {
        kind: _on_error for kind in (Invalid, Unauthorized, NotFound, Conflict, HTTPException)
    }
    app = Starlette(
        routes=[resource("/openapi.json", {"GET": spec_document}), *accounts.routes(), *routes],
        exception_handlers=handlers,
    )
    app.router.redirect_slashes = False
    return app
