"""The exception handlers: every error the service answers, in the contract's shapes.

Domain errors (`reference_impl.errors`) map to their status in one handler; validation
errors are cut down to the contract's `ValidationErrorItem` (never the rejected input,
which may be a password); a lost database connection is 503 with `Retry-After`; anything
else unexpected is a bare 500 with no detail leaked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.routing import Match, Route

from ..db.engine import connection_lost
from ..errors import DatabaseUnavailable, ServiceError
from .responses import json_response

_logger = structlog.get_logger("reference_impl.errors")

# The bounds of the contract's ValidationErrorItem and HTTPValidationError.
_MAX_ERRORS = 256
_MAX_LOC = 32
_MAX_LOC_TEXT = 1024
_MAX_MSG = 4096
_MAX_TYPE = 128
_MAX_CTX = 16


def install(app: FastAPI) -> None:
    """Register every handler on `app`."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    # Database errors are answered here, inside the app, rather than by the outermost
    # handler of `Exception`, which Starlette re-raises to the server after answering.
    app.add_exception_handler(SQLAlchemyError, _unexpected_error)
    app.add_exception_handler(OSError, _unexpected_error)
    app.add_exception_handler(Exception, _unexpected_error)


async def _service_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return json_response({"detail": exc.detail}, exc.status_code, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=headers)
    return json_response({"detail": str(exc.detail)}, exc.status_code, headers)


def _allowed_methods(request: Request) -> str:
    # Starlette names only the first route that matched the path; a path served by two
    # routes (GET and POST of /users/) must list both. Only routes of the same template
    # count: `/users/{user_id}` also matches `/users/me`, which is another resource.
    template: str | None = None
    methods: set[str] = set()
    for route in request.app.router.routes:
        if not isinstance(route, Route) or not route.methods:
            continue
        if template is None:
            match, _ = route.matches(request.scope)
            if match is Match.NONE:
                continue
            template = route.path
        if route.path == template:
            methods |= route.methods
    return ", ".join(sorted(methods))


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    items = [_error_item(error) for error in exc.errors()[:_MAX_ERRORS]]
    return json_response({"detail": items}, 422)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    if connection_lost(exc):
        _logger.warning(
            "database_unavailable", method=request.method, path=request.url.path, error=str(exc)
        )
        lost = DatabaseUnavailable()
        return json_response({"detail": lost.detail}, lost.status_code, lost.headers)
    _logger.error("unhandled_error", method=request.method, path=request.url.path, exc_info=exc)
    return json_response({"detail": "Internal Server Error"}, 500)


def _error_item(error: Mapping[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "loc": [_loc_part(part) for part in tuple(error.get("loc", ()))[:_MAX_LOC]],
        "msg": _text(error.get("msg", ""), _MAX_MSG),
        "type": _text(error.get("type", ""), _MAX_TYPE),
    }
    ctx = error.get("ctx")
    if isinstance(ctx, Mapping) and ctx:
        item["ctx"] = {
            _text(key, _MAX_TYPE): _ctx_value(value) for key, value in list(ctx.items())[:_MAX_CTX]
        }
    return item


def _loc_part(part: object) -> str | int:
    if isinstance(part, int) and not isinstance(part, bool):
        return part
    return _text(part, _MAX_LOC_TEXT)


def _ctx_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | float):
        return value
    return _text(value, _MAX_LOC_TEXT)


def _text(value: object, limit: int) -> str:
    # Lone surrogates cannot be encoded as UTF-8; replace them rather than fail the answer.
    text = str(value)[:limit]
    return text.encode("utf-8", "replace").decode("utf-8")
