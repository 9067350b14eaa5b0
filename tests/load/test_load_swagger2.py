"""`conformance load --spec` with a Swagger 2.0 document: the plain API, from `swagger.yaml`.

The load suite reads the contract model only, and the model converts a 2.0 document to
OpenAPI 3.0 before it looks at it: the journeys planned from the 2.0 description of the
plain API must sign up, log in and work its projects as those planned from `spec.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conformance.targets import plain
from tests.conformance.targets.serving import serve

from .runs import run_load, summary

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
        result = run_load(
            url,
            plain.SWAGGER_PATH,
            "--run-time",
            "6s",
            "--seed",
            "20261201",
            "--slo",
            "errors<1%",
            report_dir=report_dir,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    report = summary(report_dir)
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
