"""GZip for clients that accept it, and no cost at all for those that do not."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


class AcceptedGZipMiddleware:
    """Starlette's `GZipMiddleware`, entered only when the request accepts gzip.

    Starlette's wraps every answer to inspect its headers even when it cannot compress
    it; this skips that work for the many clients (load balancers, probes, most API
    clients) that send no `Accept-Encoding: gzip`.
    """

    def __init__(self, app: ASGIApp, *, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"accept-encoding":
                    if b"gzip" in value:
                        await self.gzip(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
