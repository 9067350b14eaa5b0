"""Request id, security headers and one structured log line per request."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)
_logger = structlog.get_logger("reference_impl.access")


def _request_id(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if _VALID_REQUEST_ID.fullmatch(value):
                return bytes(value)
            break
    return str(uuid.uuid4()).encode("ascii")


class RequestContextMiddleware:
    """Give every answer an `X-Request-ID` and the security headers, and log it.

    It wraps Starlette's `ServerErrorMiddleware` (see `app.ReferenceApp`), so that 500
    answers carry the headers and get their log line too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        extra_headers = [(b"x-request-id", request_id), *_SECURITY_HEADERS]
        status = 500
        started = time.perf_counter()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra_headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            _logger.info(
                "request",
                method=scope["method"],
                route=getattr(route, "path_format", None),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                request_id=request_id.decode("ascii"),
            )
