"""Service-level objectives: the gates Locust lacks, written as k6 writes its thresholds.

    p95<300ms                                 95th percentile of every request
    POST /api/v1/auth/login:p99<1500ms        one endpoint, by method and path template
    login:p99<1.5s                            the same endpoint, by its operationId
    errors<1%                                 the share of failed requests
    GET /api/v1/items/:rps>=50                throughput, in requests per second

A metric is `pNN` (any percentile, `p99.9` too), `avg`, `max`, `errors` or `rps`; the
comparison is `<`, `<=`, `>` or `>=`. Latencies need a unit (`ms` or `s`), error rates
`%`. An endpoint must be an operation of the contract, so that a typo fails the command
instead of silently gating nothing.
"""

from __future__ import annotations

import difflib
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from conformance.errors import UsageError

from .endpoints import Endpoint
from .results import EndpointStats, RunStats

__all__ = ["Slo", "SloResult", "evaluate", "parse_slo"]

_EXPRESSION = re.compile(
    r"""^\s*(?P<metric>p\d+(?:\.\d+)?|avg|max|errors|rps)\s*
    (?P<op><=|>=|<|>)\s*
    (?P<value>\d+(?:\.\d+)?|\.\d+)\s*
    (?P<unit>ms|s|%|/s)?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_LATENCY_UNITS = {"ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class Slo:
    """One parsed objective. Latency limits are held in milliseconds, error rates as %."""

    text: str
    metric: str
    op: str
    limit: float
    endpoint: Endpoint | None = None

    @property
    def scope(self) -> str:
        return self.endpoint.key if self.endpoint else "all endpoints"

    @property
    def unit(self) -> str:
        if self.metric == "errors":
            return "%"
        if self.metric == "rps":
            return " req/s"
        return " ms"

    def observe(self, stats: EndpointStats, run: RunStats) -> float:
        """The figure this objective is about, from one row of the run's statistics."""
        if self.metric == "errors":
            return 100.0 * stats.failure_ratio
        if self.metric == "rps":
            return run.rate(stats)
        if self.metric == "avg":
            return stats.average
        if self.metric == "max":
            return stats.max_response_time
        return stats.percentile(float(self.metric[1:]) / 100.0)


@dataclass(frozen=True)
class SloResult:
    """Whether an objective held, what was observed, and a sentence saying by how much."""

    slo: Slo
    passed: bool
    observed: float | None
    message: str


def parse_slo(text: str, endpoints: Sequence[Endpoint] = ()) -> Slo:
    """Parse one `--slo` expression; raise `UsageError` naming what is wrong with it.

    `endpoints` are the contract's operations; an endpoint selector must name one of
    them (when the sequence is empty, any `METHOD /path` is accepted).
    """
    selector, colon, expression = text.rpartition(":")
    if not colon:
        expression = text
    match = _EXPRESSION.match(expression)
    if match is None:
        raise UsageError(
            f"cannot parse the SLO {text!r}",
            hint="write it as [ENDPOINT:]METRIC OP VALUE, e.g. 'p95<300ms', 'errors<1%' "
            "or 'POST /api/v1/auth/login:p99<1500ms'",
        )
    metric = match["metric"].lower()
    unit = (match["unit"] or "").lower()
    value = float(match["value"])
    if metric == "errors":
        if unit != "%":
            raise UsageError(f"the SLO {text!r} needs a percentage", hint="e.g. 'errors<1%'")
    elif metric == "rps":
        if unit not in ("", "/s"):
            raise UsageError(f"the SLO {text!r} counts requests per second", hint="e.g. 'rps>=100'")
    else:
        if unit not in _LATENCY_UNITS:
            raise UsageError(
                f"the SLO {text!r} needs a unit of time", hint=f"e.g. '{metric}<300ms' or '1.5s'"
            )
        value *= _LATENCY_UNITS[unit]
        if metric.startswith("p") and not 0.0 < float(metric[1:]) <= 100.0:
            raise UsageError(
                f"the SLO {text!r} asks for a percentile outside 0-100", hint="e.g. 'p99<1s'"
            )
    endpoint = _resolve(selector.strip(), text, endpoints) if colon else None
    return Slo(text=text, metric=metric, op=match["op"], limit=value, endpoint=endpoint)


def _resolve(selector: str, text: str, endpoints: Sequence[Endpoint]) -> Endpoint:
    if not selector:
        raise UsageError(f"the SLO {text!r} has an empty endpoint before ':'")
    method, _, path = selector.partition(" ")
    path = path.strip()
    for endpoint in endpoints:
        if endpoint.operation_id == selector or (
            endpoint.method == method.upper() and endpoint.path == path
        ):
            return endpoint
    if not endpoints and path.startswith("/"):
        return Endpoint(method.upper(), path)
    names = [e.key for e in endpoints] + [e.operation_id for e in endpoints if e.operation_id]
    close = difflib.get_close_matches(selector, names, n=1, cutoff=0.6)
    known = ", ".join(e.operation_id or e.key for e in endpoints)
    hint = f"the operations are {known}"
    if close:
        hint = f"did you mean {close[0]!r}? {hint}"
    raise UsageError(f"the SLO {text!r} names no operation of the contract", hint=hint)


def evaluate(slos: Sequence[Slo], run: RunStats) -> list[SloResult]:
    """Check every objective against a run's statistics."""
    return [_evaluate(slo, run) for slo in slos]


def _evaluate(slo: Slo, run: RunStats) -> SloResult:
    stats = run.find(slo.endpoint.key) if slo.endpoint else run.total
    if stats is None or stats.requests == 0:
        # A gate on something never exercised must not pass silently.
        return SloResult(slo, False, None, f"{slo.text}: no request to {slo.scope} was made")
    observed = slo.observe(stats, run)
    passed = _OPERATORS[slo.op](observed, slo.limit)
    shown = f"{_figure(observed)}{slo.unit}"
    limit = f"{_figure(slo.limit)}{slo.unit}"
    if passed:
        message = f"{slo.text}: {slo.metric} of {slo.scope} was {shown} (limit {limit})"
    else:
        gap = abs(observed - slo.limit)
        if slo.metric == "errors":
            by = f"{_figure(gap)} points"
        else:
            relative = f" ({100.0 * gap / slo.limit:.0f}%)" if slo.limit else ""
            by = f"{_figure(gap)}{slo.unit}{relative}"
        side = "over" if slo.op in ("<", "<=") else "under"
        message = (
            f"{slo.text}: {slo.metric} of {slo.scope} was {shown}, {by} {side} the limit of {limit}"
        )
    return SloResult(slo, passed, observed, message)


def _figure(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:.2g}" if value < 1 else f"{value:.1f}"
