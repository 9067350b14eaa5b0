"""`conformance generate`: regenerate `generated/` from the spec and detect drift.

datamodel-code-generator is configured in `pyproject.toml` (`[tool.datamodel-codegen]`);
this module only runs it, writes the package marker, and compares.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import SpecError, UsageError

__all__ = ["INIT_TEXT", "GenerationResult", "find_project_root", "generate"]

INIT_TEXT = (
    "# Generated from spec/openapi.yaml by `conformance generate`: do not edit by hand.\n"
    '"""Pydantic v2 models made from `spec/openapi.yaml`; they live in `generated.models`."""\n'
)
_OUTPUT = Path("generated")


@dataclass(frozen=True)
class GenerationResult:
    """What a generation (or a check) found: the files that were, or would be, rewritten."""

    changed: list[Path]


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` whose pyproject configures the generator."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.datamodel-codegen]" in pyproject.read_text("utf-8"):
            return folder
    raise UsageError(
        "no pyproject.toml with [tool.datamodel-codegen] here or above",
        hint="run `conformance generate` inside the project checkout",
    )


def generate(root: Path, *, check: bool = False) -> GenerationResult:
    """Regenerate `generated/` under `root`; with `check`, only report what is stale."""
    target = root / _OUTPUT
    target.mkdir(exist_ok=True)
    # The generator's formatter reads its settings from the project around the output
    # file, so the fresh copy is made inside the project to come out byte for byte alike.
    with tempfile.TemporaryDirectory(dir=target, prefix=".fresh-") as scratch:
        fresh = Path(scratch)
        _run_generator(root, fresh / "models.py")
        (fresh / "__init__.py").write_text(INIT_TEXT, encoding="utf-8")
        changed = []
        for made in sorted(fresh.iterdir()):
            current = target / made.name
            new_text = made.read_text(encoding="utf-8")
            if not current.is_file() or current.read_text(encoding="utf-8") != new_text:
                changed.append(current.relative_to(root))
                if not check:
                    current.write_text(new_text, encoding="utf-8")
    return GenerationResult(changed=changed)


def _run_generator(root: Path, output: Path) -> None:
    command = [sys.executable, "-m", "datamodel_code_generator", "--output", str(output)]
    completed = subprocess.run(command, cwd=root, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        # The generator reports a broken spec on stderr; its last line names the problem.
        lines = [line for line in completed.stderr.splitlines() if line.strip()]
        detail = lines[-1] if lines else f"exit code {completed.returncode}"
        raise SpecError(f"datamodel-code-generator failed: {detail}", source="spec/openapi.yaml")
