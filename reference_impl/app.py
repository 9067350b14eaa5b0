"""The application factory: `create_app(settings)`, also a uvicorn `--factory` target."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp

from .api import all_handlers
from .api import handlers as error_handlers
from .api.docs import docs_routes, load_spec, spec_json
from .api.operations import Handlers, bind_operations
from .log import configure_logging, flush_all
from .middleware.body_limit import BodyLimitMiddleware
from .middleware.context import RequestContextMiddleware
from .middleware.gzip import AcceptedGZipMiddleware
from .runtime import Runtime
from .services.bootstrap import ensure_first_superuser
from .settings import Settings

_CORS_HEADERS = ["Authorization", "Content-Type", "X-Request-ID"]
_EXPOSED_HEADERS = ["X-Request-ID", "X-Total-Count", "Location", "Retry-After"]
# Objects allocated (less those freed) between two young collections.
_YOUNG_COLLECTION_THRESHOLD = 20_000


class ReferenceApp(FastAPI):
    """FastAPI with Starlette's middleware stack, and the request-context middleware
    outermost, outside `ServerErrorMiddleware`, so that even a 500 carries
    `X-Request-ID` and is logged.

    FastAPI's own stack adds two layers for its own request handler: an exit stack per
    request (for the files of form bodies) and exception telemetry. No route here runs
    that handler: the operations run on `ContractRoute`, which closes what it opens,
    and the docs are plain Starlette routes.
    """

    def build_middleware_stack(self) -> ASGIApp:
        error_handler = None
        handlers: dict[Any, Any] = {}
        for key, handler in self.exception_handlers.items():
            if key in (500, Exception):
                error_handler = handler
            else:
                handlers[key] = handler
        app: ASGIApp = ExceptionMiddleware(self.router, handlers=handlers, debug=self.debug)
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        app = ServerErrorMiddleware(app, handler=error_handler, debug=self.debug)
        return RequestContextMiddleware(app)


def create_app(settings: Settings | None = None, *, handlers: Handlers | None = None) -> FastAPI:
    """Build the service. Without `settings`, they are read from the environment now.

    The routes are the spec's operations, each bound to its handler (by default, the
    reference's own; `handlers` replaces them as a whole). Raises `ContractMismatch`
    when an operation has no handler or a handler no operation. Nothing connects here:
    the lifespan makes the engine, the Redis client and the first superuser, and puts
    them on `app.state.runtime`.
    """
    settings = settings if settings is not None else Settings()
    document = load_spec()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await Runtime.start(settings)
        app.state.runtime = runtime
        try:
            await runtime.passwords.warm_up()
            await ensure_first_superuser(runtime)
            # What start-up made (modules, the routes, compiled statements) lives as long
            # as the process: moved out of the collector's reach, a full collection scans
            # only what requests made since, instead of stalling every request in flight
            # for tens of milliseconds.
            gc.collect()
            gc.freeze()
            # A request makes hundreds of objects and frees nearly all of them by
            # reference counting; at the default threshold (700) the collector ran a
            # young collection on almost every request, to find the few cycles.
            gc.set_threshold(_YOUNG_COLLECTION_THRESHOLD, *gc.get_threshold()[1:])
            yield
        finally:
            await runtime.close()
            flush_all()

    app = ReferenceApp(
        title="Users and Items API",
        version="1.0.0",
        lifespan=lifespan,
        # The served contract is spec/openapi.yaml itself (see api/docs.py), not one
        # FastAPI would derive from the routes.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        # The service reports through its structured logs, not OpenTelemetry; left on,
        # FastAPI asks the (unconfigured) OpenTelemetry providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    error_handlers.install(app)
    # Built here, for this app: every route's dependencies then honour
    # `app.dependency_overrides`.
    bind_operations(app, document, handlers if handlers is not None else all_handlers())
    app.router.routes.extend(docs_routes(spec_json(document)))

    # Added innermost first: GZip, then the body limit, then CORS outside it so that a
    # browser can read a 413 too.
    app.add_middleware(AcceptedGZipMiddleware, minimum_size=1000)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.allowed_origins:
        wildcard = "*" in settings.allowed_origins
        app.add_middleware(
            CORSMiddleware,
            allow_origins=["*"] if wildcard else settings.allowed_origins,
            # Never `*` together with credentials.
            allow_credentials=not wildcard,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=_CORS_HEADERS,
            expose_headers=_EXPOSED_HEADERS,
            max_age=600,
        )
    return app
