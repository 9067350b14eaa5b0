"""Rules on how operations are named and grouped: operationId, tags, summary."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ...contract.document import Operation, Spec
from ...contract.tree import JsonPath, as_list, as_map
from ..findings import Severity
from ..formats import ANY_FORMAT, OAS3
from ..registry import RuleSet, Violation, rule


@rule(
    "operation-operationId",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.WARNING,
    formats=ANY_FORMAT,
    checks="Every operation has an `operationId`.",
    why="Generated clients, links and reports name operations by it; without one, tools make "
    "up a name from the path, which works but changes with it: a warning.",
)
def operation_id_present(spec: Spec) -> Iterator[Violation]:
    """Operations without a non-empty operationId."""
    for operation in spec.operations:
        if operation.operation_id is None:
            yield operation.path, f"{operation.label} has no operationId"


@rule(
    "operation-operationId-unique",
    ruleset=RuleSet.VALIDITY,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="No two operations share an `operationId`.",
    why="OpenAPI requires unique ids; a duplicate gives generated clients two methods of one "
    "name and makes links ambiguous, so it is a validity error.",
)
def operation_id_unique(spec: Spec) -> Iterator[Violation]:
    """Every operation after the first that reuses an operationId."""
    for operation in spec.operations:
        first = spec.operations_by_id.get(operation.operation_id or "")
        if first is not None and first is not operation:
            message = f"operationId {operation.operation_id!r} is also used by {first.label}"
            yield (*operation.path, "operationId"), message


@rule(
    "operation-tags",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.WARNING,
    formats=ANY_FORMAT,
    checks="Every operation has a non-empty `tags` list.",
    why="Tags group operations in the docs and in generated clients; an untagged operation "
    "lands in a catch-all group, which is untidy but works: a warning.",
)
def operation_tags(spec: Spec) -> Iterator[Violation]:
    """Operations without tags."""
    for operation in spec.operations:
        if not as_list(operation.node.get("tags")):
            yield operation.path, f"{operation.label} has no tags"


@rule(
    "operation-tag-defined",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.WARNING,
    formats=ANY_FORMAT,
    checks="Every tag an operation uses is declared in the top-level `tags`.",
    why="An undeclared tag has no description and is often a typo of a declared one; tools "
    "still work: a warning.",
)
def operation_tag_defined(spec: Spec) -> Iterator[Violation]:
    """Operation tags missing from the top-level tag list."""
    names = (as_map(tag).get("name") for tag in as_list(spec.root.get("tags")))
    declared = {name for name in names if isinstance(name, str)}
    for operation in spec.operations:
        for index, tag in enumerate(as_list(operation.node.get("tags"))):
            # A tag that is not a string is the `oas-schema` rule's to report.
            if isinstance(tag, str) and tag not in declared:
                yield (*operation.path, "tags", index), f"tag {tag!r} is not declared in `tags`"


@rule(
    "contract:operation-summary",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=ANY_FORMAT,
    checks="Every operation has a `summary`.",
    why="The summary names the operation in the docs and every report; the contract requires it.",
)
def operation_summary(spec: Spec) -> Iterator[Violation]:
    """Operations without a non-empty summary."""
    for operation in spec.operations:
        summary = operation.node.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            yield operation.path, f"{operation.label} has no summary"


@rule(
    "tag-description",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.INFO,
    formats=ANY_FORMAT,
    checks="Every top-level tag has a `description`.",
    why="The docs show it as the introduction to the tag's group of operations; without it "
    "the page is only plainer: info (Spectral does not enable this rule by default).",
)
def tag_description(spec: Spec) -> Iterator[Violation]:
    """Declared tags without a description."""
    for index, tag in enumerate(as_list(spec.root.get("tags"))):
        description = as_map(tag).get("description")
        if not isinstance(description, str) or not description.strip():
            yield ("tags", index), f"tag {as_map(tag).get('name')!r} has no description"


@rule(
    "owasp:api8:2023-no-server-http",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="No server URL uses plain `http://` (relative URLs and https are fine).",
    why="Tokens and passwords sent over plain HTTP can be read and replayed by anyone on the "
    "path: an error.",
)
def no_server_http(spec: Spec) -> Iterator[Violation]:
    """Servers, top-level or on a path item or operation, whose URL starts with http://."""
    places: list[tuple[JsonPath, Any]] = [(("servers",), spec.root.get("servers"))]
    for operation in spec.operations:
        places.append(((*operation.path[:-1], "servers"), operation.path_item.get("servers")))
        places.append(((*operation.path, "servers"), operation.node.get("servers")))
    seen = set()
    for path, servers in places:
        for index, server in enumerate(as_list(servers)):
            url = as_map(server).get("url")
            where = (*path, index, "url")
            if isinstance(url, str) and url.lower().startswith("http://") and where not in seen:
                seen.add(where)
                yield where, f"server {url!r} is plain http"


@rule(
    "contract:401-without-security",
    ruleset=RuleSet.CONTRACT,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="An operation that documents a 401 declares `security`.",
    why="A 401 says credentials are checked; without `security` clients send none, and tools "
    "(this one included) cannot tell which scheme to test.",
)
def unauthorized_without_security(spec: Spec) -> Iterator[Violation]:
    """Operations documenting 401 whose requirements (own or inherited) name no scheme.

    An operation that takes credentials in its body (a login, a refresh) answers 401 to
    wrong ones without any scheme of its own; those are left alone.
    """
    for operation in spec.operations:
        if "401" in as_map(operation.node.get("responses")) and not (
            spec.is_secured(operation) or _takes_credentials(spec, operation)
        ):
            yield (
                (*operation.path, "responses", "401"),
                (f"{operation.label} documents 401 but declares no security"),
            )


_CREDENTIAL = re.compile(r"pass|secret|token", re.I)


def _takes_credentials(spec: Spec, operation: Operation) -> bool:
    found = spec.request_body(operation)
    if found is None:
        return False
    body, path = found
    for media, node in as_map(body.get("content")).items():
        schema, _ = spec.resolved_map(as_map(node).get("schema"), (*path, "content", media))
        if any(_CREDENTIAL.search(name) for name in as_map(schema.get("properties"))):
            return True
    return False
