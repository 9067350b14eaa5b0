"""Reporters: findings as aligned text lines with a summary, or as a JSON list (SARIF: `sarif`)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .findings import Finding, Severity

__all__ = ["has_errors", "summary", "text_lines", "to_json"]

_PLURALS = {
    Severity.ERROR: "errors",
    Severity.WARNING: "warnings",
    Severity.INFO: "infos",
    Severity.HINT: "hints",
}


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether any finding is an error (which makes `conformance lint` exit 1)."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def summary(findings: Sequence[Finding]) -> str:
    """`2 errors, 1 warning, 0 infos, 0 hints`: every severity, counted."""
    counts = []
    for severity, plural in _PLURALS.items():
        number = sum(finding.severity is severity for finding in findings)
        counts.append(f"{number} {severity.value if number == 1 else plural}")
    return ", ".join(counts)


def text_lines(findings: Sequence[Finding]) -> list[str]:
    """One line per finding (severity, rule, path, message), then the summary."""
    width = max((len(finding.rule) for finding in findings), default=0)
    lines = [
        f"{finding.severity.value:<7}  {finding.rule:<{width}}  {finding.path}  {finding.message}"
        for finding in findings
    ]
    return [*lines, summary(findings)]


def to_json(findings: Sequence[Finding]) -> str:
    """The findings as a JSON list of `{rule, severity, path, message}` objects."""
    return json.dumps([finding.to_dict() for finding in findings], indent=2, ensure_ascii=False)
