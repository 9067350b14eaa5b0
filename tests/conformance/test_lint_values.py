"""Examples are judged as OpenAPI means them, and a spec's pattern cannot hang the linter."""

from __future__ import annotations

from typing import Any

from conformance.lint import lint_document


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
