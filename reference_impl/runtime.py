"""What the service builds once per process, in the lifespan, and hands to every request."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import Redis

from .db.engine import Database
from .services.passwords import Passwords
from .services.rate_limit import LoginLimiter, MemoryLoginLimiter, RedisLoginLimiter
from .services.tokens import Tokens
from .settings import Settings


@dataclass(frozen=True, slots=True)
class Runtime:
    """The settings and the long-lived objects made from them; lives on `app.state`."""

    settings: Settings
    database: Database
    passwords: Passwords
    tokens: Tokens
    login_limiter: LoginLimiter
    redis: Redis | None

    @classmethod
    async def start(cls, settings: Settings) -> Runtime:
        """Make every long-lived object; nothing connects until first used."""
        redis = (
            Redis.from_url(settings.redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
            if settings.redis_url
            else None
        )
        limiter: LoginLimiter = (
            RedisLoginLimiter(settings, redis)
            if redis is not None
            else MemoryLoginLimiter(settings)
        )
        return cls(
            settings=settings,
            database=Database(settings),
            passwords=Passwords(settings),
            tokens=Tokens(settings),
            login_limiter=limiter,
            redis=redis,
        )

    async def close(self) -> None:
        """Release the connections."""
        await self.database.dispose()
        if self.redis is not None:
            await self.redis.aclose()
