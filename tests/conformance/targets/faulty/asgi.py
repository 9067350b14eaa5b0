"""Thin ASGI wrappers that break one thing about an app's answers (or its view of requests).

Each wrapper buffers what it changes (bodies here are small), fixes `content-length`, and
passes everything else through untouched, so a variant differs from the reference by
exactly the fault it names.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ASGIApp",
    "BufferedResponse",
    "Receive",
    "Scope",
    "Send",
    "json_body",
    "rewrite_request",
    "rewrite_response",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass
class BufferedResponse:
    """A whole HTTP response, for an edit function to change in place."""

    scope: Scope
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    trailers: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        key = name.lower().encode("latin-1")
        return next((v.decode("latin-1") for k, v in self.headers if k.lower() == key), None)

    def set_header(self, name: str, value: str) -> None:
        self.drop_header(name)
        self.headers.append((name.lower().encode("latin-1"), value.encode("latin-1")))

    def drop_header(self, name: str) -> None:
        key = name.lower().encode("latin-1")
        self.headers = [(k, v) for k, v in self.headers if k.lower() != key]

    @property
    def is_json(self) -> bool:
        return (self.header("content-type") or "").startswith("application/json")


def json_body(response: BufferedResponse) -> Any:
    """The response's JSON body, or `None` when it has none."""
    if not response.is_json or not response.body:
        return None
    return json.loads(response.body)


def rewrite_response(
    app: ASGIApp,
    edit: Callable[[BufferedResponse], None],
    *,
    when: Callable[[Scope], bool] = lambda scope: True,
) -> ASGIApp:
    """Call `edit` on every whole HTTP response of a request for which `when(scope)` holds."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not when(scope):
            await app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            response = BufferedResponse(
                scope, start["status"], list(start.get("headers", [])), b"".join(chunks)
            )
            edit(response)
            headers = [(k, v) for k, v in response.headers if k.lower() != b"content-length"]
            if response.status not in (204, 304):
                headers.append((b"content-length", str(len(response.body)).encode()))
            await send({**start, "status": response.status, "headers": headers})
            body = b"" if response.status in (204, 304) else response.body
            await send({"type": "http.response.body", "body": body})

        await app(scope, receive, capture)

    return wrapped


def rewrite_request(
    app: ASGIApp,
    *,
    scope_edit: Callable[[Scope], None] | None = None,
    body_edit: Callable[[Scope, bytes], bytes] | None = None,
    when: Callable[[Scope], bool] = lambda scope: True,
) -> ASGIApp:
    """Change the scope (path, query string, headers) and/or the whole body of matching requests."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not when(scope):
            await app(scope, receive, send)
            return
        scope = dict(scope)
        if scope_edit is not None:
            scope_edit(scope)
        if body_edit is None:
            await app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = body_edit(scope, b"".join(chunks))
        scope["headers"] = [
            (k, str(len(body)).encode() if k.lower() == b"content-length" else v)
            for k, v in scope["headers"]
        ]
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await app(scope, replay, send)

    return wrapped
