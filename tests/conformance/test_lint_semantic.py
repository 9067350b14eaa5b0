"""`oas-schema` beyond the JSON Schema of each version: what openapi-spec-validator's own
semantic pass reports, with its messages, at the object each problem is about.

Every broken document here is also given to the library, whose messages must all be
among ours: a check it gains in a new release fails this test until we have it too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from openapi_schema_validator import OAS31_BASE_DIALECT_ID, OAS32_BASE_DIALECT_ID
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    OpenAPIV32SpecValidator,
)
from openapi_spec_validator.validation.exceptions import DuplicateOperationIDError

from conformance.contract.document import Spec
from conformance.lint import lint_document
from conformance.lint.semantic import _OAS_DIALECTS
from conformance.lint.structural import structural_errors

from .lint_breakages import Document
from .lint_swagger import SWAGGER_BREAKAGES, SWAGGER_MINIMAL

LIBRARY = {
    "2.0": OpenAPIV2SpecValidator,
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
    "3.2": OpenAPIV32SpecValidator,
}


def openapi(version: str) -> Document:
    """A small OpenAPI 3.x document that `oas-schema` accepts."""
    pet_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
    return {
        "openapi": {"3.0": "3.0.3", "3.1": "3.1.0", "3.2": "3.2.0"}[version],
        "info": {"title": "Pets", "version": "1"},
        "tags": [{"name": "pets", "description": "The pets."}],
        "paths": {
            "/pets/{id}": {
                "get": {
                    "operationId": "getPet",
                    "tags": ["pets"],
                    "parameters": [pet_id],
                    "responses": {
                        "200": {
                            "description": "The pet",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {
                    "type": "object",
                    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                }
            }
        },
    }


def _get(document: Document) -> Any:
    return document["paths"]["/pets/{id}"]["get"]


def _pet(document: Document) -> Any:
    return document["components"]["schemas"]["Pet"]


Break = Callable[[Document], object]
GET = "paths./pets/{id}.get"
PET = "components.schemas.Pet"

# (version, how the document is broken, [(path, message)] that `oas-schema` reports)
# The Swagger 2.0 breakages of these checks, and the message of each.
SWAGGER_MESSAGES = {
    "tag declared twice": "Duplicate tag name 'pets'",
    "parameter listed twice": "Duplicate parameter 'id'",
    "path parameter the template lacks": (
        "Path parameter 'kind' for 'get' operation in '/pets/{id}' was not resolved"
    ),
    "template variable without a parameter": (
        "Path parameter 'toy' for 'get' operation in '/pets/{id}/toys/{toy}' was not resolved"
    ),
    "required property that allOf does not define": (
        "Required list has not defined properties: ['age']"
    ),
    "default its schema rejects": "3 is not of type 'string'",
    "parameter default of the wrong type": "'seven' is not of type 'integer'",
}
CASES: dict[str, tuple[str, Break, list[tuple[str, str]]]] = {
    f"2.0 {name}": (
        "2.0",
        SWAGGER_BREAKAGES[name].breaks,
        [(SWAGGER_BREAKAGES[name].path, message)],
    )
    for name, message in SWAGGER_MESSAGES.items()
}
for version in ("3.0", "3.1", "3.2"):
    CASES |= {
        f"{version} tag declared twice": (
            version,
            lambda d: d["tags"].append({"name": "pets", "description": "Again."}),
            [("tags[1]", "Duplicate tag name 'pets'")],
        ),
        f"{version} parameter listed twice in a path item": (
            version,
            lambda d: d["paths"]["/pets/{id}"].update(
                parameters=[{**_get(d)["parameters"][0], "description": text} for text in "ab"]
            ),
            [("paths./pets/{id}.parameters[1]", "Duplicate parameter 'id'")],
        ),
        f"{version} path parameter through a $ref that another path lacks": (
            version,
            lambda d: (
                d["components"].update(parameters={"Id": _get(d)["parameters"][0]}),
                d["paths"].update(
                    {
                        "/pets": {
                            "get": {
                                "parameters": [{"$ref": "#/components/parameters/Id"}],
                                "responses": {"204": {"description": "None"}},
                            }
                        }
                    }
                ),
            ),
            [
                (
                    "paths./pets.get.parameters[0]",
                    "Path parameter 'id' for 'get' operation in '/pets' was not resolved",
                )
            ],
        ),
        f"{version} required property in no allOf member": (
            version,
            lambda d: _pet(d).update(
                allOf=[{"properties": {"age": {"type": "integer"}}}],
                required=["id", "age", "owner", "colour"],
            ),
            [(f"{PET}.required", "Required list has not defined properties: ['colour', 'owner']")],
        ),
    }
CASES |= {
    "3.0 default that its schema rejects, at the failing item": (
        "3.0",
        lambda d: _pet(d)["properties"].update(
            tags={"type": "array", "items": {"type": "string"}, "default": ["a", 2]}
        ),
        [(f"{PET}.properties.tags.default[1]", "2 is not of type 'string'")],
    ),
    "3.0 null default of a schema that is not nullable": (
        "3.0",
        lambda d: _pet(d)["properties"]["name"].update(default=None),
        [
            (f"{PET}.properties.name.default", "None for not nullable"),
            (f"{PET}.properties.name.default", "None is not of type 'string'"),
        ],
    ),
    "3.0 default of a parameter's schema": (
        "3.0",
        lambda d: _get(d)["parameters"][0]["schema"].update(default="one"),
        [(f"{GET}.parameters[0].schema.default", "'one' is not of type 'integer'")],
    ),
    "3.1 schema in a dialect that no validator knows": (
        "3.1",
        lambda d: _pet(d).update({"$schema": "https://example.com/dialect"}),
        [(PET, "Unknown JSON Schema dialect: 'https://example.com/dialect'")],
    ),
    "3.2 tag whose parent is no tag": (
        "3.2",
        lambda d: d["tags"].append({"name": "cats", "parent": "animals"}),
        [("tags[1].parent", "Tag 'cats' references unknown parent tag 'animals'")],
    ),
    "3.2 tags that are their own ancestors": (
        "3.2",
        lambda d: d["tags"].extend(
            [{"name": "cats", "parent": "felines"}, {"name": "felines", "parent": "cats"}]
        ),
        [
            ("tags[1].parent", "Circular tag hierarchy detected: cats -> felines -> cats"),
            ("tags[2].parent", "Circular tag hierarchy detected: felines -> cats -> felines"),
        ],
    ),
    "3.2 QUERY operation's path parameters": (
        "3.2",
        lambda d: d["paths"]["/pets/{id}"].update(
            query={"responses": {"204": {"description": "No"}}}
        ),
        [
            (
                "paths./pets/{id}.query",
                "Path parameter 'id' for 'query' operation in '/pets/{id}' was not resolved",
            )
        ],
    ),
}


def broken(version: str, breaks: Break) -> Document:
    document = copy.deepcopy(SWAGGER_MINIMAL if version == "2.0" else openapi(version))
    breaks(document)
    return document


def validity(document: Document) -> list[tuple[str, str]]:
    return [(f.path, f.message) for f in lint_document(document) if f.rule == "oas-schema"]


def library_messages(document: Document, version: str) -> set[str]:
    """The semantic pass of openapi-spec-validator, less what other rules report."""
    validator = LIBRARY[version](document)
    assert not list(validator.schema_validator.iter_errors(document))
    found = set()
    for error in validator.iter_errors():
        # Duplicate operationIds are `operation-operationId-unique`'s; in 3.1 and later,
        # errors of JSON Schema keywords are the 2020-12 metaschema check's and
        # `oas3-valid-schema-example`'s.
        keyword = isinstance(error.validator, str) and version not in ("2.0", "3.0")
        if not keyword and not isinstance(error, DuplicateOperationIDError):
            found.add(str(error.message).split("\n", 1)[0])
    return found


@pytest.mark.parametrize("version", ["2.0", "3.0", "3.1", "3.2"])
def test_the_unbroken_documents_are_valid(version: str) -> None:
    assert validity(broken(version, lambda d: None)) == []


@pytest.mark.parametrize(("version", "breaks", "expected"), CASES.values(), ids=CASES.keys())
def test_each_problem_is_reported_where_it_is(
    version: str, breaks: Break, expected: list[tuple[str, str]]
) -> None:
    assert validity(broken(version, breaks)) == sorted(expected)


@pytest.mark.parametrize(("version", "breaks", "expected"), CASES.values(), ids=CASES.keys())
def test_every_message_of_openapi_spec_validator_is_among_ours(
    version: str, breaks: Break, expected: list[tuple[str, str]]
) -> None:
    document = broken(version, breaks)

    theirs = library_messages(copy.deepcopy(document), version)

    # The library lists missing required properties in the order of a set.
    ours = {message for _, message in expected}
    assert {_unordered(m) for m in theirs} <= {_unordered(m) for m in ours}
    assert theirs, "the library should see this problem too"


def _unordered(message: str) -> str:
    head, _, names = message.partition(": [")
    return f"{head}: [{', '.join(sorted(names.rstrip(']').split(', ')))}]" if names else message


def test_a_schema_that_combines_itself_is_judged_without_end() -> None:
    # openapi-spec-validator recurses without end here (RecursionError).
    document = openapi("3.0")
    document["components"]["schemas"] |= {
        "Pet": {"allOf": [{"$ref": "#/components/schemas/Animal"}], "required": ["legs", "wings"]},
        "Animal": {
            "allOf": [{"$ref": "#/components/schemas/Pet"}],
            "properties": {"legs": {"type": "integer"}},
        },
    }

    assert validity(document) == [
        (f"{PET}.required", "Required list has not defined properties: ['wings']")
    ]


def test_the_dialects_openapi_defines_are_known() -> None:
    assert _OAS_DIALECTS == {"3.1": OAS31_BASE_DIALECT_ID, "3.2": OAS32_BASE_DIALECT_ID}


@pytest.mark.parametrize("version", ["2.0", "3.0", "3.1", "3.2"])
def test_the_json_schema_of_each_version_is_the_library_s(version: str) -> None:
    document = broken(version, lambda d: d["info"].update(title=3, summary=[], colour="red"))

    theirs = LIBRARY[version](document).schema_validator.iter_errors(document)

    ours = list(structural_errors(Spec(document).root, version))
    assert ours == [(tuple(error.absolute_path), error.message.split("\n")[0]) for error in theirs]
    assert ours
