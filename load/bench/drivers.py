"""Load generators for the benchmark: wrk where installed, else Locust.

Both send one request over and over on a fixed number of connections for a fixed time,
and return the same `Measurement`. wrk (C, one thread per core) is the floor of what a
load generator costs; Locust is what users have, and is measured too, so that it is
known not to be the bottleneck.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from conformance.errors import InternalError

from ..results import read_locust_json

__all__ = ["LocustDriver", "Measurement", "Request", "WrkDriver", "pick_driver"]

BENCH_LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class Request:
    """The one request a scenario repeats.

    `paths`, when given, are used in turn instead of `path`, each once (deleting a
    different item each time); `refresh_tokens`, when given, are a pool the requests take
    their `{"refresh_token": ...}` body from, each answer's new refresh token going back
    into it (refresh-token rotation, one chain per token).
    """

    method: str
    path: str
    body: str | None = None
    content_type: str = "application/json"
    token: str | None = None
    paths: tuple[str, ...] = ()
    refresh_tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measurement:
    """What a driver measured: throughput, latency and unexpected answers."""

    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_s: float | None = None  # The generator's own CPU time, where known.


class Driver(Protocol):
    name: str

    def run(self, base_url: str, request: Request, seconds: float) -> Measurement: ...


def pick_driver(connections: int, prefer: str | None = None) -> Driver:
    """wrk if it is on PATH (or asked for), else Locust."""
    wrk = shutil.which("wrk")
    if prefer == "wrk" and wrk is None:
        raise InternalError("wrk is not installed", hint="apt-get install -y wrk")
    if prefer != "locust" and wrk is not None:
        return WrkDriver(wrk, connections)
    return LocustDriver(connections)


_WRK_LATENCY = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_WRK_RPS = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_WRK_TOTAL = re.compile(r"^\s*(\d+) requests in", re.MULTILINE)
_WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_WRK_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def parse_wrk(output: str) -> Measurement:
    """Read wrk's `--latency` report."""
    latencies = {
        int(match[1]): float(match[2]) * _UNIT_MS[match[3]]
        for match in _WRK_LATENCY.finditer(output)
    }
    rps, total = _WRK_RPS.search(output), _WRK_TOTAL.search(output)
    if rps is None or total is None or set(latencies) != {50, 99}:
        raise InternalError(f"cannot read wrk's report: {output.strip()[-300:]}")
    errors = sum(int(n) for n in (_WRK_NON_2XX.findall(output) or ["0"]))
    if socket := _WRK_SOCKET.search(output):
        errors += sum(int(n) for n in socket.groups())
    return Measurement(int(total[1]), float(rps[1]), latencies[50], latencies[99], errors)


class WrkDriver:
    """wrk, one thread, a fixed number of connections; the request set by a Lua script."""

    name = "wrk"

    def __init__(self, executable: str, connections: int) -> None:
        self.executable = executable
        self.connections = connections

    def command(self, base_url: str, request: Request, seconds: float, script: Path) -> list[str]:
        return [
            self.executable,
            "--threads",
            "1",
            "--connections",
            str(self.connections),
            "--duration",
            f"{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            "--script",
            str(script),
            base_url + request.path,
        ]

    def run(self, base_url: str, request: Request, seconds: float) -> Measurement:
        with tempfile.TemporaryDirectory(prefix="bench-wrk-") as scratch:
            script = Path(scratch) / "request.lua"
            script.write_text(_lua(request), "utf-8")
            done = subprocess.run(
                self.command(base_url, request, seconds, script),
                capture_output=True,
                text=True,
                timeout=seconds + 60,
                check=False,
            )
        if done.returncode != 0:
            raise InternalError(f"wrk failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        return parse_wrk(done.stdout)


def _lua(request: Request) -> str:
    lines = [f"wrk.method = {_lua_string(request.method)}"]
    if request.body is not None:
        lines.append(f"wrk.body = {_lua_string(request.body)}")
        lines.append(f'wrk.headers["Content-Type"] = {_lua_string(request.content_type)}')
    if request.token:
        lines.append(f'wrk.headers["Authorization"] = {_lua_string("Bearer " + request.token)}')
    if request.paths:
        lines.append("paths = {" + ", ".join(_lua_string(p) for p in request.paths) + "}")
        lines.append(_LUA_PATHS)
    if request.refresh_tokens:
        tokens = ", ".join(_lua_string(t) for t in request.refresh_tokens)
        lines.append(f'wrk.headers["Content-Type"] = {_lua_string(request.content_type)}')
        lines.append("tokens = {" + tokens + "}")
        lines.append(_LUA_REFRESH)
    return "\n".join(lines) + "\n"


_LUA_PATHS = """\
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, paths[(counter - 1) % #paths + 1])
end"""
# wrk's thread runs every connection, so one queue serves them all; a connection has one
# request in flight, so the queue holds a token for each while the answers come back.
_LUA_REFRESH = """\
last = tokens[1]
request = function()
  local token = table.remove(tokens, 1) or last
  last = token
  return wrk.format(nil, nil, nil, '{"refresh_token": "' .. token .. '"}')
end
response = function(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if token then table.insert(tokens, token) end
end"""


def _lua_string(text: str) -> str:
    # JSON string escapes are valid Lua string escapes for the ASCII we send.
    return json.dumps(text)


class LocustDriver:
    """Locust's FastHttpUser in one process, without pause between requests."""

    name = "locust"

    def __init__(self, connections: int) -> None:
        self.users = connections

    def run(self, base_url: str, request: Request, seconds: float) -> Measurement:
        with tempfile.TemporaryDirectory(prefix="bench-locust-") as scratch:
            folder = Path(scratch)
            env = dict(os.environ)
            env.update(
                BENCH_METHOD=request.method,
                BENCH_PATH=request.path,
                BENCH_BODY=request.body or "",
                BENCH_CONTENT_TYPE=request.content_type,
                BENCH_TOKEN=request.token or "",
                BENCH_PATHS=json.dumps(request.paths),
                BENCH_REFRESH_TOKENS=json.dumps(request.refresh_tokens),
                BENCH_CPU_FILE=str(folder / "cpu.json"),
            )
            command = [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(BENCH_LOCUSTFILE),
                "--headless",
                "--host",
                base_url,
                "--users",
                str(self.users),
                "--spawn-rate",
                str(self.users),
                "--run-time",
                f"{max(1, round(seconds))}s",
                "--json-file",
                str(folder / "stats"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ]
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
            )
            if done.returncode != 0:
                raise InternalError(
                    f"Locust failed ({done.returncode}): {done.stderr.strip()[-300:]}"
                )
            stats = read_locust_json(folder / "stats.json")
            cpu = json.loads((folder / "cpu.json").read_text("utf-8"))
        total = stats.total
        return Measurement(
            requests=total.requests,
            rps=stats.rate(total),
            p50_ms=total.percentile(0.50),
            p99_ms=total.percentile(0.99),
            errors=total.failures,
            cpu_s=float(cpu["cpu_s"]),
        )
