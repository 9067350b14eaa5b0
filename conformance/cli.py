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


@app.command()
def load(
    url: Annotated[str, typer.Option(help="The deployment to load, e.g. http://127.0.0.1:8000.")],
    run_time: Annotated[
        str | None,
        typer.Option(help="How long to send load: 30s, 5m, 1h30m. Required: no unbounded runs."),
    ] = None,
    users: Annotated[
        int | None,
        typer.Option(help="Concurrent users (default 10; the pool with --arrival-rate)."),
    ] = None,
    spawn_rate: Annotated[
        float | None, typer.Option(help="Users started per second (default: all in 1 s).")
    ] = None,
    slo: Annotated[
        list[str] | None,
        typer.Option(
            help="A gate, repeatable: 'p95<300ms', 'errors<1%', "
            "'POST /api/v1/auth/login:p99<1500ms', 'login:p99<1.5s', 'rps>=50'."
        ),
    ] = None,
    arrival_rate: Annotated[
        float | None,
        typer.Option(help="Open model: start this many requests/s whatever the latency."),
    ] = None,
    processes: Annotated[
        int | None, typer.Option(help="Locust processes generating load (default 1).")
    ] = None,
    mix: Annotated[
        str | None,
        typer.Option(help="Task weights, e.g. 'read_item=30,create_item=1' (see load/mix.py)."),
    ] = None,
    think_time: Annotated[
        str | None, typer.Option(help="Seconds between a user's tasks: N or MIN-MAX (0.5-1.5).")
    ] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(help="Where the HTML, CSV and JSON reports go (reports/load-<time>)."),
    ] = None,
) -> None:
    """Load a deployment with the contract's journeys; exit 1 if an SLO fails."""
    from load.runner import prepare, run_load

    settings = prepare(
        url=url,
        run_time=run_time,
        users=users,
        spawn_rate=spawn_rate,
        slos=slo or [],
        report_dir=report_dir,
        processes=processes,
        arrival_rate=arrival_rate,
        mix=mix,
        think_time=think_time,
    )
    report = run_load(settings, out_console)
    if not report.passed:
        failed = sum(not result.passed for result in report.results)
        err_console.print(f"{failed} of {len(report.results)} SLOs failed")
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="The port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
    migrate: Annotated[
        bool, typer.Option("--migrate", help="Upgrade the database to the newest schema first.")
    ] = False,
) -> None:
    """Run the reference implementation (settings from the environment; see README.md)."""
    from .serve import serve as run_server

    run_server(host=host, port=port, workers=workers, run_migrations=migrate)


def main() -> None:
    """The console script: run the app, turning known errors into one line."""
    try:
        app()
    except ConformanceError as exc:
        err_console.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None
