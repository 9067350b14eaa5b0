"""What a run produces: outcomes of checks, each with the failures it found.

These are plain frozen records, shared by the engine, the events and every reporter; the
JSON report (`docs/report-schema.md`) is their serialisation.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = ["FailureRecord", "Outcome", "RequestRecord", "ResponseRecord", "Status", "judged"]


class Status(StrEnum):
    """How one check ended on one operation."""

    PASSED = "passed"
    FAILED = "failed"
    # Every failure it found is waived in the configuration file.
    WAIVED = "waived"
    SKIPPED = "skipped"
    # The check could not finish (the target stopped answering, for example).
    ERROR = "error"

    @property
    def is_problem(self) -> bool:
        return self in (Status.FAILED, Status.ERROR)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    url: str
    headers: dict[str, str]
    body: str | None


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    status_code: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True, slots=True)
class FailureRecord:
    """One contract violation: what was expected against what was seen, and how to reproduce it."""

    check_id: str
    operation: str | None
    title: str
    expected: str
    seen: str
    request: RequestRecord | None = None
    response: ResponseRecord | None = None
    curl: str | None = None
    # The reason given in the waiver file, when this failure is waived.
    waiver: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """The result of one check on one operation (or on the whole API, when `operation` is None)."""

    check_id: str
    operation: str | None
    status: Status
    duration: float = 0.0
    failures: tuple[FailureRecord, ...] = field(default=())
    # Why it was skipped, or the error that stopped it.
    reason: str | None = None


def judged(
    check_id: str,
    operation: str | None,
    failures: tuple[FailureRecord, ...],
    *,
    waiver: str | None,
    duration: float = 0.0,
) -> Outcome:
    """The outcome of a check that found `failures`: failed, or waived with the waiver's reason."""
    if not failures:
        return Outcome(check_id, operation, Status.PASSED, duration)
    if waiver is None:
        return Outcome(check_id, operation, Status.FAILED, duration, failures)
    waived = tuple(replace(record, waiver=waiver) for record in failures)
    return Outcome(check_id, operation, Status.WAIVED, duration, waived, reason=waiver)
