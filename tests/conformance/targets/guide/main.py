"""The guide's `create_application`, made a factory over a SQLite file.

`create_app(path)` builds the app on `sqlite+aiosqlite:///<path>`; tables are created at
start-up (the guide's `init_db`), and the superuser named in the arguments is created
then if absent. The CORS middleware is the guide's: its default `allowed_origins=["*"]`
with `allow_credentials=True`.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .config import Settings
from .database import close_db, init_db, make_engine, make_session_maker
from .endpoints import api_router
from .middleware import RequestLoggingMiddleware, setup_exception_handlers
from .schemas import UserCreate
from .services import UserService


def create_app(
    database_path: Path,
    *,
    superuser_email: str | None = None,
    superuser_password: str | None = None,
    **settings: Any,
) -> FastAPI:
    """The guide's app on a SQLite file; `settings` override the guide's `Settings`."""
    settings.setdefault("secret_key", secrets.token_urlsafe(32))
    return create_application(
        Settings(
            database_url=f"sqlite+aiosqlite:///{database_path}",
            first_superuser_email=superuser_email,
            first_superuser_password=superuser_password,
            **settings,
        )
    )


def create_application(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Startup
        engine = make_engine(settings)
        app.state.settings = settings
        app.state.session_maker = make_session_maker(engine)
        await init_db(engine)
        await _create_first_superuser(app.state.session_maker, settings)
        yield
        # Shutdown
        await close_db(engine)

    app = FastAPI(
        title=settings.app_name,
        version=settings.app_version,
        openapi_url=f"{settings.api_v1_prefix}/openapi.json",
        docs_url=f"{settings.api_v1_prefix}/docs",
        redoc_url=f"{settings.api_v1_prefix}/redoc",
        lifespan=lifespan,
    )

    # Middleware
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )
    app.add_middleware(RequestLoggingMiddleware)

    # Exception handlers
    setup_exception_handlers(app)

    # Routes
    app.include_router(api_router, prefix=settings.api_v1_prefix)

    @app.get("/health")
    async def health_check() -> dict[str, str]:
        return {"status": "healthy"}

    return app


async def _create_first_superuser(
    session_maker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    email, password = settings.first_superuser_email, settings.first_superuser_password
    if email is None or password is None:
        return
    async with session_maker() as session:
        service = UserService(session, settings)
        if await service.get_by_email(email) is None:
            await service.create_user(
                UserCreate(email=email, password=password, full_name=None), is_superuser=True
            )
            await session.commit()
