"""Reporters: findings as aligned text lines with a summary, or as a JSON list."""

from __future__ import annotations

import json
from collections.abc import Sequence

from .findings import Finding, Severity

__all__ = ["has_errors", "summary", "text_lines", "to_json"]


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether any finding is an error (which makes `conformance lint` exit 1)."""
    return any(finding.severity is Severity.ERROR for finding in findings)


def summary(findings: Sequence[Finding]) -> str:
    """`2 errors, 1 warning`."""
    errors = sum(finding.severity is Severity.ERROR for finding in findings)
    warnings = len(findings) - errors
    return f"{_count(errors, 'error')}, {_count(warnings, 'warning')}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


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
