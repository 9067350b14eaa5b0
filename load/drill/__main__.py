"""`python -m load.drill`: kill the service's database backends (and its Redis) under load.

    python -m load.drill                       # both drills, about 30 s
    python -m load.drill --seconds 10 --no-redis

Exit code 0 when every drill passed: no 500, no dropped connection, no acknowledged
write lost, logins answering without Redis and readiness naming it; 1 otherwise.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console

from conformance.errors import ConformanceError

from ..bench.postgres import DEFAULT_SERVER, PostgresUnavailable, scratch_database
from .database import run_database_drill
from .redis import run_redis_drill

console = Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 110)
app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def drill(
    seconds: Annotated[float, typer.Option(help="Length of the database drill.")] = 20.0,
    clients: Annotated[int, typer.Option(help="Writers (and as many readers).")] = 8,
    kills: Annotated[int, typer.Option(help="How many times the backends are killed.")] = 4,
    postgres: Annotated[
        str, typer.Option(help="PostgreSQL server to make the drill's own database on.")
    ] = DEFAULT_SERVER,
    no_redis: Annotated[bool, typer.Option("--no-redis", help="Skip the Redis drill.")] = False,
) -> None:
    """Run the failure drills and print their figures."""
    if not 2 <= seconds <= 120:
        raise typer.BadParameter("between 2 and 120 seconds", param_hint="--seconds")
    passed = True
    try:
        with scratch_database(postgres) as database_url:
            report = run_database_drill(database_url, seconds=seconds, clients=clients, kills=kills)
    except PostgresUnavailable as exc:
        console.print(f"error: PostgreSQL is unavailable: {exc}", markup=False)
        raise SystemExit(2) from None
    console.print(
        f"database drill: {report.seconds:.1f} s, {report.kills} kills "
        f"({report.backends_terminated} backends ended), {report.requests:,} requests: "
        f"{report.answered_503:,} answered 503, {report.answered_500} answered 500, "
        f"{report.dropped} dropped connections; {report.acknowledged_writes:,} "
        f"acknowledged writes, {report.lost_writes} lost; statuses {report.statuses}"
    )
    for drop in report.drops:
        console.print(f"  dropped: {drop}", markup=False)
    passed &= report.passed
    if not no_redis:
        redis = run_redis_drill()
        console.print(
            f"redis drill: {redis.logins_before} logins before Redis went away, "
            f"{redis.logins_after} after ({redis.failed_logins_after} failed, "
            f"{redis.answered_500} answered 500, {redis.dropped} dropped); /health/ready "
            f"{redis.readiness_status} {redis.readiness_checks}"
        )
        for drop in redis.drops:
            console.print(f"  dropped: {drop}", markup=False)
        passed &= redis.passed
    console.print("drill passed" if passed else "drill FAILED")
    raise SystemExit(0 if passed else 1)


def main() -> None:
    try:
        app()
    except ConformanceError as exc:
        console.print(f"error: {exc}", markup=False)
        raise SystemExit(exc.exit_code) from None


if __name__ == "__main__":
    main()
