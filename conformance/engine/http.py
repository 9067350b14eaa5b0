"""The one HTTP client of the contract checks: bound to the target, rate limited, never redirected.

Every request the toolkit's own checks send goes through `TargetClient`, so the run's rate
cap holds and no request ever leaves for another host (a `Location` pointing elsewhere is
reported, never followed).
"""

from __future__ import annotations

import threading
import time
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING, Any

import httpx

from ..errors import InternalError
from .settings import RateLimit

if TYPE_CHECKING:
    from ..contract import Operation

__all__ = ["USER_AGENT", "RateLimiter", "TargetClient", "json_body"]

USER_AGENT = "conformance-run"
# What a request on a connection the server has already closed fails with.
_STALE_CONNECTION = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def json_body(response: httpx.Response, operation: Operation | None = None) -> dict[str, Any]:
    """The body as a JSON object, or an empty dict when it is anything else.

    Given the operation that answered, the object is taken out of the wrapper its
    documented answer declares (`{"user": {...}}`).
    """
    try:
        body = response.json()
    except ValueError:
        return {}
    if operation is not None:
        body = operation.unwrap(response.status_code, body)
    return body if isinstance(body, dict) else {}


class RateLimiter:
    """Spaces requests evenly so that no more than the given rate goes out, across threads."""

    def __init__(self, limit: RateLimit | None) -> None:
        self._interval = 1.0 / limit.per_second if limit is not None else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self._interval
        if slot > now:
            time.sleep(slot - now)


class _NoCookies(CookieJar):
    """A jar that keeps nothing: a session cookie one answer sets must not ride along on
    the next request, which may be another account's or an anonymous one."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None


class TargetClient:
    """An httpx client for one deployment: relative paths only, the rate cap, no redirects,
    no cookies kept (each request carries only the credential it is sent with)."""

    def __init__(self, base_url: str, *, timeout: float, rate_limit: RateLimit | None) -> None:
        self.base_url = base_url.rstrip("/")
        self._origin = httpx.URL(self.base_url)
        self._limiter = RateLimiter(rate_limit)
        self._client = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            cookies=_NoCookies(),
            event_hooks={"request": [self._guard]},
        )
        self._count = 0
        self._count_lock = threading.Lock()

    @property
    def requests_sent(self) -> int:
        return self._count

    def _guard(self, request: httpx.Request) -> None:
        url = request.url
        if (url.scheme, url.host, url.port) != (
            self._origin.scheme,
            self._origin.host,
            self._origin.port,
        ):
            raise InternalError(f"refusing to send a request to {url}: it is not the target")

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send one request to `path` on the target (after waiting for the rate cap).

        A kept-alive connection the server closed (after a 500, uvicorn drops it) fails
        the next request before the server reads it; that request is sent once more on
        a new connection, so a check is not stopped by the previous answer's clean-up.
        """
        try:
            return self._send(method, path, kwargs)
        except _STALE_CONNECTION:
            return self._send(method, path, kwargs)

    def _send(self, method: str, path: str, kwargs: dict[str, Any]) -> httpx.Response:
        self._limiter.acquire()
        with self._count_lock:
            self._count += 1
        return self._client.request(method, path, **kwargs)

    def close(self) -> None:
        self._client.close()
