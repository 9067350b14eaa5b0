"""A delaying reverse proxy: the real reference service, with chosen endpoints made slow.

The failing-SLO test needs a deliberately slow endpoint without changing the service:
this ASGI app forwards every request to the upstream unchanged and sleeps first for the
(method, path) pairs it is given. It runs in a thread of the test process under uvicorn.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

__all__ = ["delaying_proxy"]

Scope = dict[str, Any]
Message = dict[str, Any]


class DelayingProxy:
    """Forward to `upstream`, sleeping `delays[(method, path)]` seconds before some requests."""

    def __init__(self, upstream: str, delays: Mapping[tuple[str, str], float]) -> None:
        self.upstream = upstream
        self.delays = dict(delays)
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.client = httpx.AsyncClient(base_url=self.upstream, timeout=30)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: Scope, receive: Any, send: Any) -> None:
        assert self.client is not None
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        delay = self.delays.get((scope["method"], scope["path"]))
        if delay:
            await asyncio.sleep(delay)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"host"]
        request = self.client.build_request(
            scope["method"],
            scope["path"],
            params=scope["query_string"].decode("latin-1"),
            headers=headers,
            content=body,
        )
        response = await self.client.send(request, stream=True)
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status_code,
                    "headers": [(k.lower(), v) for k, v in response.headers.raw],
                }
            )
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await response.aclose()


@contextmanager
def delaying_proxy(upstream: str, delays: Mapping[tuple[str, str], float]) -> Iterator[str]:
    """Serve a `DelayingProxy` to `upstream` on a free loopback port; yield its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        DelayingProxy(upstream, delays),
        log_config=None,
        log_level="warning",
        access_log=False,
        loop="asyncio",
        lifespan="on",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
