"""The login limiters, in-process and in Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from reference_impl.services.rate_limit import (
    LoginLimiter,
    MemoryLoginLimiter,
    RedisLoginLimiter,
    limiter_key,
)

from ..conftest import make_settings


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[LoginLimiter]:
    settings = make_settings(login_max_failures=3, login_window_seconds=60)
    if request.param == "memory":
        yield MemoryLoginLimiter(settings)
        return
    client = Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        yield RedisLoginLimiter(settings, client)
    finally:
        keys = [key async for key in client.scan_iter(f"{settings.redis_key_prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_blocks_after_the_limit_until_reset(limiter: LoginLimiter) -> None:
    key = limiter_key("Ada@Example.com", "203.0.113.7")
    assert key == limiter_key("ada@example.com", "203.0.113.7")
    for _ in range(3):
        assert await limiter.retry_after(key) is None
        await limiter.record_failure(key)
    retry = await limiter.retry_after(key)
    assert retry is not None and 1 <= retry <= 60
    assert await limiter.retry_after(limiter_key("ada@example.com", "198.51.100.1")) is None
    await limiter.reset(key)
    assert await limiter.retry_after(key) is None


async def test_failures_leave_the_window() -> None:
    limiter = MemoryLoginLimiter(make_settings(login_max_failures=1, login_window_seconds=1))
    await limiter.record_failure("k")
    assert await limiter.retry_after("k") == 1
    limiter._failures["k"][0] -= 2  # As if the failure were two seconds old.
    assert await limiter.retry_after("k") is None


@pytest.mark.redis
async def test_redis_limit_is_shared_between_processes(redis_url: str) -> None:
    settings = make_settings(login_max_failures=2)
    first, second = Redis.from_url(redis_url), Redis.from_url(redis_url)
    try:
        await RedisLoginLimiter(settings, first).record_failure("k")
        await RedisLoginLimiter(settings, second).record_failure("k")
        assert await RedisLoginLimiter(settings, first).retry_after("k") is not None
    finally:
        await first.delete(f"{settings.redis_key_prefix}login-failures:k")
        await first.aclose()
        await second.aclose()


async def test_redis_outage_lets_logins_through() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)
    limiter = RedisLoginLimiter(make_settings(), client)
    try:
        await limiter.record_failure("k")
        assert await limiter.retry_after("k") is None
        await limiter.reset("k")
    finally:
        await client.aclose()
