"""The CLI's help: every text shows as written, TOML tables and all."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from conformance.cli import app

runner = CliRunner()
COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]
# Wide enough that no help text is wrapped in the middle of a `[table]`.
WIDE = {"COLUMNS": "400"}


def help_of(command: str) -> str:
    result = runner.invoke(app, [command, "--help"], env=WIDE)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_run_help_shows_the_tables_of_its_config_file() -> None:
    shown = help_of("run")

    assert "The configuration file: waivers, [roles], [[identity]] (default:" in shown


def written(parameter: object) -> str:
    """A parameter's help as its author meant it to read (Rich's `\\[` escapes undone)."""
    return str(getattr(parameter, "help", None) or "").replace("\\[", "[")


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_square_bracket_in_a_help_text_is_shown(command: str) -> None:
    bracketed = [
        token
        for parameter in COMMANDS[command].params
        for token in re.findall(r"\[+[^\]\s]+\]+", written(parameter))
    ]

    shown = help_of(command)

    assert [token for token in bracketed if token not in shown] == []
