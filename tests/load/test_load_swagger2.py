"""`conformance load --spec` with a Swagger 2.0 document: the plain API, from `swagger.yaml`.

The load suite reads the contract model only, and the model converts a 2.0 document to
OpenAPI 3.0 before it looks at it: the journeys planned from the 2.0 description of the
plain API must sign up, log in and work its projects as those planned from `spec.yaml`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conformance.targets import plain
from tests.conformance.targets.serving import serve

pytestmark = pytest.mark.slow

# What every journey of the plan calls; the rarer PATCH and DELETE of a project are not
# required (a short run may not reach them), nor `DELETE /me`, which only the cleanup calls.
WORKED = {
    "POST /users",
    "POST /auth/token",
    "GET /me",
    "GET /projects",
    "POST /projects",
    "GET /projects/{project_id}",
}
# Every operation a journey may call.
PLANNED = WORKED | {"PATCH /projects/{project_id}", "DELETE /projects/{project_id}"}


def test_a_run_planned_from_the_swagger_2_0_document_works_the_api_and_cleans_up(
    tmp_path: Path,
) -> None:
    report_dir = tmp_path / "out"
    with serve(plain.create_app()) as url:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "conformance",
                "load",
                "--url",
                url,
                "--spec",
                str(plain.SWAGGER_PATH),
                "--users",
                "4",
                "--spawn-rate",
                "4",
                "--think-time",
                "0.05-0.15",
                "--run-time",
                "6s",
                "--seed",
                "20261201",
                "--slo",
                "errors<1%",
                "--report-dir",
                str(report_dir),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=tmp_path,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads((report_dir / "summary.json").read_text("utf-8"))
    requested = {row["endpoint"]: row["requests"] for row in report["endpoints"]}
    called = {endpoint for endpoint, count in requested.items() if count > 0}
    assert WORKED <= called <= PLANNED, requested
    assert report["total"]["failures"] == 0, report["failures"]
    assert "PASS errors<1%" in result.stdout

    cleanup = report["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 4
    assert cleanup["rows_made"] > 0
    assert cleanup["rows_left"] == 0
    assert "cleanup: 4 of 4 accounts made by the run deleted;" in result.stdout
