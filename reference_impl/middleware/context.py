"""Request id, security headers and one structured log line per request."""

from __future__ import annotations

import random
import re
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
# A version 4 UUID: the version nibble 4, the variant bits 10.
_UUID4_MASK = ~((0xF << 76) | (0x3 << 62)) & (2**128 - 1)
_UUID4_BITS = (0x4 << 76) | (0x2 << 62)
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
)


def _request_id(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            if _VALID_REQUEST_ID.fullmatch(value):
                return bytes(value)
            break
    # A request id correlates log lines; it is no secret, so the cheap PRNG will do
    # (uuid4() asks the kernel for randomness on every request). A version 4 UUID,
    # formatted directly rather than through `uuid.UUID`, which validates its input.
    digits = b"%032x" % (random.getrandbits(128) & _UUID4_MASK | _UUID4_BITS)
    return b"-".join((digits[:8], digits[8:12], digits[12:16], digits[16:20], digits[20:]))


class RequestContextMiddleware:
    """Give every answer an `X-Request-ID` and the security headers, and log it.

    It wraps Starlette's `ServerErrorMiddleware` (see `app.ReferenceApp`), so that 500
    answers carry the headers and get their log line too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        # Bound once, when the app builds its middleware (after logging is configured),
        # rather than assembled anew by a lazy proxy on every request.
        self._logger = structlog.get_logger("reference_impl.access").bind()

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
            self._logger.info(
                "request",
                method=scope["method"],
                route=getattr(route, "path_format", None),
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
                request_id=request_id.decode("ascii"),
            )
