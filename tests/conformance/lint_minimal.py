"""A small OpenAPI document that passes every lint rule, for breaking node by node."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .lint_breakages import Document

_ERROR_HEADERS = {
    "X-Request-ID": {"$ref": "#/components/headers/RequestId"},
    "X-Content-Type-Options": {"$ref": "#/components/headers/NoSniff"},
}
# A small document that passes every rule and still exercises most of them: a secured,
# form-encoded (so login) operation with a path parameter, a body, examples and a link.
MINIMAL: Document = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "tags": [{"name": "t", "description": "d"}],
    "paths": {
        "/things/{id}": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"$ref": "#/components/schemas/Id"},
                    "example": 2,
                }
            ],
            "post": {
                "operationId": "make",
                "summary": "s",
                "tags": ["t"],
                "security": [{"Auth": []}],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "additionalProperties": False,
                                "properties": {"tags": {"type": "array", "maxItems": 3}},
                            },
                            "examples": {"one": {"value": {"tags": []}}},
                        }
                    }
                },
                "responses": {
                    "201": {
                        "description": "d",
                        "headers": {
                            **_ERROR_HEADERS,
                            "Location": {"schema": {"type": "string", "maxLength": 9}},
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Id"},
                                "example": 1,
                            }
                        },
                        "links": {
                            "again": {
                                "operationId": "make",
                                "parameters": {"path.id": "$response.body#/"},
                            }
                        },
                    },
                    "401": {"$ref": "#/components/responses/Failure"},
                    "422": {"$ref": "#/components/responses/Failure"},
                    "429": {"$ref": "#/components/responses/Failure"},
                },
            },
        }
    },
    "components": {
        "schemas": {
            "Id": {
                "type": "integer",
                "format": "int32",
                "minimum": 1,
                "maximum": 9,
                "examples": [1],
            }
        },
        "headers": {
            "RequestId": {"schema": {"type": "string", "format": "uuid"}},
            "NoSniff": {"schema": {"const": "nosniff"}},
        },
        "responses": {
            "Failure": {
                "description": "d",
                "headers": {
                    **_ERROR_HEADERS,
                    "WWW-Authenticate": {"schema": {"type": "string", "enum": ["Bearer"]}},
                    "Retry-After": {
                        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 9}
                    },
                },
                "content": {"application/json": {"schema": {"type": "string", "maxLength": 9}}},
            }
        },
        "securitySchemes": {
            "Auth": {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "/things/1", "scopes": {}}},
            }
        },
    },
}


def nodes(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every node under (and including) `node`."""
    yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        yield from nodes(child, (*path, key))
