"""Every command on a document, each in a fresh child process, the best of N runs kept."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .commands import Command
from .documents import Document
from .measure import Run, run_measured


@dataclass(frozen=True)
class Result:
    """One command on one document: every run, and its outcome."""

    command: Command
    runs: tuple[Run, ...]
    outcome: str  # "ok", "timeout" or "failed: ..."

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def best(self) -> Run:
        """The fastest run (a run on a shared machine is only ever slowed down by it)."""
        return min(self.runs, key=lambda run: run.seconds)

    def to_json(self) -> dict[str, Any]:
        def figures(run: Run) -> dict[str, Any]:
            return {
                "seconds": round(run.seconds, 3),
                "cpu_seconds": round(run.cpu_seconds, 3),
                "peak_mb": round(run.peak_mb, 1),
                "exit_code": run.exit_code,
            }

        return {
            "command": self.command.name,
            "kind": self.command.kind,
            "ours": self.command.ours,
            "outcome": self.outcome,
            **figures(self.best),
            "runs": [figures(run) for run in self.runs],
        }


def bench_document(
    document: Document,
    commands: Sequence[Command],
    *,
    timeout: float,
    repeat: int = 1,
    progress: Callable[[str], None] | None = None,
) -> list[Result]:
    """Run each command on `document` up to `repeat` times; a failure is not repeated.

    Each run gets an empty scratch folder as its working directory, so that no
    configuration file lying in the caller's folder (conformance.toml, redocly.yaml,
    .spectral.yaml) changes what is measured.
    """
    results: list[Result] = []
    for command in commands:
        if progress is not None:
            progress(f"{document.label}: {command.name} ...")
        runs: list[Run] = []
        outcome = "ok"
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="conformance-bench-") as scratch:
                folder = Path(scratch)
                run = run_measured(
                    command.argv(document.path, folder),
                    timeout=timeout,
                    cwd=folder,
                    env=command.environment(),
                )
            runs.append(run)
            outcome = command.outcome(run, document.path)
            if outcome != "ok":
                break
        results.append(Result(command, (runs[-1],) if outcome != "ok" else tuple(runs), outcome))
    return results
