"""Short headless runs of `conformance load` against the embedded reference service."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conformance.embedded import EmbeddedTarget, embedded_reference

from .proxy import delaying_proxy

pytestmark = pytest.mark.slow

# The journeys' operations, as the statistics must name them: never by a concrete id.
TEMPLATES = {
    "POST /api/v1/users/",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "GET /api/v1/users/me",
    "GET /api/v1/items/",
    "POST /api/v1/items/",
    "GET /api/v1/items/{item_id}",
    "PATCH /api/v1/items/{item_id}",
    "DELETE /api/v1/items/{item_id}",
}


@pytest.fixture(scope="module")
def reference() -> Iterator[EmbeddedTarget]:
    with embedded_reference() as target:
        yield target


def load(url: str, *args: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "conformance",
        "load",
        "--url",
        url,
        "--run-time",
        "10s",
        "--users",
        "5",
        "--spawn-rate",
        "5",
        "--think-time",
        "0.1-0.3",
        "--report-dir",
        str(report_dir),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=240)


def accounts(target: EmbeddedTarget) -> list[str]:
    with httpx.Client(base_url=target.url, timeout=30) as client:
        form = {"username": target.admin_email, "password": target.admin_password}
        token = client.post("/api/v1/auth/login", data=form).json()["access_token"]
        users = client.get("/api/v1/users/", headers={"Authorization": f"Bearer {token}"})
        return [user["email"] for user in users.json()]


def test_a_short_run_prints_the_table_writes_the_reports_and_passes(reference, tmp_path):
    result = load(
        reference.url, "--slo", "p95<5s", "--slo", "errors<1%", report_dir=tmp_path / "out"
    )
    assert result.returncode == 0, result.stdout + result.stderr

    header = re.search(r"^endpoint +requests +req/s +p50 +p95 +p99 +failures$", result.stdout, re.M)
    assert header, result.stdout
    assert re.search(r"^GET /api/v1/users/me +\d+", result.stdout, re.M)
    assert "PASS p95<5s: p95 of all endpoints was" in result.stdout
    assert "PASS errors<1%" in result.stdout

    out = tmp_path / "out"
    assert "<html" in (out / "report.html").read_text("utf-8").lower()
    with (out / "locust_stats.csv").open(encoding="utf-8") as handle:
        assert "Aggregated" in {row["Name"] for row in csv.DictReader(handle)}
    summary = json.loads((out / "summary.json").read_text("utf-8"))
    named = {row["endpoint"] for row in summary["endpoints"]}
    assert named <= TEMPLATES, named - TEMPLATES
    assert {"POST /api/v1/users/", "GET /api/v1/users/me", "GET /api/v1/items/"} <= named
    assert summary["passed"] is True
    assert summary["total"]["requests"] > 0
    assert [slo["passed"] for slo in summary["slos"]] == [True, True]
    with (out / "endpoints.csv").open(encoding="utf-8") as handle:
        assert [row["endpoint"] for row in csv.DictReader(handle)][-1] == "Aggregated"

    # The accounts the run made (and so their items) are gone.
    cleanup = summary["cleanup"]
    assert cleanup["accounts_created"] == cleanup["accounts_deleted"] == 5
    assert cleanup["rows_left"] == 0
    assert accounts(reference) == [reference.admin_email]


def test_a_latency_slo_fails_against_a_slowed_endpoint(reference, tmp_path):
    delays = {("GET", "/api/v1/users/me"): 0.4}
    with delaying_proxy(reference.url, delays) as slowed:
        result = load(
            slowed,
            "--slo",
            "GET /api/v1/users/me:p95<200ms",
            "--slo",
            "errors<1%",
            report_dir=tmp_path / "out",
        )
    assert result.returncode == 1, result.stdout + result.stderr
    failed = re.search(
        r"^FAIL GET /api/v1/users/me:p95<200ms: p95 of GET /api/v1/users/me was ([\d,]+) ms, "
        r"([\d,]+) ms \(\d+%\) over the limit of 200 ms$",
        result.stdout,
        re.M,
    )
    assert failed, result.stdout
    assert int(failed[1].replace(",", "")) >= 400
    assert "PASS errors<1%" in result.stdout
    assert result.stderr == "1 of 2 SLOs failed\n"
    summary = json.loads((tmp_path / "out" / "summary.json").read_text("utf-8"))
    assert summary["passed"] is False


def test_an_arrival_rate_run_reports_its_arrivals(reference, tmp_path):
    result = load(reference.url, "--arrival-rate", "20", "--slo", "errors<1%", report_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    arrivals = json.loads((tmp_path / "summary.json").read_text("utf-8"))["arrivals"]
    assert arrivals["scheduled"] > 0
    assert re.search(r"^arrivals: [\d,]+ scheduled, [\d,]+ dropped", result.stdout, re.M)
