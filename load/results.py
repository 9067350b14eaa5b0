"""The statistics of a finished run, read from Locust's JSON report.

Locust's `--json-file` keeps, for every (method, name) entry, the full histogram of
response times (rounded to two significant digits), so any percentile of any endpoint,
and of all of them together, can be computed here exactly as Locust computes its own.
This module never imports Locust: it runs in the CLI's process.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.errors import InternalError

__all__ = [
    "CLEANUP_SUFFIX",
    "EndpointStats",
    "RunStats",
    "percentile",
    "read_locust_json",
]

# The journeys name their end-of-run account deletions with this suffix, so that the
# cleanup shows in Locust's own reports but never in the table or the SLOs.
CLEANUP_SUFFIX = " (cleanup)"


def percentile(histogram: Mapping[int, int], fraction: float) -> float:
    """The response time (ms) that `fraction` of the requests finished within.

    The same rule as Locust's `calculate_response_time_percentile`, so figures agree
    with Locust's own CSV and HTML reports.
    """
    total = sum(histogram.values())
    if total == 0:
        return 0.0
    allowed_above = total - int(total * fraction)
    seen = 0
    for response_time in sorted(histogram, reverse=True):
        seen += histogram[response_time]
        if seen >= allowed_above:
            return float(response_time)
    return 0.0


@dataclass(frozen=True)
class EndpointStats:
    """What happened to one endpoint (or to all of them, for the aggregate row)."""

    method: str
    name: str
    requests: int
    failures: int
    total_response_time: float
    max_response_time: float
    histogram: Mapping[int, int] = field(repr=False)

    @property
    def key(self) -> str:
        """`METHOD /path/{param}`, or `Aggregated` for the total row."""
        return f"{self.method} {self.name}".strip()

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0

    @property
    def average(self) -> float:
        return self.total_response_time / self.requests if self.requests else 0.0

    def percentile(self, fraction: float) -> float:
        """A percentile of this endpoint's response times, in milliseconds."""
        if fraction >= 1.0:
            return self.max_response_time
        return percentile(self.histogram, fraction)


@dataclass(frozen=True)
class RunStats:
    """Every endpoint of a run, the aggregate, and the time window they were measured in."""

    endpoints: list[EndpointStats]
    total: EndpointStats
    duration: float
    cleanup: list[EndpointStats] = field(default_factory=list)

    def rate(self, stats: EndpointStats) -> float:
        """Requests per second of one row over the whole run."""
        return stats.requests / self.duration if self.duration > 0 else 0.0

    def find(self, key: str) -> EndpointStats | None:
        """The row named `METHOD /path`, if the run made any such request."""
        for stats in self.endpoints:
            if stats.key == key:
                return stats
        return None


def read_locust_json(path: Path) -> RunStats:
    """Read the file written by `locust --json-file`; raise `InternalError` if unreadable."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InternalError(f"cannot read Locust's statistics from {path}: {exc}") from exc
    if not isinstance(raw, list):
        raise InternalError(f"Locust's statistics in {path} are not a list of entries")
    return summarize(raw)


def summarize(entries: Iterable[Mapping[str, Any]]) -> RunStats:
    """Turn Locust's serialized entries into per-endpoint rows and the aggregate."""
    rows: list[EndpointStats] = []
    cleanup: list[EndpointStats] = []
    started: list[float] = []
    ended: list[float] = []
    for entry in entries:
        histogram = {int(k): int(v) for k, v in (entry.get("response_times") or {}).items()}
        row = EndpointStats(
            method=str(entry.get("method") or ""),
            name=str(entry.get("name") or ""),
            requests=int(entry.get("num_requests") or 0),
            failures=int(entry.get("num_failures") or 0),
            total_response_time=float(entry.get("total_response_time") or 0),
            max_response_time=float(entry.get("max_response_time") or 0),
            histogram=histogram,
        )
        if row.name.endswith(CLEANUP_SUFFIX):
            cleanup.append(row)
            continue
        rows.append(row)
        if entry.get("start_time"):
            started.append(float(entry["start_time"]))
        if entry.get("last_request_timestamp"):
            ended.append(float(entry["last_request_timestamp"]))
    rows.sort(key=lambda row: (row.name, row.method))
    duration = max(ended) - min(started) if started and ended else 0.0
    return RunStats(rows, _merge("", "Aggregated", rows), max(duration, 0.0), cleanup)


def _merge(method: str, name: str, rows: list[EndpointStats]) -> EndpointStats:
    histogram: Counter[int] = Counter()
    for row in rows:
        histogram.update(row.histogram)
    return EndpointStats(
        method=method,
        name=name,
        requests=sum(row.requests for row in rows),
        failures=sum(row.failures for row in rows),
        total_response_time=sum(row.total_response_time for row in rows),
        max_response_time=max((row.max_response_time for row in rows), default=0.0),
        histogram=dict(histogram),
    )
