"""`conformance load` refuses bad input with one clear line and exit 2, before any load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conformance.embedded import free_port


def conformance(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


@pytest.fixture
def nowhere() -> str:
    """A loopback URL on which nothing listens."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--slo", "p95<300"], "error: the SLO 'p95<300' needs a unit of time"),
        (["--slo", "p95 is fast"], "error: cannot parse the SLO 'p95 is fast'"),
        (
            ["--slo", "GET /api/v1/itemz:p95<1s"],
            "error: the SLO 'GET /api/v1/itemz:p95<1s' names no operation of the contract",
        ),
        (["--run-time", "soon"], "error: --run-time 'soon' is not a duration"),
        (["--mix", "read_items=3"], "error: unknown task 'read_items'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, says, nowhere, tmp_path):
    options = ["--run-time", "10s", *args] if "--run-time" not in args else args
    result = conformance("load", "--url", nowhere, *options, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(says)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_run_time_is_required(nowhere, tmp_path):
    result = conformance("load", "--url", nowhere, "--slo", "p95<300ms", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "error: --run-time is required: a load run is always bounded (e.g. --run-time 30s)\n"
    )


def test_an_unreachable_url_is_refused_before_locust_starts(nowhere, tmp_path):
    result = conformance(
        "load", "--url", nowhere, "--run-time", "10s", "--report-dir", "out", cwd=tmp_path
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot reach {nowhere}")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
