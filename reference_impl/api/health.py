"""Liveness and readiness probes, at the root so orchestrators need no API version."""

from __future__ import annotations

import asyncio
from typing import Literal

import structlog
from fastapi import APIRouter, Request
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import Response

from generated.models import Checks, Health, Readiness

from ..deps import RuntimeDep
from .routing import ContractRoute, LeanRoute

router = APIRouter(tags=["health"], route_class=ContractRoute)
_logger = structlog.get_logger("reference_impl.health")
_PROBE_TIMEOUT = 2.0
# Serialized once: the probe's answer never changes.
_HEALTHY = Health(status="healthy").model_dump_json().encode("utf-8")


async def health(_request: Request) -> Response:
    """Answers while the process serves requests; touches no dependency."""
    return Response(_HEALTHY, media_type="application/json")


# A `LeanRoute`: probes come often, and the answer needs no FastAPI machinery at all.
router.add_api_route(
    "/health",
    health,
    methods=["GET"],
    operation_id="health",
    summary="Liveness probe",
    route_class_override=LeanRoute,
)


@router.get("/health/ready", operation_id="readiness", summary="Readiness probe")
async def readiness(runtime: RuntimeDep) -> Response:
    """200 when the database (and Redis, where configured) answer; 503 naming the failure."""
    database: Literal["ok", "failed"] = "ok"
    redis: Literal["ok", "failed"] | None = None
    try:
        async with asyncio.timeout(_PROBE_TIMEOUT):
            await runtime.database.ping()
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        _logger.warning("readiness_failed", check="database", error=str(exc))
        database = "failed"
    if runtime.redis is not None:
        redis = "ok"
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT):
                await runtime.redis.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            _logger.warning("readiness_failed", check="redis", error=str(exc))
            redis = "failed"
    healthy = database == "ok" and redis in {"ok", None}
    body = Readiness(
        status="healthy" if healthy else "unhealthy", checks=Checks(database=database, redis=redis)
    )
    return Response(
        body.model_dump_json(exclude_none=True),
        status_code=200 if healthy else 503,
        media_type="application/json",
    )
