"""What a reviewer reads first, worked out from a finished run (the HTML report renders it).

- `findings`: every failure (and every check that could not finish), worst first: by OWASP
  category (object and function level authorization, then authentication, ...), then by
  family (authz and authn first), then by how often the check failed.
- `risk_groups`: the same, one line per check and OWASP category, each with a plain
  sentence of what the failure lets happen (the check's `risk`, else its category's).
- `matrix`: operations by check families, with the outcomes behind every cell.
- `untested`: why checks were skipped, so the user knows what the run could not reach;
  a set-up cause (a step the checks needed did not work) once, before the other reasons.
- `redacted_headers`, `shorten_tokens`, `excerpt`: request and response excerpts with
  bearer tokens, cookies and passwords shortened.

Only `RunResult`, `Outcome`, `FailureRecord` and the registry are read, so the report
follows whatever checks exist.
"""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..catalogue import load_checks
from ..events import RunResult
from ..registry import Family, Owasp
from ..results import FailureRecord, Outcome, SetupCause, Status

__all__ = [
    "STATUS_ORDER",
    "WHOLE_API",
    "Cell",
    "CheckInfo",
    "Finding",
    "Matrix",
    "RiskGroup",
    "RiskLine",
    "Untested",
    "check_info",
    "excerpt",
    "family_title",
    "findings",
    "matrix",
    "redacted_headers",
    "replay_command",
    "risk_groups",
    "shorten_tokens",
    "untested",
]

WHOLE_API = "(whole API)"

# Worst first: who can reach whose data, then who can sign in, then what leaks or breaks.
OWASP_SEVERITY: tuple[Owasp, ...] = (
    Owasp.API1,
    Owasp.API5,
    Owasp.API2,
    Owasp.API3,
    Owasp.API4,
    Owasp.API6,
    Owasp.API7,
    Owasp.API8,
    Owasp.API10,
    Owasp.API9,
)
FAMILY_SEVERITY: tuple[str, ...] = (
    "authz",
    "authn",
    "login",
    "properties",
    "concurrency",
    "limits",
    "config",
    "workflows",
    "drift",
    "generic",
)

# The sentence shown for a check that states no risk of its own (schemathesis's among them).
FALLBACK_RISK: dict[Owasp, str] = {
    Owasp.API1: "Users may reach records that belong to other users.",
    Owasp.API2: "Authentication can be bypassed, or sessions outlive their revocation.",
    Owasp.API3: "Answers expose, or requests may set, fields the contract keeps closed.",
    Owasp.API4: "Requests are not bounded: one client can exhaust the service.",
    Owasp.API5: "Ordinary users may reach operations reserved to administrators.",
    Owasp.API6: "A business flow can be abused by repeating or racing it.",
    Owasp.API7: "The server can be made to fetch addresses an attacker chooses.",
    Owasp.API8: "The deployment answers in ways the contract rules out (misconfiguration).",
    Owasp.API9: "The deployment does not behave as its contract documents it.",
    Owasp.API10: "Data from other services is trusted without being checked.",
}
_UNKNOWN_RISK = "The deployment breaks a clause of the contract."

# Which status colours a matrix cell that holds several: the worst.
STATUS_ORDER = (Status.FAILED, Status.ERROR, Status.WAIVED, Status.PASSED, Status.SKIPPED)


def _rank(values: tuple[object, ...], value: object) -> int:
    return values.index(value) if value in values else len(values)


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """What the registry says about a check id (or as much as the id says, if unknown)."""

    id: str
    family: str
    description: str | None
    owasp: Owasp | None
    risk: str
    # True when `risk` is the category's sentence, not the check's own.
    generic_risk: bool
    operations: tuple[str, ...] = ()

    @property
    def severity(self) -> tuple[int, int]:
        return (_rank(OWASP_SEVERITY, self.owasp), _rank(FAMILY_SEVERITY, self.family))

    @property
    def family_title(self) -> str:
        return family_title(self.family)


def family_title(name: str) -> str:
    """`Authorization` for `authz`; the name itself for a family the registry does not know."""
    try:
        return Family(name).heading
    except ValueError:
        return name


def check_info(check_id: str) -> CheckInfo:
    registry = load_checks()
    family = check_id.split(".", 1)[0]
    if check_id not in registry:
        return CheckInfo(check_id, family, None, None, _UNKNOWN_RISK, True)
    item = registry.get(check_id)
    risk = item.risk or FALLBACK_RISK[item.owasp]
    return CheckInfo(
        check_id,
        family,
        item.description,
        item.owasp,
        risk,
        item.risk is None,
        item.operations,
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """One failure of a check (or a check that could not finish), with its place in the page."""

    key: str
    status: Status
    check: CheckInfo
    operation: str | None
    title: str
    record: FailureRecord | None = None
    # Why the check could not finish (status `error`), or the waiver's reason.
    reason: str | None = None

    @property
    def where(self) -> str:
        """The operation, and the request that showed the failure, e.g. `readItem (GET /x)`."""
        name = self.operation or WHOLE_API
        request = self.record.request if self.record is not None else None
        if request is None:
            return name
        path = re.sub(r"^[a-z]+://[^/]+", "", request.url) or "/"
        return f"{name} ({request.method} {path})"


def findings(result: RunResult) -> list[Finding]:
    """Every failure and every error of the run, worst first; waived ones after the rest."""
    infos: dict[str, CheckInfo] = {}
    raw: list[tuple[Status, CheckInfo, Outcome, FailureRecord | None]] = []
    for outcome in result.outcomes:
        if outcome.status not in (Status.FAILED, Status.WAIVED, Status.ERROR):
            continue
        info = infos.setdefault(outcome.check_id, check_info(outcome.check_id))
        if outcome.status is Status.ERROR or not outcome.failures:
            raw.append((outcome.status, info, outcome, None))
        raw += [(outcome.status, info, outcome, record) for record in outcome.failures]
    per_check = Counter(info.id for _, info, _, _ in raw)
    # Within one check, the first failure on each operation comes before the second on
    # any: the first lines of a check that failed everywhere show where it failed.
    nth: dict[int, int] = {}
    seen: Counter[tuple[str, str]] = Counter()
    for index, (_, info, outcome, record) in enumerate(raw):
        operation = (record.operation if record else None) or outcome.operation or ""
        nth[index] = seen[(info.id, operation)]
        seen[(info.id, operation)] += 1

    def order(index: int) -> tuple[object, ...]:
        status, info, outcome, record = raw[index]
        operation = (record.operation if record else None) or outcome.operation or ""
        return (
            status is Status.WAIVED,
            *info.severity,
            -per_check[info.id],
            info.id,
            nth[index],
            operation,
        )

    ordered = [raw[index] for index in sorted(range(len(raw)), key=order)]
    return [
        Finding(
            key=f"f-{index}",
            status=status,
            check=info,
            operation=(record.operation if record else None) or outcome.operation,
            title=record.title if record else "the check could not finish",
            record=record,
            reason=record.waiver if record else outcome.reason,
        )
        for index, (status, info, outcome, record) in enumerate(ordered, start=1)
    ]


@dataclass(slots=True)
class RiskLine:
    """One check's unwaived failures: the sentence a reviewer reads, and where they occurred."""

    check: CheckInfo
    findings: list[Finding] = field(default_factory=list)

    @property
    def operations(self) -> list[str]:
        return sorted({finding.operation or WHOLE_API for finding in self.findings})


@dataclass(slots=True)
class RiskGroup:
    owasp: Owasp | None
    lines: list[RiskLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(line.findings) for line in self.lines)

    @property
    def heading(self) -> str:
        return self.owasp.heading if self.owasp is not None else "Not categorised"


def risk_groups(items: Iterable[Finding]) -> list[RiskGroup]:
    """The failures (not the waived ones, nor the errors) by OWASP category, worst first."""
    groups: dict[Owasp | None, RiskGroup] = {}
    lines: dict[str, RiskLine] = {}
    for finding in items:
        if finding.status is not Status.FAILED:
            continue
        group = groups.setdefault(finding.check.owasp, RiskGroup(finding.check.owasp))
        if finding.check.id not in lines:
            lines[finding.check.id] = RiskLine(finding.check)
            group.lines.append(lines[finding.check.id])
        lines[finding.check.id].findings.append(finding)
    for group in groups.values():
        group.lines.sort(key=lambda line: (line.check.severity[1], -len(line.findings)))
    return sorted(groups.values(), key=lambda group: _rank(OWASP_SEVERITY, group.owasp))


@dataclass(slots=True)
class Cell:
    """The outcomes of one family's checks on one operation."""

    key: str
    operation: str
    family: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[Status]:
        return Counter(outcome.status for outcome in self.outcomes)

    @property
    def status(self) -> Status | None:
        """The status that colours the cell: the worst one present; None when nothing ran."""
        counts = self.counts
        return next((status for status in STATUS_ORDER if counts[status]), None)


@dataclass(slots=True)
class Matrix:
    operations: list[str]
    families: list[str]
    cells: dict[tuple[str, str], Cell]

    def cell(self, operation: str, family: str) -> Cell | None:
        return self.cells.get((operation, family))


def matrix(result: RunResult) -> Matrix:
    infos: dict[str, CheckInfo] = {}
    cells: dict[tuple[str, str], Cell] = {}
    for outcome in result.outcomes:
        info = infos.setdefault(outcome.check_id, check_info(outcome.check_id))
        for operation in result.operations_of(outcome):
            key = (operation, info.family)
            if key not in cells:
                cells[key] = Cell(f"c-{len(cells) + 1}", operation, info.family)
            cells[key].outcomes.append(outcome)
    known = [family.value for family in Family]
    families = sorted({family for _, family in cells}, key=lambda name: _rank(tuple(known), name))
    operations = sorted({operation for operation, _ in cells}, key=lambda op: (op == WHOLE_API, op))
    return Matrix(operations, families, cells)


@dataclass(slots=True)
class Untested:
    """One reason checks were skipped, and what it left untested; `cause` when the reason
    is a step they needed that did not work."""

    reason: str
    checks: list[str] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)
    cause: SetupCause | None = None


def untested(result: RunResult) -> list[Untested]:
    """Every reason for a skip, once: set-up causes first, then the most checks first."""
    by_reason: dict[str, Untested] = {}
    for outcome in result.outcomes:
        if outcome.status is not Status.SKIPPED:
            continue
        reason = outcome.cause.text if outcome.cause else outcome.reason or "no reason given"
        entry = by_reason.setdefault(reason, Untested(reason, cause=outcome.cause))
        if outcome.check_id not in entry.checks:
            entry.checks.append(outcome.check_id)
        for operation in result.operations_of(outcome):
            if operation not in entry.operations:
                entry.operations.append(operation)
    return sorted(
        by_reason.values(),
        key=lambda entry: (entry.cause is None, -len(entry.checks), entry.reason),
    )


def replay_command(result: RunResult) -> str:
    """The command line that runs the same checks with the same seed against the same target."""
    parts = ["conformance", "run", "--url", result.url]
    if not result.spec.endswith("(bundled)"):
        parts += ["--spec", result.spec]
    parts += ["--profile", result.profile]
    parts += ["--seed", str(result.seed)] if result.seed is not None else ["--no-generic"]
    return " ".join(shlex.quote(part) for part in parts)


# -- excerpts with secrets shortened -------------------------------------------------------

_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_SECRET_FIELD = re.compile(
    r'("(?:[a-z_]*token|password|secret|api_key)"\s*:\s*")([^"\\]{12,})(")', re.IGNORECASE
)
_FORM_SECRET = re.compile(r"((?:^|&)(?:password|client_secret)=)([^&]{12,})", re.IGNORECASE)
_SECRET_HEADERS = {"authorization", "proxy-authorization", "x-api-key"}
_COOKIE_HEADERS = {"cookie", "set-cookie"}


def shorten(secret: str) -> str:
    """`eyJhbGciOi…x9Qc`: enough to tell two tokens apart, not enough to use one."""
    if len(secret) <= 16:
        return secret
    return f"{secret[:10]}…{secret[-4:]}"


def shorten_tokens(text: str) -> str:
    """Shorten every JWT, and the value of every token or password field, in `text`."""
    text = _JWT.sub(lambda match: shorten(match.group(0)), text)
    text = _SECRET_FIELD.sub(lambda m: m.group(1) + shorten(m.group(2)) + m.group(3), text)
    return _FORM_SECRET.sub(lambda match: match.group(1) + shorten(match.group(2)), text)


def _cookie(value: str) -> str:
    def one(part: str) -> str:
        name, sep, rest = part.strip().partition("=")
        return f"{name}{sep}{shorten(rest)}" if sep else part.strip()

    first, *attributes = value.split(";")
    return "; ".join([one(piece) for piece in first.split(",")] + [a.strip() for a in attributes])


def redacted_headers(headers: dict[str, str]) -> list[tuple[str, str]]:
    rows = []
    for name, value in headers.items():
        lower = name.lower()
        if lower in _SECRET_HEADERS:
            scheme, sep, credential = value.partition(" ")
            value = f"{scheme} {shorten(credential)}" if sep else shorten(value)
        elif lower in _COOKIE_HEADERS:
            value = _cookie(value)
        else:
            value = shorten_tokens(value)
        rows.append((name, value))
    return rows


def excerpt(body: str | None, limit: int = 1500) -> str:
    """A body for reading: JSON indented, secrets shortened, cut at `limit` characters."""
    if not body:
        return ""
    try:
        text = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        text = body
    text = shorten_tokens(text)
    if len(text) > limit:
        text = text[:limit] + f"\n… ({len(text) - limit} more characters)"
    return text
