"""What a run produces: outcomes of checks, each with the failures it found.

These are plain frozen records, shared by the engine, the events and every reporter; the
JSON report (`docs/report-schema.md`) is their serialisation. A check that could not take
a step it needed (a row not created, an account not logged in) is skipped with a
`SetupCause`: what was done, as whom, and what came back, so that the reports state one
root cause once, however many checks it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

__all__ = [
    "CauseKind",
    "FailureRecord",
    "Outcome",
    "RequestRecord",
    "ResponseRecord",
    "SetupCause",
    "Status",
    "judged",
]


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


class CauseKind(StrEnum):
    """How a step a check needed went wrong."""

    # 401 or 403: the operation is not open to the caller (it says nothing of the check).
    REFUSED = "refused"
    # Another 4xx: a request the run made from the spec's own schemas was turned down.
    REJECTED = "rejected"
    # 5xx: the deployment failed on the step.
    SERVER_ERROR = "server-error"
    # A 2xx without what the spec says it holds (not JSON, no id, no token).
    UNREADABLE = "unreadable"
    # The step could not be taken at all (the message says why).
    UNAVAILABLE = "unavailable"


_OUTCOME_WORDS = {
    CauseKind.REFUSED: "was refused",
    CauseKind.REJECTED: "was rejected",
    CauseKind.SERVER_ERROR: "failed on the server",
}

_HINTS = {
    CauseKind.REJECTED: "the deployment turned down a request made from the spec's own "
    "schemas: it asks more than the spec says (see its answer)",
    CauseKind.SERVER_ERROR: "the deployment failed on a request the spec allows; the checks "
    "that judge this operation (and schemathesis's not-a-server-error) report it",
    CauseKind.UNREADABLE: "the answer lacks what the spec says it holds, so the run cannot "
    "go on from it",
}


@dataclass(frozen=True, slots=True)
class SetupCause:
    """Why a step a check needed did not work; the check was skipped, not judged.

    `step` says what was done ("creating a row of users"), `identity` as whom ("a normal
    account", "the admin"; None when anonymous), `request` where ("POST /api/v1/users/"),
    and `status` (or `detail`) what came back. `need` is the kind of step, as the check
    declares it in the registry (`setup=`). Outcomes with equal `text` share one cause.
    """

    kind: CauseKind
    need: str
    step: str
    identity: str | None
    operation: str | None
    request: str | None
    status: int | None
    # What was wrong with the answer, or why the step could not be taken.
    detail: str | None = None
    # The start of the answer's body, for the reader (not part of the cause's identity).
    seen: str | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """One line: "creating a row of users (POST /users/) as a normal account was refused
        (403)"; the same for every check the cause stopped."""
        where = f" ({self.request})" if self.request else ""
        who = f" as {self.identity}" if self.identity else ""
        if self.kind in _OUTCOME_WORDS:
            return f"{self.step}{where}{who} {_OUTCOME_WORDS[self.kind]} ({self.status})"
        if self.kind is CauseKind.UNREADABLE:
            answered = f" answered {self.status}" if self.status is not None else ""
            return f"{self.step}{where}{who}{answered}: {self.detail}"
        return f"{self.step}{where}{who}: {self.detail}"

    @property
    def hint(self) -> str | None:
        """What the user can do about it, or what it means."""
        if self.kind is CauseKind.REFUSED:
            if self.status == 401:
                return (
                    "the deployment did not take the run's token here: check the token "
                    "operation the run uses (`[roles] token` in conformance.toml)"
                )
            if self.identity == "the admin":
                return "the deployment refuses this to the admin credentials given"
            return (
                "closed to the accounts the run signs up: give admin credentials "
                "(--admin-email/--admin-password) and the run takes such steps as the admin "
                "(a fault of the deployment if the spec means it open to any account)"
            )
        return _HINTS.get(self.kind)


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
    # When skipped because a step it needed did not work: that step (`reason` says it too).
    cause: SetupCause | None = None


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
