"""Run `conformance run` against a URL in a child process and read its JSON report.

A child process, as a user would run it: the engine's imports, settings and exit codes are
exercised exactly, and the test process (which serves the target in a thread) stays free.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["ConformanceRun", "inspect_heading", "inspect_model", "run_conformance"]

# A bound on one run, far above what a quick run takes, so a hung engine fails the test.
RUN_TIMEOUT = 300.0


@dataclass(frozen=True)
class ConformanceRun:
    """The exit code, the output and the parsed `--report-json` of one `conformance run`."""

    exit_code: int
    stdout: str
    stderr: str
    report: dict[str, Any]

    @property
    def failed_checks(self) -> set[str]:
        """The ids of the checks that found a violation, on any operation."""
        return {
            outcome["check_id"]
            for outcome in self.report.get("outcomes", [])
            if outcome.get("status") == "failed"
        }

    @property
    def errored_checks(self) -> set[str]:
        """The ids of the checks that could not finish (the target stopped answering...)."""
        return {
            outcome["check_id"]
            for outcome in self.report.get("outcomes", [])
            if outcome.get("status") == "error"
        }

    def status(self, check_id: str) -> set[str]:
        """How the check ended, over every operation it ran on (empty if it did not run)."""
        return {
            outcome["status"]
            for outcome in self.report.get("outcomes", [])
            if outcome["check_id"] == check_id
        }

    def failures(self, check_id: str) -> list[dict[str, Any]]:
        """The failures the check reported, as the JSON report holds them."""
        return [
            failure
            for outcome in self.report.get("outcomes", [])
            if outcome["check_id"] == check_id
            for failure in outcome.get("failures", [])
        ]

    def explain(self) -> str:
        """What to print when an assertion on this run fails."""
        return (
            f"exit code {self.exit_code}; failed checks: {sorted(self.failed_checks)}; "
            f"errors: {sorted(self.errored_checks)}\n"
            f"--- stdout (end) ---\n{self.stdout[-4000:]}\n"
            f"--- stderr (end) ---\n{self.stderr[-4000:]}"
        )


def run_conformance(
    url: str,
    *,
    admin: tuple[str, str] | None = None,
    checks: Iterable[str] = (),
    generic: bool = True,
    extra_args: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
    profile: str = "quick",
    timeout: float = RUN_TIMEOUT,
) -> ConformanceRun:
    """`python -m conformance run --url URL --profile PROFILE --report-json ...`.

    `checks` become `--check` flags (ids or families); `generic=False` skips the
    schemathesis phase. `admin` is passed through the environment, as CI would.
    """
    child_env = dict(os.environ)
    child_env.update(env or {})
    if admin is not None:
        child_env["CONFORMANCE_ADMIN_EMAIL"], child_env["CONFORMANCE_ADMIN_PASSWORD"] = admin
    with tempfile.TemporaryDirectory(prefix="conformance-run-") as scratch:
        report_path = Path(scratch) / "report.json"
        command = [
            sys.executable,
            "-m",
            "conformance",
            "run",
            "--url",
            url,
            "--profile",
            profile,
            "--report-json",
            str(report_path),
        ]
        for check_id in checks:
            command += ["--check", check_id]
        if not generic:
            command.append("--no-generic")
        command += list(extra_args)
        completed = subprocess.run(
            command,
            env=child_env,
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        report: dict[str, Any] = (
            json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {}
        )
    return ConformanceRun(completed.returncode, completed.stdout, completed.stderr, report)


def inspect_heading(spec: str, cwd: Path) -> str:
    """The first line `conformance inspect --spec SPEC` prints (it must exit 0)."""
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "inspect", "--spec", spec],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[0]


def inspect_model(spec: str | Path, *extra: str, cwd: Path | None = None) -> dict[str, Any]:
    """What `conformance inspect --spec SPEC --format json` prints (it must exit 0)."""
    command = [sys.executable, "-m", "conformance", "inspect", "--spec", str(spec)]
    result = subprocess.run(
        [*command, "--format", "json", *extra],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    model: dict[str, Any] = json.loads(result.stdout)
    return model
