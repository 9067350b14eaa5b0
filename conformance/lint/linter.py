"""Linting a document: every registered rule, run once, its findings sorted by path."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..contract.document import Spec
from ..contract.tree import render_path, structure_problem
from .findings import Finding, Severity
from .registry import registered_rules

__all__ = ["lint_document"]


def lint_document(document: Mapping[str, Any]) -> list[Finding]:
    """Every finding of every rule on `document` (as loaded from YAML or JSON).

    Never raises on a malformed document: what cannot be checked is reported instead.
    """
    problem = structure_problem(document)
    if problem is not None:
        # Nothing can walk a document that contains itself or nests without end, so this
        # is the one finding; it is a validity problem, hence `oas-schema`.
        path, message = problem
        return [Finding("oas-schema", Severity.ERROR, render_path(path), message)]
    spec = Spec(document)
    findings = {finding for rule in registered_rules() for finding in rule.run(spec)}
    return sorted(findings, key=lambda finding: (finding.path, finding.rule, finding.message))
