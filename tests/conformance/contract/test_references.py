"""`$ref`s are resolved once and shared: densely linked schemas cost what the document costs."""

from __future__ import annotations

from typing import Any

from conformance.contract import build_contract, schemas
from conformance.inspect import describe

LEVELS = 60


def _dense() -> dict[str, Any]:
    """Each schema names the next one twice: 2**60 paths from the first to the last."""
    components: dict[str, Any] = {
        f"S{level}": {
            "type": "object",
            "properties": {
                "left": {"$ref": f"#/components/schemas/S{level + 1}"},
                "right": {"$ref": f"#/components/schemas/S{level + 1}"},
            },
        }
        for level in range(LEVELS)
    }
    components[f"S{LEVELS}"] = {
        "type": "object",
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            # Back to the top: a cycle as well.
            "again": {"$ref": "#/components/schemas/S0"},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "dense", "version": "1"},
        "paths": {
            "/things/{id}": {
                "get": {
                    "operationId": "readThing",
                    "parameters": [{"name": "id", "in": "path", "required": True}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {"schemas": components},
    }


def test_a_schema_named_twice_is_one_object() -> None:
    contract = build_contract(_dense(), source="dense")

    schema = contract["readThing"].responses["200"].schema
    assert schema is not None
    assert schema["properties"]["left"] is schema["properties"]["right"]


def test_a_schema_that_names_itself_ends_in_an_empty_schema() -> None:
    contract = build_contract(_dense(), source="dense")

    node = contract["readThing"].responses["200"].schema
    for _ in range(LEVELS):
        assert node is not None
        node = node["properties"]["left"]
    assert node is not None
    assert node["properties"]["again"] == {}


def test_every_schema_nested_in_a_dense_one_is_visited_once() -> None:
    contract = build_contract(_dense(), source="dense")
    schema = contract["readThing"].responses["200"].schema

    visited = list(schemas.subschemas(schema))

    # S0..S60, the date-time, and the empty schema the cycle became: not 2**60 of them.
    assert len(visited) == LEVELS + 3
    assert any(inner.get("format") == "date-time" for inner in visited)


def test_inspect_plans_a_dense_document() -> None:
    contract = build_contract(_dense(), source="dense")

    model = describe(contract, has_admin=False, identities=2)

    assert model["operations"] == 1
