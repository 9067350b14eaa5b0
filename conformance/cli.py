"""The `conformance` command line: one Typer app, one subcommand per module.

Known errors (`ConformanceError`) become one line on stderr and their exit code; the
subcommands themselves never print tracebacks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import ConformanceError

app = typer.Typer(
    name="conformance",
    help="Contract-first API toolkit: lint the spec, generate models, test and load a deployment.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False, soft_wrap=True)


@app.callback()
def root() -> None:
    """Contract-first API toolkit: lint the spec, generate models, test and load a deployment."""


@app.command()
def generate(
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 if generated/ is stale.")
    ] = False,
    project: Annotated[
        Path | None,
        typer.Option(help="The project checkout (default: the nearest one above the cwd)."),
    ] = None,
) -> None:
    """Regenerate the Pydantic models in generated/ from spec/openapi.yaml."""
    from .generate import find_project_root
    from .generate import generate as run_generator

    root = find_project_root(project)
    result = run_generator(root, check=check)
    if check:
        if result.changed:
            stale = ", ".join(str(path) for path in result.changed)
            err_console.print(f"stale: {stale} (run `conformance generate`)")
            raise typer.Exit(1)
        out_console.print("generated/ is up to date with spec/openapi.yaml")
    elif result.changed:
        out_console.print("regenerated: " + ", ".join(str(path) for path in result.changed))
    else:
        out_console.print("generated/ was already up to date")


def main() -> None:
    """The console script: run the app, turning known errors into one line."""
    try:
        app()
    except ConformanceError as exc:
        err_console.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None
