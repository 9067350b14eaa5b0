"""Run `conformance load` as a user would, in a child process, and read its summary."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["run_load", "summary"]


def run_load(
    url: str, spec: str | Path, *args: str, report_dir: Path, users: int = 4
) -> subprocess.CompletedProcess[str]:
    """`conformance load` of `spec`'s journeys against `url`: `users` spawned at once, short
    think times, the reports in `report_dir`; `args` add or set any other option."""
    command = [
        sys.executable,
        "-m",
        "conformance",
        "load",
        "--url",
        url,
        "--spec",
        str(spec),
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--think-time",
        "0.05-0.15",
        "--report-dir",
        str(report_dir),
        *args,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=240, cwd=report_dir.parent, check=False
    )


def summary(folder: Path) -> dict[str, Any]:
    """The run's `summary.json` in the report folder."""
    data: dict[str, Any] = json.loads((folder / "summary.json").read_text("utf-8"))
    return data
