"""Rules that every value is bounded and every request body closed (OWASP API3 and API4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...contract.document import Spec
from ...contract.tree import JsonPath, as_map
from ...contract.walk import Located, subschemas
from ..findings import Severity
from ..formats import OAS3
from ..registry import RuleSet, Violation, rule

# Formats whose values have a fixed, short length, so they bound a string by themselves.
_BOUNDED_FORMATS = frozenset({"date-time", "date", "uuid"})


def _types(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {item for item in declared if isinstance(item, str)}
    return set()


def _bounded_format(schema: dict[str, Any]) -> bool:
    declared = schema.get("format")
    return isinstance(declared, str) and declared in _BOUNDED_FORMATS


def _fixed(schema: dict[str, Any]) -> bool:
    return "enum" in schema or "const" in schema


@rule(
    "owasp:api4:2023-string-limit",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every string schema has `maxLength`, `enum`, `const`, or format date-time/date/uuid.",
    why="An unbounded string lets one request exhaust memory, storage or a regex engine; an "
    "error, as in Spectral's OWASP ruleset.",
)
def string_limit(spec: Spec) -> Iterator[Violation]:
    """String schemas anywhere in the document without an upper bound."""
    for found in spec.locations.all_schemas():
        schema = found.node
        bounded = "maxLength" in schema or _fixed(schema) or _bounded_format(schema)
        if "string" in _types(schema) and not bounded:
            yield found.path, "string schema has no maxLength (nor enum, const or a bounded format)"


@rule(
    "owasp:api4:2023-array-limit",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every array schema has `maxItems`.",
    why="An unbounded array lets one request (or one response) grow without limit; an error, "
    "as in Spectral's OWASP ruleset.",
)
def array_limit(spec: Spec) -> Iterator[Violation]:
    """Array schemas anywhere in the document without maxItems."""
    for found in spec.locations.all_schemas():
        if (
            "array" in _types(found.node)
            and "maxItems" not in found.node
            and not _fixed(found.node)
        ):
            yield found.path, "array schema has no maxItems"


@rule(
    "owasp:api4:2023-integer-limit",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every integer schema has a minimum and a maximum (inclusive or exclusive).",
    why="Unbounded integers overflow database columns (a 500) or drive huge loops and pages; "
    "an error, as in Spectral's OWASP ruleset.",
)
def integer_limit(spec: Spec) -> Iterator[Violation]:
    """Integer schemas anywhere in the document without both bounds."""
    for found in spec.locations.all_schemas():
        schema = found.node
        if "integer" not in _types(schema) or _fixed(schema):
            continue
        missing = [
            bound
            for bound in ("minimum", "maximum")
            if bound not in schema and f"exclusive{bound.capitalize()}" not in schema
        ]
        if missing:
            yield found.path, f"integer schema has no {' and no '.join(missing)}"


@rule(
    "owasp:api4:2023-integer-format",
    ruleset=RuleSet.OWASP,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every integer schema has a `format` (int32 or int64).",
    why="Without one, generated clients and servers pick their own width, and an id or a page "
    "number that one side holds overflows on the other; an error, as in Spectral's OWASP ruleset.",
)
def integer_format(spec: Spec) -> Iterator[Violation]:
    """Integer schemas anywhere in the document without int32/int64."""
    for found in spec.locations.all_schemas():
        schema = found.node
        if "integer" in _types(schema) and schema.get("format") not in ("int32", "int64"):
            yield found.path, "integer schema has no format (int32 or int64)"


@rule(
    "owasp:api3:2023-no-additionalProperties",
    ruleset=RuleSet.OWASP,
    severity=Severity.WARNING,
    formats=OAS3,
    checks="Every object schema a request body can reach has `additionalProperties: false`.",
    why="An open body invites mass assignment (of `is_superuser`, say); a warning, since many "
    "APIs safely ignore unknown fields.",
)
def closed_request_bodies(spec: Spec) -> Iterator[Violation]:
    """Object schemas in request bodies (following `$ref`s) that accept unknown properties."""
    for found in _request_schemas(spec):
        schema = found.node
        is_object = "object" in _types(schema) or "properties" in schema
        closed = schema.get("additionalProperties") is False
        closed = closed or schema.get("unevaluatedProperties") is False
        if is_object and not closed:
            yield (
                found.path,
                "request object schema accepts unknown properties (no additionalProperties: false)",
            )


def _request_schemas(spec: Spec) -> Iterator[Located]:
    """Every schema a request body reaches, through `$ref`s, each once, where it is written."""
    pending: list[tuple[Any, JsonPath]] = []
    for operation in spec.operations:
        body = spec.request_body(operation)
        if body is None:
            continue
        node, path = body
        for media, media_type in as_map(node.get("content")).items():
            if "schema" in as_map(media_type):
                pending.append((media_type["schema"], (*path, "content", media, "schema")))
    seen: set[JsonPath] = set()
    while pending:
        node, path = spec.resolve(*pending.pop())
        for found in subschemas(node, path):
            if found.path in seen:
                continue
            seen.add(found.path)
            yield found
            if "$ref" in found.node:
                pending.append((found.node, found.path))
