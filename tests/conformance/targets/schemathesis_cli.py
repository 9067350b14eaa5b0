"""Run plain schemathesis (its CLI, in a child process) against a served fixture.

This is how a fixture proves that it conforms to its own spec: every check schemathesis
has, every phase, authenticated as one account, with nothing of ours in between.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SchemathesisRun", "run_schemathesis"]

# A bound on one run, far above what the bounded runs take, so that a hang fails the test.
TIMEOUT = 600.0


@dataclass(frozen=True)
class SchemathesisRun:
    command: list[str]
    exit_code: int
    output: str

    def explain(self) -> str:
        return f"exit code {self.exit_code} of {' '.join(self.command)}\n{self.output[-12000:]}"


def run_schemathesis(
    spec_url: str,
    base_url: str,
    token: str,
    *,
    scratch: Path,
    exclude_operations: Iterable[str] = (),
    max_examples: int = 30,
    seed: int = 1,
) -> SchemathesisRun:
    """`st run SPEC_URL --url BASE --checks all` with all four phases, as a user would type it.

    `scratch` is the working directory, where schemathesis keeps its cache.
    """
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        spec_url,
        "--url",
        base_url,
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "all",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
    ]
    for operation_id in exclude_operations:
        command += ["--exclude-operation-id", operation_id]
    completed = subprocess.run(
        command,
        cwd=scratch,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    return SchemathesisRun(command, completed.returncode, completed.stdout + completed.stderr)
