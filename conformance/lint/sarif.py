"""SARIF 2.1.0, the format GitHub code scanning (and most CI viewers) read.

One run of one tool: `tool.driver.rules` describes every rule that ran (what it checks,
why, and its level in this run), and each finding is a result at the line of its JSON
path in the linted file, with the path itself as a logical location.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..contract.lines import LineIndex
from ..contract.loader import DEFAULT_SPEC
from .findings import Finding, Severity
from .registry import Rule

__all__ = ["SARIF_SCHEMA", "artifact_uri", "to_sarif"]

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
# SARIF has three levels of problem; Spectral's info and hint are both notes.
_LEVELS = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
    Severity.HINT: "note",
}


def artifact_uri(source: str | None, cwd: Path | None = None) -> str:
    """The linted file as SARIF names it: a URL as given, a local path relative to `cwd`
    when it lies below it (as code scanning wants), else a `file://` URI."""
    if source is not None and source.startswith(("http://", "https://")):
        return source
    path = Path(DEFAULT_SPEC if source is None else source).resolve()
    base = (cwd or Path.cwd()).resolve()
    if path.is_relative_to(base):
        return quote(path.relative_to(base).as_posix())
    return path.as_uri()


def to_sarif(
    findings: Sequence[Finding],
    rules: Iterable[tuple[Rule, Severity]],
    *,
    uri: str,
    lines: LineIndex,
) -> str:
    """The SARIF log of one lint run: `rules` are those that ran, at their severity."""
    ran = list(rules)
    index = {rule.name: position for position, (rule, _) in enumerate(ran)}
    results = [_result(finding, index[finding.rule], uri, lines) for finding in findings]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "conformance lint",
                        "version": _version(),
                        "rules": [_descriptor(rule, severity) for rule, severity in ran],
                    }
                },
                "artifacts": [{"location": {"uri": uri}}],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def _descriptor(rule: Rule, severity: Severity) -> dict[str, Any]:
    return {
        "id": rule.name,
        "shortDescription": {"text": rule.checks},
        "help": {"text": rule.why},
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {"tags": [rule.ruleset.value, *sorted(rule.formats)]},
    }


def _result(finding: Finding, rule_index: int, uri: str, lines: LineIndex) -> dict[str, Any]:
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri, "index": 0},
                    "region": {"startLine": lines.line(finding.json_path)},
                },
                "logicalLocations": [{"fullyQualifiedName": finding.path}],
            }
        ],
    }


def _version() -> str:
    try:
        return version("contract-toolkit")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"
