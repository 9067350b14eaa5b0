"""The rule registry: every lint rule registers itself here with `@rule`.

A rule is a function from the document to the problems it sees, as (path, message) pairs;
the registry adds the rule's name and severity, so a rule cannot misreport either. Names
follow the rulesets reviewers already know: Spectral's `oas` ruleset (`operation-tags`),
the OWASP API Security 2023 ruleset (`owasp:api4:2023-string-limit`), and `contract:` for
this project's own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ..contract.document import Spec
from ..contract.tree import JsonPath, render_path
from ..errors import InternalError
from .findings import Finding, Severity

__all__ = ["Check", "Rule", "Violation", "registered_rules", "rule"]

Violation = tuple[JsonPath, str]
"""What a rule reports: where the problem is, and what it is."""

Check = Callable[[Spec], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its name, severity, documentation and check."""

    name: str
    severity: Severity
    checks: str
    """What the rule checks, in one sentence."""
    why: str
    """Why it matters, in one sentence."""
    check: Check

    def run(self, spec: Spec) -> Iterator[Finding]:
        """The rule's findings on `spec`."""
        for path, message in self.check(spec):
            yield Finding(self.name, self.severity, render_path(path), message)


_RULES: dict[str, Rule] = {}


def rule(name: str, *, severity: Severity, checks: str, why: str) -> Callable[[Check], Check]:
    """Register the decorated check under `name`; a second rule of that name is a bug."""

    def register(check: Check) -> Check:
        if name in _RULES:
            raise InternalError(f"two lint rules are named {name!r}")
        _RULES[name] = Rule(name, severity, checks, why, check)
        return check

    return register


def registered_rules() -> list[Rule]:
    """Every rule, in the order the rule modules registered them."""
    return list(_RULES.values())
