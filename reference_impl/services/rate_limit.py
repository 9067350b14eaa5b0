"""The login rate limit: failed attempts per (email, client) in a sliding window.

Kept in Redis when the deployment has one, so that every process and instance shares it;
otherwise in the process. Both count only failures, and a successful login clears them.
"""

from __future__ import annotations

import hashlib
import math
import time
import uuid
from collections import deque
from typing import Protocol

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

from ..settings import Settings

_logger = structlog.get_logger("reference_impl.rate_limit")
# The in-process limiter forgets the oldest keys past this many, so memory stays bounded
# whatever the number of distinct emails an attacker tries.
_MAX_KEYS = 100_000


class LoginLimiter(Protocol):
    """Counts failed logins; `retry_after` is None while attempts are allowed."""

    async def retry_after(self, key: str) -> int | None:
        """Seconds until the next attempt is allowed, or None if it is allowed now."""
        ...

    async def record_failure(self, key: str) -> None:
        """Count one failed attempt."""
        ...

    async def reset(self, key: str) -> None:
        """Forget the failures (after a successful login)."""
        ...


def limiter_key(email: str, client: str) -> str:
    """A fixed-size key for an (email, client address) pair."""
    digest = hashlib.sha256(f"{email.lower()}\x00{client}".encode("utf-8", "replace"))
    return digest.hexdigest()


class MemoryLoginLimiter:
    """The limit of one process: right for one worker, per-worker with several."""

    def __init__(self, settings: Settings) -> None:
        self._max = settings.login_max_failures
        self._window = float(settings.login_window_seconds)
        self._failures: dict[str, deque[float]] = {}

    def _live(self, key: str, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self._window:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    async def retry_after(self, key: str) -> int | None:
        now = time.monotonic()
        failures = self._live(key, now)
        if failures is None or len(failures) < self._max:
            return None
        return max(1, math.ceil(failures[-self._max] + self._window - now))

    async def record_failure(self, key: str) -> None:
        now = time.monotonic()
        failures = self._live(key, now)
        if failures is None:
            if len(self._failures) >= _MAX_KEYS:
                self._failures.pop(next(iter(self._failures)))
            failures = self._failures[key] = deque(maxlen=self._max)
        failures.append(now)

    async def reset(self, key: str) -> None:
        self._failures.pop(key, None)


class RedisLoginLimiter:
    """The limit shared by every process through a sorted set per key in Redis.

    When Redis does not answer, logins are let through (and logged) rather than refused:
    the readiness probe reports Redis, and a login outage would hurt more than a short
    gap in throttling.
    """

    def __init__(self, settings: Settings, redis: Redis) -> None:
        self._redis = redis
        self._max = settings.login_max_failures
        self._window = settings.login_window_seconds
        self._prefix = f"{settings.redis_key_prefix}login-failures:"

    async def retry_after(self, key: str) -> int | None:
        name = self._prefix + key
        now = time.time()
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(name, "-inf", now - self._window)
                pipe.zrange(name, -self._max, -self._max, withscores=True)
                _, oldest = await pipe.execute()
        except RedisError as exc:
            _logger.warning("rate_limit_unavailable", error=str(exc))
            return None
        if not oldest:
            return None
        return max(1, math.ceil(float(oldest[0][1]) + self._window - now))

    async def record_failure(self, key: str) -> None:
        name = self._prefix + key
        now = time.time()
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
                pipe.zremrangebyrank(name, 0, -self._max - 1)
                pipe.expire(name, self._window)
                await pipe.execute()
        except RedisError as exc:
            _logger.warning("rate_limit_unavailable", error=str(exc))

    async def reset(self, key: str) -> None:
        try:
            await self._redis.delete(self._prefix + key)
        except RedisError as exc:
            _logger.warning("rate_limit_unavailable", error=str(exc))
