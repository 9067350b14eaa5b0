"""The sessions API (`spec.yaml`) as a Starlette app, in memory, one store per app.

`faults` break one clause each (see `FAULTS`), so that a test can show which check of a
`conformance run` catches it on a spec that is not the bundled one.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
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

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")
_ID = re.compile(r"[1-9][0-9]{0,18}")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}
_TRACEBACK = 'Traceback (most recent call last):\n  File "/srv/sessions/app.py", line 1'

# Each fault, and the check that must catch it.
FAULTS = {
    "expired-accepted": "authn.expired-token",
    "no-rotation": "authn.refresh-rotation",
    "no-reuse-detection": "authn.refresh-reuse-revokes",
    "sign-out-keeps-token": "authn.logout-revokes",
    "passphrase-change-keeps-sessions": "authn.password-change-revokes",
    "enumerates-logins": "login.no-enumeration",
    "no-request-id": "config.request-id",
    "no-nosniff": "config.nosniff",
    "cors-reflects-origin": "config.cors",
    "traceback-in-errors": "config.error-bodies",
    "malformed-body-500": "config.malformed-body",
    "no-allow-on-405": "config.unknown-path-and-method",
}


class Unauthorized(Exception):
    """No valid access token of an open account."""


class NotFound(Exception):
    """The path names no account of the caller's."""


@dataclass
class Account:
    id: int
    login: str
    passphrase_hash: str

    def answer(self) -> dict[str, Any]:
        return {"id": self.id, "login": self.login}


@dataclass
class Store:
    accounts: dict[int, Account] = field(default_factory=dict)
    by_login: dict[str, Account] = field(default_factory=dict)
    # Refresh token -> (account id, revoked).
    refresh: dict[str, tuple[int, bool]] = field(default_factory=dict)
    last_id: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def revoke_all(self, account_id: int) -> None:
        for token, (owner, _) in list(self.refresh.items()):
            if owner == account_id:
                self.refresh[token] = (owner, True)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message[:300]}, status_code=status, headers=headers)


def create_app(*, faults: frozenset[str] = frozenset(), token_lifetime: int = 3600) -> Any:
    """The sessions API, in memory, with these faults (names of `FAULTS`)."""
    unknown = faults - set(FAULTS)
    assert not unknown, f"unknown faults: {sorted(unknown)}"
    document = load_spec(SPEC_PATH)
    rules = SpecRules(document)
    tokens = Tokens(token_lifetime, check_expiry="expired-accepted" not in faults)
    store = Store()

    async def on_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, Invalid):
            if "malformed-body-500" in faults and any("JSON" in r for _, r in exc.errors):
                return error(500, "internal error")
            if "traceback-in-errors" in faults:
                return error(422, _TRACEBACK)
            return error(422, "; ".join(f"{where} {rule}" for where, rule in exc.errors))
        if isinstance(exc, Unauthorized):
            return error(401, "a valid bearer token is required", _CHALLENGE)
        if isinstance(exc, NotFound):
            if "traceback-in-errors" in faults:
                return error(404, _TRACEBACK)
            return error(404, "no such account")
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if "no-allow-on-405" in faults:
            headers.pop("Allow", None)
        return error(exc.status_code, str(exc.detail), headers)

    def caller(request: Request) -> Account:
        subject = tokens.subject(request.headers.get("authorization"))
        account = store.accounts.get(int(subject)) if subject and subject.isdigit() else None
        if account is None:
            raise Unauthorized
        return account

    def own(request: Request) -> Account:
        account = caller(request)
        raw = request.path_params["account_id"]
        if not _ID.fullmatch(raw) or int(raw) != account.id:
            raise NotFound
        return account

    def session(account: Account) -> Response:
        refresh = secrets.token_urlsafe(24)
        store.refresh[refresh] = (account.id, False)
        body = {
            "accessToken": tokens.issue(str(account.id)),
            "refreshToken": refresh,
            "expiresIn": tokens.lifetime,
        }
        return JSONResponse(body)

    async def open_account(request: Request) -> Response:
        body = await rules.body(request, "openAccount")
        async with store.lock:
            if body["login"] in store.by_login:
                return error(409, "that login is taken")
            store.last_id += 1
            account = Account(store.last_id, body["login"], hash_password(body["passphrase"]))
            store.accounts[account.id] = store.by_login[account.login] = account
        return JSONResponse(account.answer(), status_code=201)

    async def read_own(request: Request) -> Response:
        return JSONResponse(caller(request).answer())

    async def read_account(request: Request) -> Response:
        return JSONResponse(own(request).answer())

    async def change_account(request: Request) -> Response:
        account = own(request)
        body = await rules.body(request, "changeAccount")
        async with store.lock:
            account.passphrase_hash = hash_password(body["passphrase"])
            if "passphrase-change-keeps-sessions" not in faults:
                store.revoke_all(account.id)
        return JSONResponse(account.answer())

    async def close_account(request: Request) -> Response:
        account = own(request)
        async with store.lock:
            store.revoke_all(account.id)
            del store.accounts[account.id], store.by_login[account.login]
        return Response(status_code=204)

    async def start_session(request: Request) -> Response:
        body = await rules.body(request, "startSession")
        account = store.by_login.get(body["login"])
        if account is None:
            if "enumerates-logins" in faults:
                return error(401, "no such login", _CHALLENGE)
            return error(401, "unknown login or wrong passphrase", _CHALLENGE)
        if not verify_password(body["passphrase"], account.passphrase_hash):
            return error(401, "unknown login or wrong passphrase", _CHALLENGE)
        return session(account)

    async def renew_session(request: Request) -> Response:
        body = await rules.body(request, "renewSession")
        async with store.lock:
            found = store.refresh.get(body["refreshToken"])
            if found is None or found[0] not in store.accounts:
                raise Unauthorized
            owner, revoked = found
            if revoked:
                if "no-reuse-detection" not in faults:
                    store.revoke_all(owner)
                raise Unauthorized
            if "no-rotation" not in faults:
                store.refresh[body["refreshToken"]] = (owner, True)
            return session(store.accounts[owner])

    async def sign_out(request: Request) -> Response:
        body = await rules.body(request, "signOut")
        async with store.lock:
            found = store.refresh.get(body["refreshToken"])
            if found is not None and "sign-out-keeps-token" not in faults:
                store.refresh[body["refreshToken"]] = (found[0], True)
        return Response(status_code=204)

    routes = [
        resource("/v1/accounts", {"POST": open_account}),
        resource("/v1/accounts/me", {"GET": read_own}),
        resource(
            "/v1/accounts/{account_id}",
            {"GET": read_account, "PATCH": change_account, "DELETE": close_account},
        ),
        resource("/v1/sessions", {"POST": start_session}),
        resource("/v1/sessions/renewal", {"POST": renew_session}),
        resource("/v1/sessions/revocation", {"POST": sign_out}),
    ]
    handlers: dict[Any, Any] = {
        kind: on_error for kind in (Invalid, Unauthorized, NotFound, HTTPException)
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False

    return _edge(app, faults)


def _edge(app: Starlette, faults: frozenset[str]) -> Any:
    """The headers every answer carries (X-Request-ID, nosniff), as faults leave them."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        given = dict(scope.get("headers", []))
        request_id = given.get(b"x-request-id", b"").decode("latin-1")
        added: list[tuple[bytes, bytes]] = []
        if "no-request-id" not in faults:
            valid = _REQUEST_ID.match(request_id)
            added.append((b"x-request-id", (request_id if valid else uuid.uuid4().hex).encode()))
        if "no-nosniff" not in faults:
            added.append((b"x-content-type-options", b"nosniff"))
        origin = given.get(b"origin")
        if origin and "cors-reflects-origin" in faults:
            added += [
                (b"access-control-allow-origin", origin),
                (b"access-control-allow-credentials", b"true"),
            ]

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *added]}
            await send(message)

        await app(scope, receive, with_headers)

    return wrapped
