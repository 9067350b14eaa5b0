"""Waivers: a known false positive, waived in conformance.toml with a reason, passes the run."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .targets.serving import serve


async def _me(request: Request) -> JSONResponse:
    return JSONResponse({"detail": "Not authenticated"}, 401, {"WWW-Authenticate": "Bearer"})


@pytest.fixture(scope="module")
def wildcard_cors() -> Iterator[str]:
    """A deployment with the guide's CORS: every origin, with credentials."""
    app = Starlette(
        routes=[Route("/api/v1/users/me", _me)],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_credentials=True,
                allow_methods=["*"],
                allow_headers=["*"],
            )
        ],
    )
    with serve(app) as url:
        yield url


def _run(url: str, cwd: Path) -> tuple[int, str, dict[str, Any]]:
    report = cwd / "report.json"
    command = [sys.executable, "-m", "conformance", "run", "--url", url, "--check", "config.cors"]
    result = subprocess.run(
        [*command, "--no-generic", "--report-json", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
    return result.returncode, result.stdout, json.loads(report.read_text(encoding="utf-8"))


def _cors(document: dict[str, Any]) -> dict[str, Any]:
    return next(o for o in document["outcomes"] if o["check_id"] == "config.cors")


def test_wildcard_cors_with_credentials_fails_config_cors(
    tmp_path: Path, wildcard_cors: str
) -> None:
    code, stdout, document = _run(wildcard_cors, tmp_path)
    assert code == 1, stdout
    outcome = _cors(document)
    assert outcome["status"] == "failed"
    failure = outcome["failures"][0]
    assert "Access-Control-Allow-Origin" in failure["seen"]
    assert failure["curl"].startswith("curl ") and wildcard_cors in failure["curl"]
    assert "config.cors" in stdout and "curl" in stdout


def test_a_waived_failure_passes_the_run_and_shows_its_reason(
    tmp_path: Path, wildcard_cors: str
) -> None:
    (tmp_path / "conformance.toml").write_text(
        '[[waiver]]\ncheck = "config.cors"\nreason = "CORS is the gateway\'s job here"\n',
        encoding="utf-8",
    )
    code, stdout, document = _run(wildcard_cors, tmp_path)
    assert code == 0, stdout
    outcome = _cors(document)
    assert outcome["status"] == "waived"
    assert outcome["failures"][0]["waiver"] == "CORS is the gateway's job here"
    assert "waived" in stdout and "CORS is the gateway's job here" in stdout
