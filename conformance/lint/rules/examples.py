"""Rules that every example in the document is valid against the schema it illustrates.

They judge values with jsonschema (`dialect.py`), imported when they run: these rules
read OpenAPI 3 only, and a Swagger 2.0 document is linted without paying for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...contract.document import Spec
from ...contract.tree import JsonPath, as_map
from ..findings import Severity
from ..formats import OAS3
from ..registry import RuleSet, Violation, rule


@rule(
    "oas3-valid-schema-example",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every schema `examples` item, `example` and `default` matches its schema.",
    why="Readers copy examples, mock servers serve them and test generators send them: a wrong "
    "one makes those tools talk in ways the API rejects, so it is an error.",
)
def valid_schema_example(spec: Spec) -> Iterator[Violation]:
    """Schema-level examples and defaults that their own schema rejects."""
    from ..dialect import judge  # jsonschema: see the module's docstring

    checker = judge(spec)
    for found in spec.locations.all_schemas():
        values: list[tuple[Any, JsonPath]] = []
        examples = found.node.get("examples")
        if isinstance(examples, list):
            values += [
                (item, (*found.path, "examples", index)) for index, item in enumerate(examples)
            ]
        for keyword in ("example", "default"):
            if keyword in found.node:
                values.append((found.node[keyword], (*found.path, keyword)))
        for value, path in values:
            if (problem := checker.problem(value, found.path)) is not None:
                yield path, f"invalid example: {problem}"


@rule(
    "oas3-valid-media-example",
    ruleset=RuleSet.RECOMMENDED,
    severity=Severity.ERROR,
    formats=OAS3,
    checks="Every `example`/`examples` of a media type, parameter or header matches its schema.",
    why="The docs show them as real requests and answers, and mock servers and test generators "
    "replay them: one its schema rejects breaks those tools, so it is an error.",
)
def valid_media_example(spec: Spec) -> Iterator[Violation]:
    """Media-type, parameter and header examples that their schema rejects."""
    from ..dialect import judge  # jsonschema: see the module's docstring

    checker = judge(spec)
    where = spec.locations
    for found in [*where.media_types, *where.parameters, *where.headers]:
        if "schema" not in found.node:
            continue
        schema_path = (*found.path, "schema")
        values: list[tuple[Any, JsonPath]] = []
        if "example" in found.node:
            values.append((found.node["example"], (*found.path, "example")))
        for name, raw in as_map(found.node.get("examples")).items():
            path = (*found.path, "examples", name)
            example, _ = spec.resolve(raw, path)
            # An example given by `externalValue` lies outside the document.
            if isinstance(example, dict) and "value" in example:
                values.append((example["value"], path))
        for value, path in values:
            if (problem := checker.problem(value, schema_path)) is not None:
                yield path, f"invalid example: {problem}"
