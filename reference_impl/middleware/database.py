"""One database connection per request, given back when the request ends."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class RequestConnectionMiddleware:
    """Run each request in its database's `request_scope`: the account read and the
    operation's statements share one pooled connection (one checkout per request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = getattr(scope["app"].state, "runtime", None) if scope["type"] == "http" else None
        if runtime is None:
            await self.app(scope, receive, send)
            return
        async with runtime.database.request_scope():
            await self.app(scope, receive, send)
