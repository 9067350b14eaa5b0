"""Rules that every response link leads to a real operation, with real parameters."""

from __future__ import annotations

from collections.abc import Iterator

from ...contract.document import Operation, Spec
from ...contract.tree import as_map
from ...contract.walk import Located
from ..findings import Severity
from ..formats import OAS3
from ..registry import RuleSet, Violation, rule

_LOCATIONS = ("path", "query", "header", "cookie")


def _target(spec: Spec, link: Located) -> tuple[Operation | None, Violation | None]:
    """The operation a link leads to, or why it leads nowhere."""
    operation_id = link.node.get("operationId")
    operation_ref = link.node.get("operationRef")
    if isinstance(operation_id, str):
        target = spec.operations_by_id.get(operation_id)
        if target is None:
            return None, (
                (*link.path, "operationId"),
                f"no operation has operationId {operation_id!r}",
            )
        return target, None
    if isinstance(operation_ref, str):
        found = spec.lookup(operation_ref)
        for operation in spec.operations:
            if found is not None and found[0] is operation.node:
                return operation, None
        return None, ((*link.path, "operationRef"), f"{operation_ref!r} names no operation")
    return None, (link.path, "the link names no operation (operationId or operationRef)")


@rule(
    "contract:link-operation-defined",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every link's `operationId` (or `operationRef`) names an operation of this document.",
    why="Links drive the stateful conformance tests; a dangling one silently tests nothing.",
)
def link_operation_defined(spec: Spec) -> Iterator[Violation]:
    """Links that lead to no operation."""
    for link in spec.locations.links:
        _, problem = _target(spec, link)
        if problem is not None:
            yield problem


@rule(
    "contract:link-parameters-defined",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every parameter (and body) a link fills exists on the operation it leads to.",
    why="A link filling a parameter the target lacks makes the stateful tests send wrong requests.",
)
def link_parameters_defined(spec: Spec) -> Iterator[Violation]:
    """Link parameters (and bodies) the target operation does not take."""
    for link in spec.locations.links:
        target, _ = _target(spec, link)
        if target is None:
            continue
        parameters = spec.parameters(target)
        names = {name for _, name in parameters}
        for key in as_map(link.node.get("parameters")):
            where, _, name = key.partition(".")
            if where in _LOCATIONS and name:
                known = (where, name) in parameters
            else:
                known = key in names
            if not known:
                yield (*link.path, "parameters", key), f"{target.label} has no parameter {key!r}"
        if "requestBody" in link.node and spec.request_body(target) is None:
            yield (*link.path, "requestBody"), f"{target.label} takes no request body"
