"""Swagger 2.0 read as OpenAPI 3.0: each rule on a small document, then the real ones."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import given
from hypothesis import strategies as st
from openapi_spec_validator import OpenAPIV2SpecValidator, OpenAPIV30SpecValidator
from schemathesis.core.result import Ok

from conformance.contract import build_contract, load_document
from conformance.contract.document import Spec
from conformance.contract.swagger2 import is_swagger2, to_openapi3

from .. import published


def swagger(**fields: Any) -> dict[str, Any]:
    document: dict[str, Any] = {"swagger": "2.0", "info": {"title": "T", "version": "1"}}
    document["paths"] = fields.pop("paths", {})
    document.update(fields)
    return document


def with_operation(operation: dict[str, Any], **fields: Any) -> dict[str, Any]:
    operation.setdefault("responses", {"204": {"description": "done"}})
    return swagger(paths={"/things/{id}": {"post": operation}}, **fields)


def converted_operation(operation: dict[str, Any], **fields: Any) -> dict[str, Any]:
    result = to_openapi3(with_operation(operation, **fields))
    assert_valid(result)
    return result["paths"]["/things/{id}"]["post"]  # type: ignore[no-any-return]


def assert_valid(document: dict[str, Any]) -> None:
    assert [error.message for error in OpenAPIV30SpecValidator(document).iter_errors()] == []


OK = {"200": {"description": "ok"}}
PATH_ID = {"name": "id", "in": "path", "required": True, "type": "string"}


# -- recognising 2.0 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"swagger": "2.0"}, True),
        ({"swagger": 2.0}, True),  # YAML's reading of an unquoted `swagger: 2.0`
        ({"swagger": "1.2"}, False),
        ({"openapi": "3.0.3"}, False),
        ({"swagger": True}, False),
        ({}, False),
    ],
)
def test_a_2_0_document_is_recognised_by_its_swagger_field(document, expected) -> None:
    assert is_swagger2(document) is expected


def test_the_result_is_an_openapi_3_0_3_document_that_keeps_the_top_level_fields() -> None:
    source = swagger(
        info={"title": "Shop", "version": "2", "x-logo": {"url": "logo.png"}},
        tags=[{"name": "things", "description": "All things"}],
        externalDocs={"url": "https://docs.example.com"},
        security=[{"key": []}],
        securityDefinitions={"key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
        **{"x-audience": "public"},
    )
    result = to_openapi3(source)
    assert_valid(result)
    assert result["openapi"] == "3.0.3" and "swagger" not in result
    assert result["info"] == source["info"]
    assert result["tags"] == source["tags"]
    assert result["externalDocs"] == source["externalDocs"]
    assert result["security"] == [{"key": []}]
    assert result["x-audience"] == "public"


# -- servers -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "servers"),
    [
        (
            {"host": "api.example.com", "basePath": "/v1/", "schemes": ["https", "http"]},
            ["https://api.example.com/v1", "http://api.example.com/v1"],
        ),
        # 2.0: no schemes means the scheme the document itself was fetched with.
        ({"host": "api.example.com:8443"}, ["//api.example.com:8443"]),
        ({"basePath": "/api"}, ["/api"]),
        # The root, said outright: a server at `/`, as a 3.0 author writes it.
        ({"basePath": "/"}, ["/"]),
        (
            {"host": "api.example.com", "basePath": "/", "schemes": ["https"]},
            ["https://api.example.com"],
        ),
        ({}, None),
    ],
)
def test_host_base_path_and_schemes_become_servers(fields, servers) -> None:
    result = to_openapi3(swagger(**fields))
    assert_valid(result)
    found = [server["url"] for server in result["servers"]] if "servers" in result else None
    assert found == servers


# -- request bodies ----------------------------------------------------------------------


def test_a_body_parameter_becomes_a_request_body_in_each_media_type_consumed() -> None:
    body = {
        "name": "thing",
        "in": "body",
        "required": True,
        "description": "The new thing",
        "schema": {"$ref": "#/definitions/Thing"},
    }
    operation = converted_operation(
        {"parameters": [PATH_ID, body], "consumes": ["application/json", "application/xml"]},
        definitions={"Thing": {"type": "object"}},
    )
    assert [p["name"] for p in operation["parameters"]] == ["id"]
    assert operation["requestBody"] == {
        "description": "The new thing",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}},
            "application/xml": {"schema": {"$ref": "#/components/schemas/Thing"}},
        },
        "required": True,
    }


@pytest.mark.parametrize(
    ("document_consumes", "operation_consumes", "media_types"),
    [
        (["text/plain"], None, ["text/plain"]),
        (["text/plain"], ["application/yaml"], ["application/yaml"]),
        (None, None, ["application/json"]),
        (["text/plain"], [], ["application/json"]),  # an empty list clears the document's
    ],
)
def test_the_body_media_types_come_from_the_operation_else_the_document_else_json(
    document_consumes, operation_consumes, media_types
) -> None:
    operation: dict[str, Any] = {
        "parameters": [PATH_ID, {"name": "b", "in": "body", "schema": {"type": "string"}}]
    }
    fields = {} if document_consumes is None else {"consumes": document_consumes}
    if operation_consumes is not None:
        operation["consumes"] = operation_consumes
    found = converted_operation(operation, **fields)["requestBody"]
    assert list(found["content"]) == media_types
    assert "required" not in found  # 2.0's default, false, is 3.0's too


def test_form_fields_become_one_urlencoded_object_with_their_required_list() -> None:
    fields = [
        {"name": "title", "in": "formData", "type": "string", "required": True, "maxLength": 9},
        {"name": "tags", "in": "formData", "type": "array", "items": {"type": "string"}},
        {"name": "rank", "in": "formData", "type": "integer", "description": "Where it goes"},
    ]
    body = converted_operation({"parameters": [PATH_ID, *fields]})["requestBody"]
    assert list(body["content"]) == ["application/x-www-form-urlencoded"]
    media = body["content"]["application/x-www-form-urlencoded"]
    assert media["schema"] == {
        "type": "object",
        "properties": {
            "title": {"type": "string", "maxLength": 9},
            "tags": {"type": "array", "items": {"type": "string"}},
            "rank": {"description": "Where it goes", "type": "integer"},
        },
        "required": ["title"],
    }
    # An array field is sent as 2.0's default collectionFormat, csv.
    assert media["encoding"] == {"tags": {"style": "form", "explode": False}}
    assert body["required"] is True


def test_a_file_field_makes_the_form_multipart_and_the_file_a_binary_string() -> None:
    fields = [
        {"name": "upload", "in": "formData", "type": "file", "required": True},
        {"name": "note", "in": "formData", "type": "string"},
    ]
    operation = converted_operation(
        {"parameters": [PATH_ID, *fields], "consumes": ["application/x-www-form-urlencoded"]}
    )
    content = operation["requestBody"]["content"]
    assert list(content) == ["multipart/form-data"]
    assert content["multipart/form-data"]["schema"]["properties"] == {
        "upload": {"type": "string", "format": "binary"},
        "note": {"type": "string"},
    }
    assert content["multipart/form-data"]["schema"]["required"] == ["upload"]


def test_a_form_is_multipart_when_the_operation_consumes_says_so() -> None:
    field = {"name": "note", "in": "formData", "type": "string"}
    operation = converted_operation(
        {"parameters": [PATH_ID, field], "consumes": ["multipart/form-data"]}
    )
    assert list(operation["requestBody"]["content"]) == ["multipart/form-data"]


def test_a_body_or_form_field_of_the_path_item_reaches_each_operation_unless_overridden() -> None:
    shared_body = {"name": "b", "in": "body", "schema": {"type": "string"}}
    own_body = {"name": "mine", "in": "body", "schema": {"type": "integer"}}
    result = to_openapi3(
        swagger(
            paths={
                "/things/{id}": {
                    "parameters": [PATH_ID, shared_body],
                    "put": {"responses": {"204": {"description": "done"}}},
                    "patch": {
                        "parameters": [own_body],
                        "responses": {"204": {"description": "done"}},
                    },
                }
            }
        )
    )
    assert_valid(result)
    item = result["paths"]["/things/{id}"]
    assert [p["name"] for p in item["parameters"]] == ["id"]  # the body left the path item
    assert "parameters" not in item["put"]
    assert item["put"]["requestBody"]["content"]["application/json"]["schema"] == {"type": "string"}
    assert item["patch"]["requestBody"]["content"]["application/json"]["schema"] == {
        "type": "integer"
    }


# -- parameters --------------------------------------------------------------------------


def test_a_parameter_gets_a_schema_from_its_type_keywords() -> None:
    limit = {
        "name": "limit",
        "in": "query",
        "description": "Page size",
        "type": "integer",
        "format": "int32",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
        "allowEmptyValue": True,
        "x-internal": False,
    }
    sort = {"name": "sort", "in": "query", "type": "string", "enum": ["a", "b"], "pattern": "^."}
    parameters = converted_operation({"parameters": [PATH_ID, limit, sort]})["parameters"]
    assert parameters[0] == {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
    }
    assert parameters[1] == {
        "name": "limit",
        "in": "query",
        "description": "Page size",
        "allowEmptyValue": True,
        "x-internal": False,
        "schema": {
            "type": "integer",
            "format": "int32",
            "default": 20,
            "maximum": 100,
            "minimum": 1,
        },
    }
    assert parameters[2]["schema"] == {"type": "string", "pattern": "^.", "enum": ["a", "b"]}


@pytest.mark.parametrize(
    ("where", "collection_format", "expected"),
    [
        ("query", "csv", {"style": "form", "explode": False}),
        ("query", None, {"style": "form", "explode": False}),  # csv is 2.0's default
        ("query", "multi", {"style": "form", "explode": True}),
        ("query", "ssv", {"style": "spaceDelimited", "explode": False}),
        ("query", "pipes", {"style": "pipeDelimited", "explode": False}),
        ("query", "tsv", {"x-collectionFormat": "tsv"}),  # 3.0 has no tab-separated style
        ("header", "csv", {"style": "simple", "explode": False}),
        ("path", "csv", {"style": "simple", "explode": False}),
    ],
)
def test_collection_format_becomes_style_and_explode(where, collection_format, expected) -> None:
    parameter: dict[str, Any] = {
        "name": "ids",
        "in": where,
        "required": True,
        "type": "array",
        "items": {"type": "integer", "collectionFormat": "csv"},
    }
    if collection_format is not None:
        parameter["collectionFormat"] = collection_format
    path = "/things/{ids}" if where == "path" else "/things"
    result = to_openapi3(
        swagger(paths={path: {"get": {"parameters": [parameter], "responses": OK}}})
    )
    assert_valid(result)
    found = result["paths"][path]["get"]["parameters"][0]
    assert found["schema"] == {"type": "array", "items": {"type": "integer"}}
    assert {k: v for k, v in found.items() if k in ("style", "explode", "x-collectionFormat")} == (
        expected
    )


def test_a_parameter_that_cannot_be_converted_is_left_out() -> None:
    operation = converted_operation(
        {"parameters": [PATH_ID, "limit", {"name": "nowhere"}, {"name": "c", "in": "cookie"}, 7]}
    )
    assert [p["name"] for p in operation["parameters"]] == ["id"]


# -- references and components -----------------------------------------------------------


def references_document() -> dict[str, Any]:
    return swagger(
        consumes=["application/json"],
        paths={
            "/things": {
                "get": {
                    "parameters": [{"$ref": "#/parameters/limit"}],
                    "responses": {
                        "200": {"$ref": "#/responses/Things"},
                        "default": {
                            "description": "error",
                            "schema": {"$ref": "#/definitions/Error"},
                        },
                    },
                },
                "post": {
                    "parameters": [{"$ref": "#/parameters/newThing"}],
                    "responses": {"201": {"description": "made"}},
                },
                "put": {
                    "consumes": ["application/xml"],
                    "parameters": [{"$ref": "#/parameters/newThing"}],
                    "responses": {"204": {"description": "replaced"}},
                },
            }
        },
        definitions={
            "Thing": {
                "type": "object",
                "properties": {"parts": {"type": "array", "items": {"$ref": "#/definitions/Part"}}},
            },
            "Part": {"type": "string"},
            "Error": {"type": "object", "properties": {"message": {"type": "string"}}},
        },
        parameters={
            "limit": {"name": "limit", "in": "query", "type": "integer"},
            "newThing": {"name": "thing", "in": "body", "schema": {"$ref": "#/definitions/Thing"}},
        },
        responses={
            "Things": {
                "description": "The things",
                "schema": {"type": "array", "items": {"$ref": "#/definitions/Thing"}},
            }
        },
    )


def test_definitions_parameters_and_responses_become_components_and_refs_follow() -> None:
    result = to_openapi3(references_document())
    assert_valid(result)
    components = result["components"]
    assert components["schemas"]["Thing"]["properties"]["parts"]["items"] == {
        "$ref": "#/components/schemas/Part"
    }
    assert components["parameters"] == {
        "limit": {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    }
    assert components["requestBodies"] == {
        "newThing": {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
        }
    }
    assert components["responses"]["Things"]["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Thing"},
    }
    things = result["paths"]["/things"]
    assert things["get"]["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert things["get"]["responses"]["200"] == {"$ref": "#/components/responses/Things"}
    assert things["get"]["responses"]["default"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    # A reference to a body parameter is a reference to a request body...
    assert things["post"]["requestBody"] == {"$ref": "#/components/requestBodies/newThing"}
    assert "parameters" not in things["post"]
    # ...unless the operation consumes other media types than the shared body was made for.
    assert things["put"]["requestBody"] == {
        "content": {"application/xml": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    }


def test_a_reference_to_a_shared_form_field_puts_the_field_in_the_form() -> None:
    shared = {"name": "token", "in": "formData", "type": "string", "required": True}
    operation = converted_operation(
        {
            "parameters": [PATH_ID, {"$ref": "#/parameters/token"}],
            "consumes": ["application/x-www-form-urlencoded"],
        },
        parameters={"token": shared},
    )
    schema = operation["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema == {
        "type": "object",
        "properties": {"token": {"type": "string"}},
        "required": ["token"],
    }
    assert [p["name"] for p in operation["parameters"]] == ["id"]


def test_names_that_3_0_does_not_allow_as_keys_are_replaced_everywhere() -> None:
    source = swagger(
        paths={
            "/x": {
                "get": {
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/A%20B"}}
                    }
                }
            }
        },
        definitions={"A B": {"type": "object"}, "A_B": {"type": "string"}},
    )
    result = to_openapi3(source)
    assert_valid(result)
    assert set(result["components"]["schemas"]) == {"A_B", "A_B2"}
    ref = result["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]
    assert result["components"]["schemas"][ref["schema"]["$ref"].rsplit("/", 1)[1]] == {
        "type": "object"
    }


# -- responses ---------------------------------------------------------------------------


def test_a_response_schema_is_served_in_each_media_type_produced_with_its_examples() -> None:
    operation = converted_operation(
        {
            "parameters": [PATH_ID],
            "produces": ["application/json", "text/csv"],
            "responses": {
                200: {
                    "description": "The thing",
                    "schema": {"type": "object"},
                    "examples": {"application/json": {"id": 1}},
                    "headers": {
                        "X-Rate-Limit": {"type": "integer", "description": "Calls left"},
                        "Link": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "404": {"description": "No such thing"},
            },
        },
        produces=["application/xml"],
    )
    found = operation["responses"]["200"]
    assert found["content"] == {
        "application/json": {"schema": {"type": "object"}, "example": {"id": 1}},
        "text/csv": {"schema": {"type": "object"}},
    }
    assert found["headers"] == {
        "X-Rate-Limit": {"description": "Calls left", "schema": {"type": "integer"}},
        "Link": {"schema": {"type": "array", "items": {"type": "string"}}},
    }
    assert operation["responses"]["404"] == {"description": "No such thing"}


def test_responses_are_produced_as_the_document_says_else_as_json() -> None:
    response = {"200": {"description": "ok", "schema": {"type": "string"}}}
    for fields, media in (({"produces": ["text/plain"]}, "text/plain"), ({}, "application/json")):
        operation = converted_operation({"parameters": [PATH_ID], "responses": response}, **fields)
        assert list(operation["responses"]["200"]["content"]) == [media]


# -- schemas -----------------------------------------------------------------------------


def test_schemas_are_converted_at_every_depth() -> None:
    source = swagger(
        definitions={
            "Pet": {
                "type": "object",
                "discriminator": "kind",
                "required": ["kind"],
                "properties": {
                    "kind": {"type": "string"},
                    "nickname": {"type": "string", "x-nullable": True},
                    "photos": {"type": "array", "items": {"type": "file", "x-nullable": False}},
                    "extra": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "x-nullable": True},
                    },
                },
            },
            "Cat": {
                "allOf": [
                    {"$ref": "#/definitions/Pet"},
                    {"type": "object", "properties": {"owner": {"x-nullable": True}}},
                ]
            },
        }
    )
    result = to_openapi3(source)
    assert_valid(result)
    pet = result["components"]["schemas"]["Pet"]
    assert pet["discriminator"] == {"propertyName": "kind"}
    assert pet["properties"]["nickname"] == {"type": "string", "nullable": True}
    assert pet["properties"]["photos"]["items"] == {
        "type": "string",
        "format": "binary",
        "nullable": False,
    }
    assert pet["properties"]["extra"]["additionalProperties"] == {
        "type": "string",
        "nullable": True,
    }
    cat = result["components"]["schemas"]["Cat"]["allOf"]
    assert cat[0] == {"$ref": "#/components/schemas/Pet"}
    assert cat[1]["properties"]["owner"] == {"nullable": True}


def test_a_property_named_ref_is_a_property_not_a_reference() -> None:
    source = swagger(
        definitions={
            "Props": {"type": "object", "properties": {"$ref": {"type": "string"}}},
        }
    )
    result = to_openapi3(source)
    assert result["components"]["schemas"]["Props"]["properties"] == {"$ref": {"type": "string"}}


# -- security ----------------------------------------------------------------------------


def test_each_kind_of_security_definition_becomes_a_security_scheme() -> None:
    scopes = {"read": "Read things"}
    source = swagger(
        securityDefinitions={
            "basic": {"type": "basic", "description": "Name and password"},
            "key": {"type": "apiKey", "name": "api_key", "in": "query", "x-vendor": 1},
            "implicit": {
                "type": "oauth2",
                "flow": "implicit",
                "authorizationUrl": "https://auth/authorize",
                "scopes": scopes,
            },
            "password": {"type": "oauth2", "flow": "password", "tokenUrl": "https://auth/token"},
            "application": {
                "type": "oauth2",
                "flow": "application",
                "tokenUrl": "https://auth/token",
                "scopes": scopes,
            },
            "accessCode": {
                "type": "oauth2",
                "flow": "accessCode",
                "authorizationUrl": "https://auth/authorize",
                "tokenUrl": "https://auth/token",
                "scopes": scopes,
            },
            "unknown": {"type": "kerberos"},
        },
        paths={"/x": {"get": {"security": [{"implicit": ["read"]}], "responses": OK}}},
    )
    result = to_openapi3(source)
    assert_valid(result)
    schemes = result["components"]["securitySchemes"]
    assert schemes["basic"] == {
        "type": "http",
        "scheme": "basic",
        "description": "Name and password",
    }
    assert schemes["key"] == {"type": "apiKey", "name": "api_key", "in": "query", "x-vendor": 1}
    assert schemes["implicit"]["flows"] == {
        "implicit": {"authorizationUrl": "https://auth/authorize", "scopes": scopes}
    }
    assert schemes["password"]["flows"] == {
        "password": {"tokenUrl": "https://auth/token", "scopes": {}}
    }
    assert schemes["application"]["flows"] == {
        "clientCredentials": {"tokenUrl": "https://auth/token", "scopes": scopes}
    }
    assert schemes["accessCode"]["flows"] == {
        "authorizationCode": {
            "authorizationUrl": "https://auth/authorize",
            "tokenUrl": "https://auth/token",
            "scopes": scopes,
        }
    }
    assert "unknown" not in schemes
    assert result["paths"]["/x"]["get"]["security"] == [{"implicit": ["read"]}]


# -- what an operation keeps ---------------------------------------------------------------


def test_an_operation_keeps_its_names_prose_tags_and_extensions() -> None:
    operation = converted_operation(
        {
            "operationId": "makeThing",
            "summary": "Make a thing",
            "description": "Longer",
            "tags": ["things"],
            "deprecated": True,
            "externalDocs": {"url": "https://docs"},
            "security": [],
            "x-rate": 5,
            "schemes": ["https"],
            "parameters": [PATH_ID],
        }
    )
    assert {k: v for k, v in operation.items() if k not in ("parameters", "responses")} == {
        "operationId": "makeThing",
        "summary": "Make a thing",
        "description": "Longer",
        "tags": ["things"],
        "deprecated": True,
        "externalDocs": {"url": "https://docs"},
        "security": [],
        "x-rate": 5,
    }


def test_the_contract_model_reads_a_converted_document() -> None:
    contract = build_contract(to_openapi3(references_document()), source="test")
    listing = contract["GET /things"]
    assert listing.parameter("limit", "query") is not None
    create = contract["POST /things"]
    assert create.body is not None and "parts" in create.body.properties


# -- the input is the caller's ---------------------------------------------------------------


def test_the_input_is_never_changed_nor_reachable_from_the_result() -> None:
    source = references_document()
    source["x-shared"] = {"list": [1, 2]}
    before = copy.deepcopy(source)
    result = to_openapi3(source)
    assert source == before
    result["x-shared"]["list"].append(3)
    result["components"]["schemas"]["Thing"]["properties"]["parts"]["items"]["$ref"] = "#/x"
    result["info"]["title"] = "changed"
    assert source == before


def test_a_yaml_alias_that_contains_itself_converts_without_looping() -> None:
    text = """
    swagger: "2.0"
    info: {title: T, version: "1"}
    paths: {}
    definitions:
      Node: &node
        type: object
        properties:
          child: *node
    """
    result = to_openapi3(yaml.safe_load(text))
    node = result["components"]["schemas"]["Node"]
    assert node["properties"]["child"] is node  # still one node, for structure_problem


# Keys of 2.0 objects, so that random documents reach every branch of the conversion.
_KEYS = (
    *("in", "name", "type", "schema", "$ref", "items", "parameters", "get", "/x", "200"),
    *("body", "formData", "responses", "properties", "consumes", "flow", "x-nullable"),
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(_KEYS), children, max_size=4)
    ),
    max_leaves=20,
)


@given(
    st.fixed_dictionaries(
        {"swagger": st.just("2.0")},
        optional={
            key: _json
            for key in ("paths", "definitions", "parameters", "responses", "securityDefinitions")
        }
        | {"host": _json, "basePath": _json, "schemes": _json, "consumes": _json},
    )
)
def test_a_malformed_document_never_raises(document) -> None:
    assert to_openapi3(document)["openapi"] == "3.0.3"


# -- the real documents ----------------------------------------------------------------------


def _swagger_documents() -> list[str]:
    return [doc.path for doc in published.documents() if doc.swagger] or ["(none)"]


def _references(node: Any) -> list[str]:
    """Every `$ref` string in the document (a property named `$ref` is a mapping, not one)."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if isinstance(item.get("$ref"), str):
                found.append(item["$ref"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@pytest.mark.parametrize("name", _swagger_documents())
def test_a_real_swagger_document_converts_to_valid_3_0(shared_specs, name) -> None:
    source = load_document(shared_specs / name)
    assert is_swagger2(source)
    result = to_openapi3(source)

    # Valid 3.0, but for what is wrong in the source itself (2.0's validator says so too:
    # xero writes an unquoted timestamp as a default, which YAML reads as a datetime).
    errors = {error.message for error in OpenAPIV30SpecValidator(result).iter_errors()}
    if errors:
        assert errors <= {error.message for error in OpenAPIV2SpecValidator(source).iter_errors()}

    # Every operation, under its path and method, with its operationId.
    for route, item in source["paths"].items():
        for method in ("get", "put", "post", "delete", "options", "head", "patch"):
            if method in item:
                converted = result["paths"][route][method]
                assert converted.get("operationId") == item[method].get("operationId")
                assert "responses" in converted

    spec = Spec(result)
    dangling = [ref for ref in _references(result) if spec.lookup(ref) is None]
    assert dangling == []


def test_schemathesis_loads_the_converted_xero_document_and_lists_its_operations(
    shared_specs,
) -> None:
    source = load_document(shared_specs / "xero.com/2.0/swagger.yaml")
    schema = schemathesis.openapi.from_dict(to_openapi3(source))
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results)
    labels = {result.ok().label for result in results if isinstance(result, Ok)}
    expected = {
        f"{method.upper()} {route}"
        for route, item in source["paths"].items()
        for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch")
    }
    assert labels == expected and len(labels) == 151
