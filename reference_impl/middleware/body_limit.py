"""413 for request bodies over the limit, whether declared up front or streamed."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..api.responses import json_response

# How much of an oversized body is read and thrown away before the 413. A client that
# sends its whole body before reading the answer would otherwise see the connection reset
# (the kernel resets a socket closed with unread data) instead of the 413; past this
# much, the connection is closed anyway rather than spend bandwidth on an attacker.
_DRAIN_BYTES = 8 * 1024 * 1024


class PayloadTooLarge(HTTPException):
    """The body grew past the limit while the app was reading it.

    An `HTTPException`, so that FastAPI's body reading lets it through to the exception
    handlers; if it escapes the app before any answer, the middleware answers itself.
    """

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="Request body too large")


class BodyLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413 before they reach the app, or as they
    stream in when no `Content-Length` says how large they are."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length":
                if value.isdigit() and int(value) > self.max_bytes:
                    await _too_large(scope, receive, send)
                    return
            elif name == b"transfer-encoding":
                chunked = True
        if not chunked:
            # No body, or one whose declared length the server enforces: nothing to count.
            await self.app(scope, receive, send)
            return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise PayloadTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except PayloadTooLarge:
            if response_started:
                raise
            await _too_large(scope, receive, send)


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    await _drain(receive)
    response = json_response({"detail": "Request body too large"}, 413, {"Connection": "close"})
    await response(scope, receive, send)


async def _drain(receive: Receive) -> None:
    drained = 0
    while drained <= _DRAIN_BYTES:
        message = await receive()
        if message["type"] != "http.request":
            return  # The client went away.
        drained += len(message.get("body", b""))
        if not message.get("more_body", False):
            return
