"""Examples are judged as OpenAPI means them, and a spec's pattern cannot hang the linter."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from conformance.contract import load_document
from conformance.contract.document import Spec
from conformance.lint import lint_document
from conformance.lint.dialect import METASCHEMA


def _document(schema: dict[str, Any], example: Any, version: str = "3.0.3") -> dict[str, Any]:
    return {
        "openapi": version,
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": schema, "example": example}},
                        }
                    },
                }
            }
        },
    }


def _example_findings(document: dict[str, Any]) -> list[str]:
    return [
        finding.message
        for finding in lint_document(document)
        if finding.rule == "oas3-valid-media-example"
    ]


def test_null_is_a_valid_example_of_a_nullable_3_0_schema() -> None:
    schema = {"type": "object", "properties": {"closed_at": {"type": "string", "nullable": True}}}

    assert _example_findings(_document(schema, {"closed_at": None})) == []
    assert _example_findings(_document(schema, {"closed_at": 3})) == [
        "invalid example: 3 is not of type 'string' (at closed_at)"
    ]


def test_an_example_the_pattern_rejects_is_reported() -> None:
    schema = {"type": "string", "pattern": "^[a-z]+$"}

    assert _example_findings(_document(schema, "abc")) == []
    assert _example_findings(_document(schema, "ABC")) == [
        "invalid example: 'ABC' does not match '^[a-z]+$'"
    ]


def test_a_pattern_that_backtracks_without_end_is_a_finding_not_a_hang() -> None:
    schema = {"type": "string", "pattern": "^(a|aa)+$"}

    (message,) = _example_findings(_document(schema, "a" * 5000 + "!"))

    assert "backtracks catastrophically" in message


PUBLISHED = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)
SCHEMAS: list[Any] = [
    True,
    {},
    {"type": "string", "maxLength": 3, "pattern": "^a"},
    {"type": "strung"},
    {"type": ["string", 3]},
    {"properties": {"a": {"type": "integer", "minimum": "0"}}},
    {"properties": []},
    {"items": {"items": {"items": {"maxItems": -1}}}},
    {"allOf": [{"$ref": "#/x"}, {"anyOf": [{"not": {"enum": []}}]}]},
    {"required": "a"},
    {"required": ["a", "a"]},
    {"pattern": "(unclosed"},
    {"$defs": {"a": {"additionalProperties": {"format": 3}}}},
    {"dependencies": {"a": ["b"], "c": {"type": 1}}},
    {"prefixItems": {}, "unevaluatedProperties": {"const": None}},
    {"contentSchema": {"if": {"type": "x"}}, "$anchor": "no good"},
    {"$ref": 5},
    {"description": 3, "deprecated": "yes", "examples": {}},
    3,
    None,
]


@pytest.mark.parametrize("schema", SCHEMAS, ids=[repr(schema)[:40] for schema in SCHEMAS])
def test_the_flat_metaschema_judges_as_the_published_one(schema: Any) -> None:
    assert METASCHEMA.is_valid(schema) is PUBLISHED.is_valid(schema)
    # The published one says "not of type" once per vocabulary; the same things are said.
    flat = {error.message for error in METASCHEMA.iter_errors(schema)}
    assert flat == {error.message for error in PUBLISHED.iter_errors(schema)}


def test_the_flat_metaschema_judges_the_bundled_contract_as_the_published_one() -> None:
    spec = Spec(load_document(None))
    for found in spec.locations.all_schemas():
        assert METASCHEMA.is_valid(found.node) is PUBLISHED.is_valid(found.node), found.path
