"""Serve an ASGI app on a free loopback port for the length of a `with` block.

The server runs in a background thread of the test process (`uvicorn.Server` on a socket
bound before the thread starts, so the port cannot be taken in between), which lets a
test serve an app object it built itself, such as a faulty variant of the reference.
uvicorn installs no signal handlers outside the main thread and, with `log_config=None`,
leaves the process's logging configuration alone.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

__all__ = ["ServerError", "serve"]


class ServerError(RuntimeError):
    """The app did not start (its lifespan failed) or did not stop in time."""


@contextmanager
def serve(app: Any, *, host: str = "127.0.0.1", startup_timeout: float = 30.0) -> Iterator[str]:
    """Run `app` with uvicorn on a free port of `host`; yield its base URL (no slash)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="on",
        log_config=None,
        log_level="warning",
        access_log=False,
        # The loop `conformance serve` runs.
        loop="uvloop",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # noqa: BLE001 (a lifespan failure is SystemExit)
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + startup_timeout
        while not server.started:
            if failure or not thread.is_alive():
                raise ServerError(f"the app did not start on port {port}: {failure!r}")
            if time.monotonic() > deadline:
                raise ServerError(f"the app did not start within {startup_timeout:.0f} s")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()
        if thread.is_alive():
            raise ServerError(f"the server on port {port} did not stop within 15 s")
