"""Rules for Swagger 2.0 documents only, mirrors of the OpenAPI 3 ones (Spectral's `oas2-`)."""

from __future__ import annotations

from collections.abc import Iterator

from ...contract.document import Spec
from ..findings import Severity
from ..formats import OAS2
from ..registry import RuleSet, Violation, rule
from .validity import undefined_schemes, unused

# The reusable sections of a 2.0 document, all at its top level.
_REUSABLE = ("definitions", "parameters", "responses")


@rule(
    "oas2-operation-security-defined",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.ERROR,
    formats=OAS2,
    checks="Every security requirement names a scheme in `securityDefinitions`.",
    why="Swagger 2.0 requires a declared scheme; on an undefined one clients cannot "
    "authenticate, so it is an error.",
)
def security_defined(spec: Spec) -> Iterator[Violation]:
    """Security requirements (document-wide and per operation) naming unknown schemes."""
    yield from undefined_schemes(spec, ("securityDefinitions",))


@rule(
    "oas2-unused-definition",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.WARNING,
    formats=OAS2,
    checks="Every definition, shared parameter and shared response is referenced somewhere.",
    why="An unused definition is dead contract: reviewers read it, no request ever meets it. "
    "A warning: nothing breaks, and a library document is used from elsewhere.",
)
def unused_definition(spec: Spec) -> Iterator[Violation]:
    """Reusable objects that no `$ref` reaches."""
    for path, name in unused(spec, [(section,) for section in _REUSABLE]):
        yield path, f"{path[0]} entry {name!r} is never used"
