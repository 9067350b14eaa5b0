"""One request, as fast as Locust can send it: the benchmark's fallback load generator.

Driven by `load.bench.drivers.LocustDriver` through environment variables (this file is
internal to the benchmark): BENCH_METHOD, BENCH_PATH, BENCH_BODY, BENCH_CONTENT_TYPE,
BENCH_TOKEN, BENCH_PATHS and BENCH_REFRESH_TOKENS (JSON lists, see `Request`). It also
records the CPU time Locust itself used while the load ran, in
BENCH_CPU_FILE, so that the generator's own capacity (requests per CPU second) is known.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events, task
from locust.env import Environment

__all__ = ["OneRequest"]

_cpu: dict[str, float] = {}
# Shared by every user of the process (gevent: one thread), as wrk's queue is.
_paths: list[str] = json.loads(os.environ.get("BENCH_PATHS") or "[]")
_tokens: list[str] = json.loads(os.environ.get("BENCH_REFRESH_TOKENS") or "[]")
_refreshing = bool(_tokens)
_sent = [0]


class OneRequest(FastHttpUser):
    """Sends the same request in a loop, without pause."""

    wait_time = constant(0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.method = os.environ.get("BENCH_METHOD", "GET")
        self.path = os.environ.get("BENCH_PATH", "/health")
        self.body = os.environ.get("BENCH_BODY") or None
        self.headers = {"Content-Type": os.environ.get("BENCH_CONTENT_TYPE", "application/json")}
        if token := os.environ.get("BENCH_TOKEN"):
            self.headers["Authorization"] = f"Bearer {token}"

    @task
    def send(self) -> None:
        path, body = self.path, self.body
        if _paths:
            path = _paths[_sent[0] % len(_paths)]
            _sent[0] += 1
        if _refreshing and _tokens:
            body = json.dumps({"refresh_token": _tokens.pop(0)})
        response = self.client.request(self.method, path, data=body, headers=self.headers)
        if _refreshing and response.status_code == 200:
            _tokens.append(json.loads(response.text or "{}")["refresh_token"])


def _on_start(environment: Environment, **_kwargs: Any) -> None:
    _cpu["start"] = time.process_time()
    _cpu["wall"] = time.monotonic()


def _on_stop(environment: Environment, **_kwargs: Any) -> None:
    if path := os.environ.get("BENCH_CPU_FILE"):
        data = {
            "cpu_s": time.process_time() - _cpu.get("start", 0.0),
            "wall_s": time.monotonic() - _cpu.get("wall", 0.0),
            "requests": environment.stats.total.num_requests,
        }
        Path(path).write_text(json.dumps(data), "utf-8")


_start: Callable[[Callable[..., None]], object] = events.test_start.add_listener
_stop: Callable[[Callable[..., None]], object] = events.test_stop.add_listener
_start(_on_start)
_stop(_on_stop)
