"""`conformance generate`: the committed models match the spec, and drift is caught."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conformance.cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the parts of the checkout that generation reads and writes."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "spec", tmp_path / "spec")
    shutil.copytree(REPO / "generated", tmp_path / "generated")
    return tmp_path


def test_committed_models_are_up_to_date(project: Path) -> None:
    result = runner.invoke(app, ["generate", "--check", "--project", str(project)])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_check_names_a_hand_edited_file_and_changes_nothing(project: Path) -> None:
    models = project / "generated" / "models.py"
    edited = models.read_text() + "\nEXTRA = 1\n"
    models.write_text(edited)

    result = runner.invoke(app, ["generate", "--check", "--project", str(project)])

    assert result.exit_code == 1
    assert "generated/models.py" in result.output
    assert models.read_text() == edited


def test_check_notices_a_spec_change(project: Path) -> None:
    spec = project / "spec" / "openapi.yaml"
    spec.write_text(spec.read_text().replace("maxLength: 255\n", "maxLength: 200\n", 1))

    result = runner.invoke(app, ["generate", "--check", "--project", str(project)])

    assert result.exit_code == 1
    assert "generated/models.py" in result.output


def test_generate_repairs_drift_and_is_deterministic(project: Path) -> None:
    models = project / "generated" / "models.py"
    expected = models.read_text()
    models.write_text("# stale\n")

    first = runner.invoke(app, ["generate", "--project", str(project)])
    assert first.exit_code == 0, first.output
    assert "regenerated: generated/models.py" in first.output
    assert models.read_text() == expected

    second = runner.invoke(app, ["generate", "--project", str(project)])
    assert "already up to date" in second.output
    assert not list((project / "generated").glob(".fresh-*"))


@pytest.mark.parametrize("name", ["models.py", "__init__.py"])
def test_every_generated_file_says_it_is_generated(name: str) -> None:
    header = (REPO / "generated" / name).read_text().split("\n\n", 1)[0]
    assert header.startswith("# Generated from spec/openapi.yaml")
    assert "do not edit by hand" in header
    assert "conformance generate" in header


def test_outside_a_project_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "conformance", "generate", "--project", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "no pyproject.toml with [tool.datamodel-codegen]" in result.stderr
    assert "Traceback" not in result.stderr
