"""The reports of a load run: the console table, and the CSV and JSON files beside Locust's.

Locust writes its own HTML report, CSV files and JSON statistics into the report folder;
this module adds `endpoints.csv` (the table as printed, from the final statistics: Locust's
own `_stats.csv` is flushed once a second and can miss the last one) and `summary.json`
(the table, the SLO verdicts, the cleanup and the arrival counts) for CI to read.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from .results import EndpointStats, RunStats
from .slo import SloResult

__all__ = ["Failure", "RunReport", "print_report", "write_reports"]

PERCENTILES = (0.50, 0.95, 0.99)


@dataclass(frozen=True)
class Failure:
    """One kind of failed request, as Locust counted it."""

    endpoint: str
    error: str
    occurrences: int


@dataclass(frozen=True)
class RunReport:
    """Everything a finished run has to say."""

    url: str
    stats: RunStats
    results: list[SloResult]
    failures: list[Failure] = field(default_factory=list)
    accounts_created: int = 0
    accounts_deleted: int = 0
    rows_made: int = 0
    rows_left: int = 0
    arrivals: Mapping[str, int] | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)


def _row(stats: EndpointStats, run: RunStats) -> dict[str, Any]:
    return {
        "endpoint": stats.key,
        "requests": stats.requests,
        "rps": round(run.rate(stats), 2),
        "p50_ms": stats.percentile(0.50),
        "p95_ms": stats.percentile(0.95),
        "p99_ms": stats.percentile(0.99),
        "avg_ms": round(stats.average, 2),
        "max_ms": round(stats.max_response_time, 2),
        "failures": stats.failures,
        "failure_ratio": round(stats.failure_ratio, 6),
    }


def write_reports(report: RunReport, folder: Path) -> list[Path]:
    """Write `endpoints.csv` and `summary.json` into `folder`; return their paths."""
    run = report.stats
    rows = [_row(stats, run) for stats in run.endpoints] + [_row(run.total, run)]
    table = folder / "endpoints.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    summary = folder / "summary.json"
    document = {
        "url": report.url,
        "passed": report.passed,
        "settings": dict(report.settings),
        "duration_s": round(run.duration, 3),
        "endpoints": rows[:-1],
        "total": rows[-1],
        "slos": [
            {
                "slo": result.slo.text,
                "passed": result.passed,
                "observed": result.observed,
                "limit": result.slo.limit,
                "message": result.message,
            }
            for result in report.results
        ],
        "failures": [failure.__dict__ for failure in report.failures],
        "cleanup": {
            "accounts_created": report.accounts_created,
            "accounts_deleted": report.accounts_deleted,
            "rows_made": report.rows_made,
            "rows_left": report.rows_left,
        },
        "arrivals": dict(report.arrivals) if report.arrivals is not None else None,
    }
    summary.write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    return [table, summary]


def _ms(value: float) -> str:
    # Locust records whole milliseconds, so 0 means under half a millisecond.
    return f"{value:,.0f}" if value >= 0.5 else "<1"


def _endpoint_table(run: RunStats) -> Table:
    table = Table(title=None, show_footer=True, box=None, pad_edge=False, header_style="bold")
    total = run.total
    table.add_column("endpoint", footer="all endpoints", no_wrap=True)
    table.add_column("requests", justify="right", footer=f"{total.requests:,}")
    table.add_column("req/s", justify="right", footer=f"{run.rate(total):,.1f}")
    for fraction in PERCENTILES:
        name = f"p{fraction * 100:.0f}"
        table.add_column(name, justify="right", footer=_ms(total.percentile(fraction)))
    table.add_column("failures", justify="right", footer=_failures(total))
    for stats in run.endpoints:
        table.add_row(
            stats.key,
            f"{stats.requests:,}",
            f"{run.rate(stats):,.1f}",
            *(_ms(stats.percentile(fraction)) for fraction in PERCENTILES),
            _failures(stats),
        )
    return table


def _failures(stats: EndpointStats) -> str:
    if not stats.failures:
        return "0"
    return f"{stats.failures:,} ({100.0 * stats.failure_ratio:.1f}%)"


def print_report(report: RunReport, console: Console, files: Sequence[Path]) -> None:
    """The table, the failures, the cleanup, the SLO verdicts and where the files are."""
    run = report.stats
    console.print(
        f"{run.total.requests:,} requests to {report.url} in {run.duration:.1f} s "
        "(latencies in ms)",
        markup=False,
    )
    # Piped to a file or CI's log, no column is cut to rich's default 80 characters.
    names = max((len(stats.key) for stats in run.endpoints), default=13)
    table_console = console
    if not console.is_terminal and console.width < names + 60:
        table_console = Console(file=console.file, width=names + 60, highlight=False)
    table_console.print(_endpoint_table(run))
    if report.failures:
        console.print("\nfailures:")
        for failure in report.failures[:10]:
            console.print(
                f"  {failure.occurrences:>6,} x {failure.endpoint}: {failure.error}", markup=False
            )
    if report.arrivals is not None:
        scheduled, dropped = report.arrivals["scheduled"], report.arrivals["dropped"]
        note = " (no free user: raise --users)" if dropped else ""
        console.print(f"\narrivals: {scheduled:,} scheduled, {dropped:,} dropped{note}")
    left = f", {report.rows_left:,} left" if report.rows_left else ", none left"
    console.print(
        f"\ncleanup: {report.accounts_deleted} of {report.accounts_created} accounts made by "
        f"the run deleted; {report.rows_made:,} rows made{left}"
    )
    if report.results:
        console.print()
        for result in report.results:
            mark = "[green]PASS[/green]" if result.passed else "[red bold]FAIL[/red bold]"
            console.print(f"{mark} ", end="")
            console.print(result.message, markup=False, highlight=False)
    else:
        console.print("\nno --slo given: nothing was gated")
    console.print(f"\nreports: {files[0].parent}/ ({', '.join(p.name for p in files)})")
