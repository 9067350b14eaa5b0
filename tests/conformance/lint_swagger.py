"""A small Swagger 2.0 document, clean under the default rule sets, and ways to break it.

The 2.0 rules cannot be triggered from the bundled (OpenAPI 3.1) contract, so their
breakages mutate this document; `test_lint.py` counts them towards every rule's coverage.
"""

from __future__ import annotations

import copy

from .lint_breakages import Breakage, Document

SWAGGER_MINIMAL: Document = {
    "swagger": "2.0",
    "info": {"title": "Pets", "version": "1"},
    "host": "api.example.com",
    "basePath": "/v1",
    "schemes": ["https"],
    "securityDefinitions": {"Key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    "security": [{"Key": []}],
    "tags": [{"name": "pets", "description": "The pets."}],
    "paths": {
        "/pets/{id}": {
            "get": {
                "operationId": "getPet",
                "summary": "One pet",
                "tags": ["pets"],
                "produces": ["application/json"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "type": "integer",
                        "format": "int64",
                    }
                ],
                "responses": {
                    "200": {"description": "The pet", "schema": {"$ref": "#/definitions/Pet"}},
                    "404": {"$ref": "#/responses/NotFound"},
                },
            }
        }
    },
    "definitions": {
        "Pet": {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    },
    "responses": {"NotFound": {"description": "No such pet"}},
}


def _get(document: Document) -> Document:
    operation: Document = document["paths"]["/pets/{id}"]["get"]
    return operation


SWAGGER_BREAKAGES = {
    "invalid Swagger": Breakage(
        "oas-schema", "info.title", lambda d: d["info"].__setitem__("title", 3)
    ),
    "undefined security scheme": Breakage(
        "oas2-operation-security-defined",
        "paths./pets/{id}.get.security[0]",
        lambda d: _get(d).update(security=[{"Token": []}]),
    ),
    "unused definition": Breakage(
        "oas2-unused-definition",
        "definitions.Spare",
        lambda d: d["definitions"].update(Spare={"type": "boolean"}),
    ),
    "unused shared response": Breakage(
        "oas2-unused-definition",
        "responses.NotFound",
        lambda d: _get(d)["responses"].pop("404"),
    ),
    "duplicate operationId": Breakage(
        "operation-operationId-unique",
        "paths./pets.get.operationId",
        lambda d: d["paths"].update(
            {"/pets": {"get": {**copy.deepcopy(_get(d)), "parameters": []}}}
        ),
    ),
}
