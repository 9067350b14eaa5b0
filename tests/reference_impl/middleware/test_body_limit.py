"""413 over a real socket: the client reads the answer instead of a connection reset."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from reference_impl.app import create_app

from ..conftest import make_settings

pytestmark = pytest.mark.slow


@pytest.fixture
def server_url(sqlite_template: Path, tmp_path: Path) -> Iterator[str]:
    """The reference on asyncio's own event loop, the one that resets a connection closed
    with an unread body (uvloop happens to hide it)."""
    database = tmp_path / "reference.db"
    shutil.copy(sqlite_template, database)
    app = create_app(make_settings(database_url=f"sqlite+aiosqlite:///{database}"))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, loop="asyncio", http="httptools", log_config=None, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "the reference did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


@pytest.mark.parametrize("attempt", range(12))
def test_an_oversized_body_is_answered_413_not_reset(server_url: str, attempt: int) -> None:
    body = b'{"title": "' + b"x" * (4 * 1024 * 1024) + b'"}'
    with httpx.Client(base_url=server_url) as client:
        # A kept-alive connection, as a real client's would be.
        assert client.get("/health").status_code == 200
        answer = client.post(
            "/api/v1/items/", content=body, headers={"Content-Type": "application/json"}
        )
    assert answer.status_code == 413
    assert answer.json() == {"detail": "Request body too large"}
