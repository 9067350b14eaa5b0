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


_PATH_ID = {"name": "id", "in": "path", "required": True, "type": "integer", "format": "int64"}


def _pet_with_toys(document: Document) -> None:
    toys = copy.deepcopy(_get(document))
    toys.update(operationId="getToy", summary="One toy")
    document["paths"]["/pets/{id}/toys/{toy}"] = {"get": toys}


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
    # What Swagger 2.0's JSON Schema cannot say, which `oas-schema`'s semantic checks report
    # (`test_lint_semantic.py` compares their messages with openapi-spec-validator's).
    "tag declared twice": Breakage(
        "oas-schema",
        "tags[1]",
        lambda d: d["tags"].append({"name": "pets", "description": "The pets, again."}),
    ),
    "parameter listed twice": Breakage(
        "oas-schema",
        "paths./pets/{id}.get.parameters[1]",
        lambda d: _get(d)["parameters"].append({**_PATH_ID, "type": "string", "format": "uuid"}),
    ),
    "path parameter the template lacks": Breakage(
        "oas-schema",
        "paths./pets/{id}.get.parameters[1]",
        lambda d: _get(d)["parameters"].append({**_PATH_ID, "name": "kind"}),
    ),
    "template variable without a parameter": Breakage(
        "oas-schema", "paths./pets/{id}/toys/{toy}.get", _pet_with_toys
    ),
    "required property that allOf does not define": Breakage(
        "oas-schema",
        "definitions.Pet.required",
        lambda d: d["definitions"]["Pet"].update(allOf=[{"type": "object"}], required=["age"]),
    ),
    "default its schema rejects": Breakage(
        "oas-schema",
        "definitions.Pet.properties.name.default",
        lambda d: d["definitions"]["Pet"]["properties"]["name"].update(default=3),
    ),
    "parameter default of the wrong type": Breakage(
        "oas-schema",
        "paths./pets/{id}.get.parameters[0].default",
        lambda d: _get(d)["parameters"][0].update(default="seven"),
    ),
}
