"""`python -m load.bench`: the reference service against the floor, on this machine.

    python -m load.bench                       # wrk if installed, else Locust; 10 s a scenario
    python -m load.bench --seconds 5 --no-postgres --json bench.json

Prints one table (server, scenario, requests/s, p50, p99, ratio to the floor's
requests/s), `/health` latency while 8 logins run, and the load generator's own capacity
in requests per CPU second. All traffic goes to 127.0.0.1 and every scenario is bounded
in time. On a shared machine the figures are noisy: compare ratios, not absolutes.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from conformance.errors import ConformanceError

from .drivers import Driver, LocustDriver, Measurement, Request, pick_driver
from .postgres import DEFAULT_SERVER, PostgresUnavailable, scratch_database
from .scenarios import (
    LOGINS_AT_ONCE,
    Result,
    floor_server,
    health_during_logins,
    prepare_account,
    reference_server,
    service_scenarios,
)

# Items made for the delete scenario, per second of it: more than the service deletes.
DELETES_PER_SECOND = 6000
# Off a terminal (a log, a pipe), Rich would wrap at 80 columns; the table needs more.
console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 110)
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


def machine() -> dict[str, Any]:
    """What the figures were taken on."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass  # Not Linux: the model stays unknown.
    wrk = shutil.which("wrk")
    wrk_version = ""
    if wrk:
        done = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
        wrk_version = (
            (done.stdout or done.stderr).splitlines()[0] if done.stdout or done.stderr else ""
        )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "wrk": wrk_version,
    }


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 10 else f"{value:,.0f}"


@app.command()
def bench(
    seconds: Annotated[float, typer.Option(help="Length of each scenario.")] = 10.0,
    connections: Annotated[int, typer.Option(help="Concurrent connections.")] = 32,
    tool: Annotated[str | None, typer.Option(help="wrk or locust (default: wrk if found).")] = None,
    postgres: Annotated[
        str | None, typer.Option(help="PostgreSQL server to make a scratch database on.")
    ] = DEFAULT_SERVER,
    no_postgres: Annotated[bool, typer.Option("--no-postgres", help="SQLite only.")] = False,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the figures here.")
    ] = None,
) -> None:
    """Benchmark the reference service against a bare Starlette floor."""
    if not 1 <= seconds <= 60:
        raise typer.BadParameter("between 1 and 60 seconds", param_hint="--seconds")
    if tool not in (None, "wrk", "locust"):
        raise typer.BadParameter("wrk or locust", param_hint="--tool")
    driver = pick_driver(connections, tool)

    def make_driver(n: int) -> Driver:
        return pick_driver(n, driver.name)

    results: list[Result] = []
    info = machine()
    console.print(
        f"{info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['system']}; "
        f"driver {driver.name} ({info['wrk'] or 'Locust FastHttpUser'}), "
        f"{connections} connections, {seconds:g} s a scenario"
    )
    with floor_server() as floor:
        console.print("floor: bare Starlette JSON endpoint ...")
        floor_result = driver.run(floor, Request("GET", "/health"), seconds)
        results.append(Result("floor", "GET /health", floor_result))
        generator = LocustDriver(connections).run(floor, Request("GET", "/health"), seconds)

    under_logins: list[tuple[str, Measurement, Measurement]] = []
    backends: list[tuple[str, str | None]] = [("sqlite", None)]
    with ExitStack() as stack:
        if not no_postgres and postgres:
            try:
                backends.append(("postgresql", stack.enter_context(scratch_database(postgres))))
            except PostgresUnavailable as exc:
                console.print(f"PostgreSQL skipped: {exc}")
        for name, database_url in backends:
            with reference_server(database_url) as url:
                console.print(f"{name}: preparing the account, items and refresh tokens ...")
                account = prepare_account(
                    url, deletable=int(seconds * DELETES_PER_SECOND), chains=2 * connections
                )
                for scenario, request in service_scenarios(account):
                    console.print(f"{name}: {scenario} ...")
                    results.append(Result(name, scenario, driver.run(url, request, seconds)))
                console.print(f"{name}: GET /health while {LOGINS_AT_ONCE} logins run ...")
                health, logins = health_during_logins(url, account, make_driver, seconds)
                under_logins.append((name, health, logins))

    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("server", "scenario", "req/s", "p50 ms", "p99 ms", "vs floor", "errors"):
        table.add_column(column, justify="left" if column in ("server", "scenario") else "right")
    for result in results:
        m = result.measurement
        table.add_row(
            result.server,
            result.scenario,
            f"{m.rps:,.0f}",
            _ms(m.p50_ms),
            _ms(m.p99_ms),
            f"{100 * m.rps / floor_result.rps:.1f}%",
            f"{m.errors:,}",
        )
    console.print(table)
    for name, health, logins in under_logins:
        console.print(
            f"{name}: GET /health p50 {_ms(health.p50_ms)} ms, p99 {_ms(health.p99_ms)} ms "
            f"({health.rps:,.0f} req/s on 2 connections) while {LOGINS_AT_ONCE} connections "
            f"log in without pause ({logins.rps:,.1f} logins/s, {logins.errors} errors)"
        )
    if driver.name == "locust":
        console.print(
            "note: without wrk, Locust drives the floor too and is likely its bottleneck, "
            "which flatters every ratio (apt-get install -y wrk)"
        )
    per_core = generator.requests / generator.cpu_s if generator.cpu_s else 0.0
    console.print(
        f"load generator: Locust FastHttpUser sent {generator.rps:,.0f} req/s to the floor, "
        f"{per_core:,.0f} requests per CPU second of its own"
    )
    if json_path is not None:
        document = {
            "machine": info,
            "driver": driver.name,
            "connections": connections,
            "seconds": seconds,
            "results": [
                {"server": r.server, "scenario": r.scenario, **asdict(r.measurement)}
                for r in results
            ],
            "floor_rps": floor_result.rps,
            "locust_generator": {**asdict(generator), "requests_per_cpu_second": per_core},
            "health_during_logins": [
                {"server": name, "health": asdict(health), "logins": asdict(logins)}
                for name, health, logins in under_logins
            ],
        }
        json_path.write_text(json.dumps(document, indent=2) + "\n", "utf-8")


def main() -> None:
    try:
        app()
    except ConformanceError as exc:
        console.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
