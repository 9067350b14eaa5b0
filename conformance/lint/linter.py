"""Linting a document: every rule the configuration turns on, run once, findings by path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract.document import Spec
from ..contract.tree import render_path, structure_problem
from .config import LintConfig
from .findings import Finding, Severity
from .formats import document_formats
from .registry import registered_rules

__all__ = ["lint_document"]

_STRUCTURE_RULE = "oas-schema"


def lint_document(
    document: Mapping[str, Any], config: LintConfig | None = None, *, bundled: bool = False
) -> list[Finding]:
    """Every finding on `document` (as loaded from YAML or JSON) of the rules `config`
    turns on; `bundled` says that it is the bundled contract, whose house rules then run.

    Never raises on a malformed document: what cannot be checked is reported instead.
    """
    config = config or LintConfig()
    problem = structure_problem(document)
    if problem is not None:
        # Nothing can walk a document that contains itself or nests without end, so this
        # is the one finding; it is a validity problem, hence `oas-schema`.
        path, message = problem
        validity = next(rule for rule in registered_rules() if rule.name == _STRUCTURE_RULE)
        severity = config.severity(validity) or Severity.ERROR
        return [Finding(_STRUCTURE_RULE, severity, render_path(path), message, path)]
    spec = Spec(document)
    active = config.active(formats=document_formats(spec.root), bundled=bundled)
    findings = {finding for rule, severity in active for finding in rule.run(spec, severity)}
    return sorted(findings, key=lambda finding: (finding.path, finding.rule, finding.message))
