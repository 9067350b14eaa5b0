"""Drift: a deployment serving a document other than the contract is reported, breaking first."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from conformance.contract import load_document

from .targets.serving import serve


def _drifted() -> dict[str, Any]:
    """The contract with an operation gone, a status changed and a property retyped."""
    document = copy.deepcopy(load_document(None))
    del document["paths"]["/api/v1/auth/logout"]
    create = document["paths"]["/api/v1/items/"]["post"]["responses"]
    create["200"] = create.pop("201")
    item = document["components"]["schemas"]["ItemResponse"]["properties"]
    item["owner_id"] = {"type": "string"}
    document["paths"]["/api/v1/extra"] = {"get": {"responses": {"200": {"description": "x"}}}}
    return document


@pytest.fixture(scope="module")
def drifted() -> Iterator[str]:
    served = _drifted()

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(served)

    with serve(Starlette(routes=[Route("/api/v1/openapi.json", openapi)])) as url:
        yield url


def _command(url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "conformance", "run", "--url", url, "--check", "drift", *extra]


def test_drift_is_reported_with_breaking_changes_marked(tmp_path: Path, drifted: str) -> None:
    report = tmp_path / "report.json"
    result = subprocess.run(
        _command(drifted, "--no-generic", "--report-json", str(report)),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    outcomes = {o["check_id"]: o for o in json.loads(report.read_text("utf-8"))["outcomes"]}
    seen = {check_id: o["failures"][0]["seen"] for check_id, o in outcomes.items()}
    assert "[breaking] missing POST /api/v1/auth/logout" in seen["drift.operations"]
    assert "extra GET /api/v1/extra" in seen["drift.operations"]
    assert "[breaking] POST /api/v1/items/: 201 not documented" in seen["drift.status-codes"]
    assert "owner_id is string, not integer" in seen["drift.schemas"]
    curl = outcomes["drift.operations"]["failures"][0]["curl"]
    assert curl.endswith(f"{drifted}/api/v1/openapi.json")


def test_the_contract_itself_shows_no_drift(tmp_path: Path) -> None:
    document = load_document(None)

    async def openapi(request: Request) -> JSONResponse:
        return JSONResponse(document)

    with serve(Starlette(routes=[Route("/api/v1/openapi.json", openapi)])) as url:
        result = subprocess.run(
            _command(url, "--no-generic"),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
