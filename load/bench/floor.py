"""The floor: a bare Starlette JSON endpoint, no middleware, no database.

Served by `uvicorn load.bench.floor:app --loop uvloop --http httptools`, like the service.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

__all__ = ["app"]


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"status": "healthy"})


app = Starlette(routes=[Route("/health", health)])
