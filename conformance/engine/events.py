"""The events a run emits, in order; reporters consume them and never reach into the engine.

RunStarted
PhaseStarted("contract") CheckFinished* PhaseFinished
PhaseStarted("generic") GenericProgress* Notice* PhaseFinished
PhaseStarted("cleanup") CleanupFinished PhaseFinished
RunFinished (carries the whole `RunResult`)
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol

from .registry import REGISTRY, Family
from .results import Outcome, SetupCause, Status

__all__ = [
    "CauseGroup",
    "CheckFinished",
    "CleanupFinished",
    "Event",
    "EventSink",
    "GenericProgress",
    "Notice",
    "PhaseFinished",
    "PhaseStarted",
    "RunFinished",
    "RunResult",
    "RunStarted",
]


class Event:
    """The base of every event."""


@dataclass(frozen=True, slots=True)
class RunStarted(Event):
    url: str
    spec: str
    # Schemathesis's seed; None when its phases do not run.
    seed: int | None
    run_tag: str
    profile: str
    workers: int
    embedded: bool
    has_admin: bool
    checks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhaseStarted(Event):
    name: str
    # How many steps the phase has, when known (contract checks), for a progress bar.
    total: int | None = None


@dataclass(frozen=True, slots=True)
class PhaseFinished(Event):
    name: str


@dataclass(frozen=True, slots=True)
class CheckFinished(Event):
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class GenericProgress(Event):
    """Schemathesis finished one scenario (an operation in a phase, or a stateful sequence)."""

    phase: str
    label: str | None
    status: str


@dataclass(frozen=True, slots=True)
class Notice(Event):
    """Something the user should know that is not a check result."""

    message: str


@dataclass(frozen=True, slots=True)
class CleanupFinished(Event):
    deleted: int
    left: tuple[str, ...]
    kept: bool
    # Objects deleted one by one because their owner's account stays (ledger.py).
    objects_deleted: int = 0


@dataclass(frozen=True, slots=True)
class CauseGroup:
    """One root cause and what it stopped: the checks it skipped, on which operations."""

    cause: SetupCause
    outcomes: tuple[Outcome, ...]
    checks: tuple[str, ...]
    operations: tuple[str, ...]


@dataclass(slots=True)
class RunResult:
    """Everything a run found; the reports serialise this."""

    url: str
    spec: str
    seed: int | None
    run_tag: str
    profile: str
    started_at: str
    duration: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    requests_sent: int = 0
    deleted: int = 0
    left: tuple[str, ...] = ()
    objects_deleted: int = 0
    kept_data: bool = False
    # The spec's operationIds; a check's outcome that names no operation stands for those
    # of its operations the spec has.
    spec_operations: tuple[str, ...] = ()
    # The operations of the spec each check runs on, by id, where the check says (its
    # `targets`): an outcome of it that names no operation stands for those.
    targets: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def counts(self) -> Counter[Status]:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def failed(self) -> bool:
        return any(outcome.status.is_problem for outcome in self.outcomes)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def by_family(self) -> dict[Family, Counter[Status]]:
        table: dict[Family, Counter[Status]] = {}
        for outcome in self.outcomes:
            family = _family_of(outcome.check_id)
            table.setdefault(family, Counter())[outcome.status] += 1
        return dict(sorted(table.items(), key=lambda row: list(Family).index(row[0])))

    def operations_of(self, outcome: Outcome) -> tuple[str, ...]:
        """The operations an outcome stands for: its own, or its check's that the spec has."""
        if outcome.operation is not None:
            return (outcome.operation,)
        if outcome.check_id in self.targets:
            return self.targets[outcome.check_id] or ("(whole API)",)
        if outcome.check_id in REGISTRY:
            operations = tuple(
                operation
                for operation in REGISTRY.get(outcome.check_id).operations
                if not self.spec_operations or operation in self.spec_operations
            )
            if operations:
                return operations
        return ("(whole API)",)

    def causes(self) -> list[CauseGroup]:
        """The set-up causes that skipped checks, each once with what it stopped; the cause
        that stopped the most checks first."""
        grouped: dict[str, list[Outcome]] = {}
        causes: dict[str, SetupCause] = {}
        for outcome in self.outcomes:
            if outcome.cause is not None and outcome.status is Status.SKIPPED:
                grouped.setdefault(outcome.cause.text, []).append(outcome)
                causes.setdefault(outcome.cause.text, outcome.cause)
        found = [
            CauseGroup(
                causes[text],
                tuple(outcomes),
                tuple(dict.fromkeys(outcome.check_id for outcome in outcomes)),
                tuple(
                    dict.fromkeys(
                        operation
                        for outcome in outcomes
                        for operation in self.operations_of(outcome)
                    )
                ),
            )
            for text, outcomes in grouped.items()
        ]
        return sorted(found, key=lambda group: (-len(group.checks), group.cause.text))

    @property
    def skipped_by_setup(self) -> int:
        """How many outcomes a set-up cause skipped."""
        return sum(
            outcome.cause is not None and outcome.status is Status.SKIPPED
            for outcome in self.outcomes
        )

    def by_operation(self) -> dict[str, Counter[Status]]:
        table: dict[str, Counter[Status]] = {}
        for outcome in self.outcomes:
            for operation in self.operations_of(outcome):
                table.setdefault(operation, Counter())[outcome.status] += 1
        return dict(sorted(table.items()))


def _family_of(check_id: str) -> Family:
    return Family(check_id.split(".", 1)[0])


@dataclass(frozen=True, slots=True)
class RunFinished(Event):
    result: RunResult


class EventSink(Protocol):
    """Anything that takes events: a reporter, or a list of them."""

    def handle(self, event: Event) -> None: ...
