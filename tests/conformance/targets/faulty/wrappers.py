"""Faults that live at the HTTP edge: ASGI wrappers around the clean reference app.

Each function takes the reference app and returns it with one clause of the contract
broken; nothing inside the service changes.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .asgi import ASGIApp, BufferedResponse, Scope, json_body, rewrite_request, rewrite_response

API = "/api/v1"
_USER_PATH = re.compile(rf"^{API}/users/(?:me|[0-9]+)?$")
_TOKEN_PATHS = (f"{API}/auth/login", f"{API}/auth/refresh")
_TIMESTAMP = re.compile(r'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(?:Z|[+-]\d\d:\d\d)"')


def _path(scope: Scope) -> str:
    path: str = scope["path"]
    return path


def leak_password_hash(app: ASGIApp) -> ASGIApp:
    """Every account in a response gains a `hashed_password` (the guide's `UserInDB`)."""

    def edit(response: BufferedResponse) -> None:
        body = json_body(response)
        accounts = body if isinstance(body, list) else [body]
        for account in accounts:
            if isinstance(account, dict) and "email" in account:
                account["hashed_password"] = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"
        response.body = json.dumps(body).encode()

    return rewrite_response(app, edit, when=lambda scope: bool(_USER_PATH.match(_path(scope))))


def drop_header(app: ASGIApp, name: str, *, status: int | None = None) -> ASGIApp:
    """Remove the header `name` from every response (of the given status, if any)."""

    def edit(response: BufferedResponse) -> None:
        if status is None or response.status == status:
            response.drop_header(name)

    return rewrite_response(app, edit)


def drop_token_cache_control(app: ASGIApp) -> ASGIApp:
    """Token responses lose `Cache-Control: no-store`."""
    return rewrite_response(
        app,
        lambda response: response.drop_header("cache-control"),
        when=lambda scope: _path(scope) in _TOKEN_PATHS,
    )


def created_as_ok(app: ASGIApp) -> ASGIApp:
    """A creation answers 200 instead of 201."""

    def edit(response: BufferedResponse) -> None:
        if response.status == 201:
            response.status = 200

    return rewrite_response(app, edit)


def reflect_any_origin(app: ASGIApp) -> ASGIApp:
    """Any `Origin` is reflected with credentials allowed (preflights answered for all)."""

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        origin = (
            next((v for k, v in scope.get("headers", []) if k == b"origin"), None)
            if scope["type"] == "http"
            else None
        )
        if origin is None:
            await app(scope, receive, send)
            return
        cors = [
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"vary", b"Origin"),
        ]
        if scope["method"] == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        *cors,
                        (b"access-control-allow-methods", b"GET, POST, PATCH, DELETE"),
                        (b"access-control-allow-headers", b"authorization, content-type"),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_cors(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *cors]}
            await send(message)

        await app(scope, receive, with_cors)

    return wrapped


def ignore_limit(app: ASGIApp) -> ASGIApp:
    """List operations never see `limit`: any value, even 10**6, gives the default page."""

    def edit(scope: Scope) -> None:
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        kept = [(key, value) for key, value in query if key != "limit"]
        scope["query_string"] = urlencode(kept).encode("latin-1")

    return rewrite_request(
        app, scope_edit=edit, when=lambda scope: _path(scope) in (f"{API}/items/", f"{API}/users/")
    )


def naive_timestamps(app: ASGIApp) -> ASGIApp:
    """Timestamps lose their UTC offset (the guide's naive `utcnow()`)."""

    def edit(response: BufferedResponse) -> None:
        if response.is_json:
            response.body = _TIMESTAMP.sub(r'"\1"', response.body.decode()).encode()

    return rewrite_response(app, edit, when=lambda scope: _path(scope).startswith(API))


def huge_id_server_error(app: ASGIApp) -> ASGIApp:
    """A path id beyond int64 is a 500 (the database driver's overflow, unhandled)."""

    def too_big(scope: Scope) -> bool:
        last = _path(scope).rstrip("/").rsplit("/", 1)[-1]
        return last.isdigit() and int(last) > 2**63 - 1

    async def wrapped(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not too_big(scope):
            await app(scope, receive, send)
            return
        body = b'{"detail":"Internal Server Error"}'
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", b"overflow"),
                    (b"x-content-type-options", b"nosniff"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return wrapped


_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/app/reference_impl/api/routing.py", line 31, in json\n'
    "    self._json = orjson.loads(body)\n"
    "orjson.JSONDecodeError: unexpected character: line 1 column 2 (char 1)"
)


def traceback_in_errors(app: ASGIApp) -> ASGIApp:
    """Refused bodies are answered with the server's traceback (a debug mode left on)."""

    def edit(response: BufferedResponse) -> None:
        if response.status in (400, 422) and response.scope["method"] in ("POST", "PATCH"):
            response.body = json.dumps({"detail": _TRACEBACK}).encode()

    return rewrite_response(app, edit)


def strip_unknown_fields(app: ASGIApp) -> ASGIApp:
    """Unknown fields of JSON bodies are dropped before validation: accepted, not 422."""
    known = {"title", "description", "email", "password", "full_name", "refresh_token"}

    def edit(scope: Scope, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if not isinstance(data, dict):
            return body
        return json.dumps({k: v for k, v in data.items() if k in known}).encode()

    return rewrite_request(
        app,
        body_edit=edit,
        when=lambda scope: scope["method"] in ("POST", "PATCH") and _path(scope).startswith(API),
    )


def stash_fields(app: ASGIApp, *, method: str, path: str, fields: tuple[str, ...]) -> ASGIApp:
    """Take `fields` out of a JSON body before validation and leave them for the service
    in `request.state.stashed`: the body passes as strict, and the service may honour them."""

    def edit(scope: Scope, body: bytes) -> bytes:
        try:
            data = json.loads(body)
        except ValueError:
            return body
        if not isinstance(data, dict):
            return body
        stashed = {name: data.pop(name) for name in fields if name in data}
        scope["state"] = {**scope.get("state", {}), "stashed": stashed}
        return json.dumps(data).encode()

    return rewrite_request(
        app,
        body_edit=edit,
        when=lambda scope: scope["method"] == method and _path(scope) == path,
    )
