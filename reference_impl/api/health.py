"""Liveness and readiness probes, at the root so orchestrators need no API version."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Literal

import structlog
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from generated.models import Checks, Health, Readiness

from ..deps import RuntimeDep
from ..errors import DatabaseUnavailable
from .operations import Handlers

handlers = Handlers()
_logger = structlog.get_logger("reference_impl.health")
_PROBE_TIMEOUT = 2.0
# Made once: the probe's answer never changes.
_HEALTHY = Health(status="healthy")


@handlers.implements("health")
async def health() -> Health:
    """Answers while the process serves requests; touches no dependency."""
    return _HEALTHY


@handlers.implements("readiness")
async def readiness(runtime: RuntimeDep) -> Response:
    """200 when the database (and Redis, where configured) answer; 503 naming the failure."""
    database = await _probe(
        "database", runtime.database.ping, (SQLAlchemyError, DatabaseUnavailable)
    )
    redis = None
    if runtime.redis is not None:
        redis = await _probe("redis", runtime.redis.ping, (RedisError,))
    healthy = database == "ok" and redis in {"ok", None}
    body = Readiness(
        status="healthy" if healthy else "unhealthy", checks=Checks(database=database, redis=redis)
    )
    return Response(
        body.model_dump_json(exclude_none=True),
        status_code=200 if healthy else 503,
        media_type="application/json",
    )


async def _probe(
    check: str,
    ping: Callable[[], Awaitable[object]],
    failures: tuple[type[Exception], ...],
) -> Literal["ok", "failed"]:
    """Whether one dependency answers `ping` within the probe's timeout."""
    caught: tuple[type[Exception], ...] = (OSError, TimeoutError, *failures)
    try:
        async with asyncio.timeout(_PROBE_TIMEOUT):
            await ping()
    except caught as exc:
        _logger.warning("readiness_failed", check=check, error=str(exc))
        return "failed"
    return "ok"
