"""The rule registry: every lint rule registers itself here with `@rule`.

A rule is a function from the document to the problems it sees, as (path, message) pairs;
the registry adds the rule's name and severity, so a rule cannot misreport either. Names
follow the rulesets reviewers already know: Spectral's `oas` ruleset (`operation-tags`),
the OWASP API Security 2023 ruleset (`owasp:api4:2023-string-limit`), and `contract:` for
this project's own rules. Each rule belongs to one `RuleSet` and declares the document
formats it reads (`formats`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from ..contract.document import Spec
from ..contract.tree import JsonPath, render_path
from ..errors import InternalError
from .findings import Finding, Severity
from .formats import Format

__all__ = ["Check", "Rule", "RuleSet", "Violation", "registered_rules", "rule"]

Violation = tuple[JsonPath, str]
"""What a rule reports: where the problem is, and what it is."""

Check = Callable[[Spec], Iterable[Violation]]


class RuleSet(StrEnum):
    """The set a rule belongs to, which decides when it runs (see `lint.config`)."""

    VALIDITY = "validity"
    """The document is OpenAPI that tools can read at all; always on."""
    RECOMMENDED = "recommended"
    """Spectral's `oas` rules: on by default on any document."""
    OWASP = "owasp"
    """The OWASP API Security 2023 rules: on when asked for."""
    CONTRACT = "contract"
    """This project's house rules: on by default only on the bundled contract."""


@dataclass(frozen=True)
class Rule:
    """A registered rule: its name, set, default severity, formats, documentation and check."""

    name: str
    ruleset: RuleSet
    severity: Severity
    """The default severity; configuration may change it."""
    formats: frozenset[Format]
    """The document formats it applies to; it does not run on others."""
    checks: str
    """What the rule checks, in one sentence."""
    why: str
    """Why it matters, and so why its severity, in a sentence or two."""
    check: Check

    def run(self, spec: Spec, severity: Severity | None = None) -> Iterator[Finding]:
        """The rule's findings on `spec`, at `severity` (default: the rule's own)."""
        level = self.severity if severity is None else severity
        for path, message in self.check(spec):
            yield Finding(self.name, level, render_path(path), message, path)


_RULES: dict[str, Rule] = {}


def rule(
    name: str,
    *,
    ruleset: RuleSet,
    severity: Severity,
    formats: frozenset[Format],
    checks: str,
    why: str,
) -> Callable[[Check], Check]:
    """Register the decorated check under `name`; a second rule of that name is a bug."""

    def register(check: Check) -> Check:
        if name in _RULES:
            raise InternalError(f"two lint rules are named {name!r}")
        if not formats:
            raise InternalError(f"lint rule {name!r} applies to no document format")
        _RULES[name] = Rule(name, ruleset, severity, formats, checks, why, check)
        return check

    return register


def registered_rules() -> list[Rule]:
    """Every rule, in the order the rule modules registered them."""
    return list(_RULES.values())
