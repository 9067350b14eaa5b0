"""Ways to break the contract, one or more per lint rule, and the finding each must cause.

Each `Breakage` mutates a deep copy of the bundled spec; `test_lint.py` checks that the
named rule reports it at the named path, at the rule's default severity, and that every
registered rule is covered (the Swagger 2.0 rules by `lint_swagger.py`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Document = dict[str, Any]


def at(document: Document, *keys: str) -> Any:
    node: Any = document
    for key in keys:
        node = node[key]
    return node


def operation(document: Document, route: str, method: str) -> Any:
    return document["paths"][route][method]


def schema(document: Document, name: str) -> Any:
    return document["components"]["schemas"][name]


@dataclass(frozen=True)
class Breakage:
    """One thing broken in a copy of the contract, and the finding it must produce."""

    rule: str
    path: str
    breaks: Callable[[Document], object]


LOGIN_429 = ("paths", "/api/v1/auth/login", "post", "responses", "429")
CREATED_USER_LINKS = ("paths", "/api/v1/users/", "post", "responses", "201", "links")

BREAKAGES = {
    "invalid OpenAPI": Breakage(
        "oas-schema", "info.title", lambda d: d["info"].__setitem__("title", 3)
    ),
    "schema that is not JSON Schema": Breakage(
        "oas-schema", "components.schemas.Id.type", lambda d: schema(d, "Id").update(type="wat")
    ),
    "dangling $ref": Breakage(
        "invalid-ref",
        "components.schemas.UserResponse.properties.email.$ref",
        lambda d: schema(d, "UserResponse")["properties"].update(
            email={"$ref": "#/components/schemas/Mail"}
        ),
    ),
    "reference to another file": Breakage(
        "invalid-ref",
        "components.schemas.ItemCreate.properties.title.$ref",
        lambda d: schema(d, "ItemCreate")["properties"].update(title={"$ref": "common.yaml#/T"}),
    ),
    "undefined security scheme": Breakage(
        "oas3-operation-security-defined",
        "paths./api/v1/users/me.get.security[0]",
        lambda d: operation(d, "/api/v1/users/me", "get").update(security=[{"Bearer": []}]),
    ),
    "missing operationId": Breakage(
        "operation-operationId",
        "paths./health.get",
        lambda d: operation(d, "/health", "get").pop("operationId"),
    ),
    "duplicate operationId": Breakage(
        "operation-operationId-unique",
        "paths./health/ready.get.operationId",
        lambda d: operation(d, "/health/ready", "get").update(operationId="health"),
    ),
    "missing tags": Breakage(
        "operation-tags", "paths./health.get", lambda d: operation(d, "/health", "get").pop("tags")
    ),
    "undeclared tag": Breakage(
        "operation-tag-defined",
        "paths./health.get.tags[0]",
        lambda d: operation(d, "/health", "get").update(tags=["probes"]),
    ),
    "missing summary": Breakage(
        "contract:operation-summary",
        "paths./health.get",
        lambda d: operation(d, "/health", "get").pop("summary"),
    ),
    "missing 401 on a secured operation": Breakage(
        "owasp:api8:2023-define-error-responses-401",
        "paths./api/v1/users/me.get.responses",
        lambda d: operation(d, "/api/v1/users/me", "get")["responses"].pop("401"),
    ),
    "401 without WWW-Authenticate": Breakage(
        "contract:401-www-authenticate",
        "components.responses.Unauthorized.headers",
        lambda d: at(d, "components", "responses", "Unauthorized", "headers").pop(
            "WWW-Authenticate"
        ),
    ),
    "missing 422": Breakage(
        "contract:invalid-input-422",
        "paths./api/v1/items/.post.responses",
        lambda d: operation(d, "/api/v1/items/", "post")["responses"].pop("422"),
    ),
    "no client error documented": Breakage(
        "owasp:api8:2023-define-error-validation",
        "paths./api/v1/items/.get.responses",
        lambda d: operation(d, "/api/v1/items/", "get")["responses"].pop("422"),
    ),
    "missing 429 on login": Breakage(
        "owasp:api4:2023-rate-limit-responses-429",
        "paths./api/v1/auth/login.post.responses",
        lambda d: operation(d, "/api/v1/auth/login", "post")["responses"].pop("429"),
    ),
    "missing 429 on a JSON login, found by its tokenUrl": Breakage(
        "owasp:api4:2023-rate-limit-responses-429",
        "paths./api/v1/auth/login.post.responses",
        lambda d: (
            operation(d, "/api/v1/auth/login", "post")["responses"].pop("429"),
            operation(d, "/api/v1/auth/login", "post")["requestBody"].update(
                content={"application/json": {"schema": {"$ref": "#/components/schemas/LoginForm"}}}
            ),
        ),
    ),
    "missing Retry-After on login": Breakage(
        "owasp:api4:2023-rate-limit-retry-after",
        "paths./api/v1/auth/login.post.responses.429.headers",
        lambda d: at(d, *LOGIN_429, "headers").pop("Retry-After"),
    ),
    "unbounded string": Breakage(
        "owasp:api4:2023-string-limit",
        "components.schemas.ItemTitle",
        lambda d: schema(d, "ItemTitle").pop("maxLength"),
    ),
    "unbounded string inside a request form": Breakage(
        "owasp:api4:2023-string-limit",
        "components.schemas.LoginForm.properties.scope",
        lambda d: schema(d, "LoginForm")["properties"]["scope"].pop("maxLength"),
    ),
    "unbounded array": Breakage(
        "owasp:api4:2023-array-limit",
        "components.schemas.ItemList",
        lambda d: schema(d, "ItemList").pop("maxItems"),
    ),
    "integer without maximum": Breakage(
        "owasp:api4:2023-integer-limit",
        "components.parameters.Limit.schema",
        lambda d: at(d, "components", "parameters", "Limit", "schema").pop("maximum"),
    ),
    "integer without minimum": Breakage(
        "owasp:api4:2023-integer-limit",
        "components.schemas.Id",
        lambda d: schema(d, "Id").pop("minimum"),
    ),
    "open request body": Breakage(
        "owasp:api3:2023-no-additionalProperties",
        "components.schemas.UserCreate",
        lambda d: schema(d, "UserCreate").pop("additionalProperties"),
    ),
    "open inline request body": Breakage(
        "owasp:api3:2023-no-additionalProperties",
        "paths./api/v1/items/.post.requestBody.content.application/json.schema",
        lambda d: operation(d, "/api/v1/items/", "post")["requestBody"].update(
            content={
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"title": {"$ref": "#/components/schemas/ItemTitle"}},
                    }
                }
            }
        ),
    ),
    "invalid schema example": Breakage(
        "oas3-valid-schema-example",
        "components.schemas.UserCreate.examples[0]",
        lambda d: schema(d, "UserCreate")["examples"][0].update(email="not an email"),
    ),
    "example breaking a format": Breakage(
        "oas3-valid-schema-example",
        "components.schemas.Timestamp.examples[0]",
        lambda d: schema(d, "Timestamp").update(examples=["yesterday"]),
    ),
    "invalid media-type example": Breakage(
        "oas3-valid-media-example",
        "paths./health/ready.get.responses.503.content.application/json.example",
        lambda d: at(
            d, "paths", "/health/ready", "get", "responses", "503", "content", "application/json"
        ).update(example={"status": "down"}),
    ),
    "invalid parameter example": Breakage(
        "oas3-valid-media-example",
        "components.parameters.Limit.example",
        lambda d: at(d, "components", "parameters", "Limit").update(example=500),
    ),
    "link to a missing operationId": Breakage(
        "contract:link-operation-defined",
        "paths./api/v1/users/.post.responses.201.links.ReadUser.operationId",
        lambda d: at(d, *CREATED_USER_LINKS, "ReadUser").update(operationId="getUser"),
    ),
    "link to a missing parameter": Breakage(
        "contract:link-parameters-defined",
        "paths./api/v1/users/.post.responses.201.links.ReadUser.parameters.id",
        lambda d: at(d, *CREATED_USER_LINKS, "ReadUser").update(
            parameters={"id": "$response.body#/id"}
        ),
    ),
    "response without description": Breakage(
        "contract:response-description",
        "paths./health.get.responses.200",
        lambda d: operation(d, "/health", "get")["responses"]["200"].update(description=" "),
    ),
    "response without content": Breakage(
        "contract:response-content-schema",
        "paths./health.get.responses.200",
        lambda d: operation(d, "/health", "get")["responses"]["200"].pop("content"),
    ),
    "204 with a body": Breakage(
        "contract:response-content-schema",
        "paths./api/v1/auth/logout.post.responses.204.content",
        lambda d: operation(d, "/api/v1/auth/logout", "post")["responses"]["204"].update(
            content={"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}
        ),
    ),
    "201 without Location": Breakage(
        "contract:created-location-header",
        "paths./api/v1/items/.post.responses.201.headers",
        lambda d: operation(d, "/api/v1/items/", "post")["responses"]["201"]["headers"].pop(
            "Location"
        ),
    ),
    "response without X-Request-ID": Breakage(
        "contract:request-id-header",
        "paths./health.get.responses.200.headers",
        lambda d: operation(d, "/health", "get")["responses"]["200"]["headers"].pop("X-Request-ID"),
    ),
    "response without nosniff": Breakage(
        "contract:nosniff-header",
        "components.responses.PayloadTooLarge.headers",
        lambda d: at(d, "components", "responses", "PayloadTooLarge", "headers").pop(
            "X-Content-Type-Options"
        ),
    ),
    "integer without a format": Breakage(
        "owasp:api4:2023-integer-format",
        "components.headers.XTotalCount.schema",
        lambda d: at(d, "components", "headers", "XTotalCount", "schema").pop("format"),
    ),
    "plain http server": Breakage(
        "owasp:api8:2023-no-server-http",
        "servers[0].url",
        lambda d: d["servers"][0].update(url="http://api.example.com"),
    ),
    "401 on an operation without security": Breakage(
        "contract:401-without-security",
        "paths./api/v1/items/.get.responses.401",
        lambda d: operation(d, "/api/v1/items/", "get").update(security=[]),
    ),
    "unused component": Breakage(
        "oas3-unused-component",
        "components.schemas.Spare",
        lambda d: d["components"]["schemas"].update(Spare={"type": "boolean"}),
    ),
    "tag without description": Breakage(
        "tag-description", "tags[0]", lambda d: d["tags"][0].pop("description")
    ),
}


def broken(contract: Document, breakage: Breakage) -> Document:
    document = copy.deepcopy(contract)
    breakage.breaks(document)
    return document
