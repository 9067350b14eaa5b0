"""`conformance lint`: check the OpenAPI contract before anything is built from it.

First openapi-spec-validator (rule `oas-schema`), then reviewer rules named after
Spectral's `oas` ruleset, the OWASP API Security 2023 ruleset and this project's contract
(`contract:`). Every rule is listed, with why it exists, in docs/lint-rules.md.

    findings = lint_document(load_document(None))
"""

# Importing `rules` registers every rule, whichever module of this package is used first.
from . import rules
from .findings import Finding, Severity
from .linter import lint_document
from .registry import Rule, registered_rules

__all__ = ["Finding", "Rule", "Severity", "lint_document", "registered_rules", "rules"]
