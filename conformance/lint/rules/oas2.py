"""Rules for Swagger 2.0 documents only, mirrors of the OpenAPI 3 ones (Spectral's `oas2-`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...contract.document import Spec
from ...contract.tree import JsonPath, as_list, as_map, json_pointer
from ..findings import Severity
from ..formats import OAS2
from ..registry import RuleSet, Violation, rule
from .validity import _refs

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
    schemes = as_map(spec.root.get("securityDefinitions"))
    owners: list[tuple[dict[str, Any], JsonPath]] = [(spec.root, ())]
    owners += [(operation.node, operation.path) for operation in spec.operations]
    for owner, path in owners:
        for index, requirement in enumerate(as_list(owner.get("security"))):
            for name in as_map(requirement):
                if name not in schemes:
                    yield (*path, "security", index), f"security scheme {name!r} is not defined"


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
    targets = {ref for ref, _ in _refs(spec.root, (), parent=None)}
    for section in _REUSABLE:
        for name in as_map(spec.root.get(section)):
            own = "#" + json_pointer((section, name))
            if not any(ref == own or ref.startswith(own + "/") for ref in targets):
                yield (section, name), f"{section} entry {name!r} is never used"
