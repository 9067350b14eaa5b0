"""The commands measured on each document, and how to tell a finished run from a crash.

A linter that finds problems exits non-zero by design: that is a finished run. Only a
crash, a refusal or an unknown option is a failure, which the table reports with the
reason the command printed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .measure import Run, failure_reason
from .peers import REDOCLY, SPECTRAL, Installed

LINT, INSPECT, GENERATE = "lint", "inspect", "generate"
# Redocly CLI makes no network call with these: no telemetry, no check for a newer release.
REDOCLY_OFFLINE = {
    "REDOCLY_TELEMETRY": "off",
    "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
    "REDOCLY_SUPPRESS_NOTIFICATIONS": "true",
}
SPECTRAL_RULESET = 'extends: ["spectral:oas"]\n'


@dataclass(frozen=True)
class Command:
    """One command: its name in the table, what it does, and how it is run on a document."""

    name: str
    kind: str
    argv: Callable[[Path, Path], list[str]]  # (document, scratch folder) -> argv
    finished_codes: frozenset[int] = frozenset({0})
    # Printed only by a run that got to its end (Redocly exits 1 for problems and crashes).
    finished_marker: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    ours: bool = True

    def outcome(self, run: Run, document: Path) -> str:
        """'ok', 'timeout', or 'failed: <the reason it printed>'."""
        if run.timed_out:
            return "timeout"
        finished = run.exit_code in self.finished_codes
        if finished and self.finished_marker is not None:
            finished = self.finished_marker in run.stdout or self.finished_marker in run.stderr
        if finished:
            return "ok"
        return f"failed: {failure_reason(run, document)}"

    def environment(self) -> dict[str, str]:
        return {**os.environ, **self.env}


def _conformance(*args: str) -> list[str]:
    return [sys.executable, "-m", "conformance", *args]


def our_commands() -> list[Command]:
    """The toolkit's commands that read a spec, as a user types them."""
    return [
        Command(
            "conformance lint",
            LINT,
            lambda doc, _: _conformance("lint", str(doc)),
            finished_codes=frozenset({0, 1}),  # 1: the document has errors
        ),
        Command(
            "conformance inspect",
            INSPECT,
            lambda doc, _: _conformance("inspect", "--spec", str(doc)),
        ),
        Command(
            "conformance generate",
            GENERATE,
            lambda doc, scratch: _conformance(
                "generate", "--spec", str(doc), "--output", str(scratch / "generated")
            ),
        ),
    ]


def peer_commands(peers: Mapping[str, Installed], scratch: Path) -> list[Command]:
    """Spectral with its OpenAPI ruleset and Redocly CLI with its recommended rules."""
    commands: list[Command] = []
    if redocly := peers.get(REDOCLY.name):
        commands.append(
            Command(
                f"redocly lint {redocly.version}",
                LINT,
                lambda doc, _: [str(redocly.executable), "lint", "--format=stylish", str(doc)],
                finished_codes=frozenset({0, 1}),
                finished_marker="validated in",
                env=REDOCLY_OFFLINE,
                ours=False,
            )
        )
    if spectral := peers.get(SPECTRAL.name):
        ruleset = scratch / "spectral-oas.yaml"
        ruleset.write_text(SPECTRAL_RULESET, "utf-8")
        commands.append(
            Command(
                f"spectral lint {spectral.version}",
                LINT,
                lambda doc, _: [
                    str(spectral.executable),
                    "lint",
                    "--ruleset",
                    str(ruleset),
                    "--format",
                    "stylish",
                    str(doc),
                ],
                finished_codes=frozenset({0, 1}),  # 1: errors found; 2: it broke
                ours=False,
            )
        )
    return commands
