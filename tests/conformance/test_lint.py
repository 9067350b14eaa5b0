"""`conformance lint`: the contract passes, and each way of breaking it is caught by name."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from conformance.cli import app
from conformance.contract import load_document
from conformance.errors import InternalError
from conformance.lint import Severity, lint_document, registered_rules
from conformance.lint.docs import DOC_PATH, render_rules_markdown
from conformance.lint.registry import rule
from conformance.lint.tree import MAX_DEPTH

REPO = Path(__file__).resolve().parents[2]
CONSOLE_SCRIPT = Path(sys.executable).with_name("conformance")
runner = CliRunner()

Document = dict[str, Any]


@pytest.fixture(scope="module")
def contract() -> Document:
    """The bundled contract, loaded once; each test breaks its own deep copy."""
    return load_document(None)


def write(tmp_path: Path, document: Document) -> Path:
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def lint_json(path: Path) -> tuple[int, list[dict[str, str]]]:
    """Run `conformance lint --format json` on `path`: its exit code and its findings."""
    result = runner.invoke(app, ["lint", str(path), "--format", "json"])
    return result.exit_code, json.loads(result.stdout)


# -- The contract itself ---------------------------------------------------------------


def test_the_contract_has_no_findings(contract: Document) -> None:
    assert lint_document(contract) == []


def test_the_cli_passes_the_bundled_contract() -> None:
    result = runner.invoke(app, ["lint"])

    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines() == ["0 errors, 0 warnings"]


# -- One broken variant per rule -------------------------------------------------------


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
        "owasp:api8:2023-define-error-validation",
        "paths./api/v1/items/.post.responses",
        lambda d: operation(d, "/api/v1/items/", "post")["responses"].pop("422"),
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
}

WARNINGS = {
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


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_each_breakage_is_an_error_of_its_rule_at_its_path(
    contract: Document, breakage: Breakage, tmp_path: Path
) -> None:
    exit_code, findings = lint_json(write(tmp_path, broken(contract, breakage)))

    expected = {"rule": breakage.rule, "path": breakage.path, "severity": "error"}
    assert expected in [{k: f[k] for k in ("rule", "path", "severity")} for f in findings]
    assert exit_code == 1


@pytest.mark.parametrize("breakage", WARNINGS.values(), ids=WARNINGS.keys())
def test_a_warning_is_reported_but_does_not_fail(
    contract: Document, breakage: Breakage, tmp_path: Path
) -> None:
    path = write(tmp_path, broken(contract, breakage))

    result = runner.invoke(app, ["lint", str(path)])

    lines = result.stdout.strip().splitlines()
    assert result.exit_code == 0, result.output
    assert lines[-1] == "0 errors, 1 warning"
    assert lines[0].split()[:3] == ["warning", breakage.rule, breakage.path]


def test_every_rule_has_a_breakage_that_triggers_it() -> None:
    covered = {breakage.rule for breakage in (*BREAKAGES.values(), *WARNINGS.values())}
    assert covered == {registered.name for registered in registered_rules()}


def test_severities_match_the_tables() -> None:
    severity = {registered.name: registered.severity for registered in registered_rules()}
    assert {severity[b.rule] for b in BREAKAGES.values()} == {Severity.ERROR}
    assert {severity[b.rule] for b in WARNINGS.values()} == {Severity.WARNING}


# -- Output -----------------------------------------------------------------------------


def test_text_output_is_one_aligned_line_per_finding_then_a_summary(
    contract: Document, tmp_path: Path
) -> None:
    document = broken(contract, BREAKAGES["missing 422"])
    BREAKAGES["unbounded array"].breaks(document)

    result = runner.invoke(app, ["lint", str(write(tmp_path, document))])

    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("error    owasp:api4:2023-array-limit              ")
    assert lines[0].endswith("  components.schemas.ItemList  array schema has no maxItems")
    assert lines[1].split()[:3] == [
        "error",
        "owasp:api8:2023-define-error-validation",
        "paths./api/v1/items/.post.responses",
    ]
    assert lines[2:] == ["2 errors, 0 warnings"]


def test_json_output_is_a_list_of_findings(contract: Document, tmp_path: Path) -> None:
    exit_code, findings = lint_json(write(tmp_path, broken(contract, BREAKAGES["missing 422"])))

    assert exit_code == 1
    assert findings == [
        {
            "rule": "owasp:api8:2023-define-error-validation",
            "severity": "error",
            "path": "paths./api/v1/items/.post.responses",
            "message": "POST /api/v1/items/ takes input but documents no 422",
        }
    ]


def test_an_unknown_format_is_a_usage_error() -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", "--format", "xml"], capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stderr.strip() == "error: unknown --format 'xml' (use text or json)"


def test_a_spec_is_read_from_a_url(contract: Document, tmp_path: Path) -> None:
    write(tmp_path, broken(contract, BREAKAGES["missing summary"]))
    handler = partial(QuietHandler, directory=str(tmp_path))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/openapi.yaml"
            result = runner.invoke(app, ["lint", url, "--format", "json"])
        finally:
            server.shutdown()
            thread.join()

    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)] == ["contract:operation-summary"]


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        return


# -- Bad input: one line, the right exit code, never a traceback ---------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("openapi: [3.1.0\n", "not valid YAML or JSON"),
        ("- just\n- a list\n", "not a mapping"),
        ("\x00\x01binary", "not valid YAML or JSON"),
    ],
    ids=["not YAML", "not a mapping", "binary"],
)
def test_an_unreadable_spec_is_one_line_and_exit_2(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")

    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", str(path)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [CONSOLE_SCRIPT, "lint", str(tmp_path / "absent.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"error: {tmp_path / 'absent.yaml'}: no such file (give a path or URL)"
    )


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("openapi: 3.1.0\nx-loop: &a [*a]\n", "x-loop[0]", "contain itself"),
        (
            "openapi: 3.1.0\nx-deep: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n",
            "x-deep" + "[0]" * MAX_DEPTH,
            "deeper than",
        ),
        ("openapi: 3.1\ninfo: {title: t, version: '1'}\npaths: {}\n", "openapi", "3.x version"),
        ("swagger: '2.0'\n", "openapi", "3.x version"),
    ],
    ids=["a YAML alias loop", "absurd nesting", "openapi as a number", "Swagger 2"],
)
def test_a_document_that_cannot_be_walked_is_one_finding(
    tmp_path: Path, text: str, path: str, message: str
) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")

    exit_code, findings = lint_json(spec)

    assert exit_code == 1
    assert [(f["rule"], f["path"]) for f in findings] == [("oas-schema", path)]
    assert message in findings[0]["message"]


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
        "schemas": {"Id": {"type": "integer", "minimum": 1, "maximum": 9, "examples": [1]}},
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
                    "Retry-After": {"schema": {"type": "integer", "minimum": 1, "maximum": 9}},
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


def test_the_minimal_document_is_clean() -> None:
    assert lint_document(MINIMAL) == []


@pytest.mark.parametrize(
    ("header", "rule_name"),
    [
        ("WWW-Authenticate", "contract:401-www-authenticate"),
        ("Retry-After", "owasp:api4:2023-rate-limit-retry-after"),
    ],
)
def test_a_shared_response_is_checked_for_each_status_it_serves(
    header: str, rule_name: str
) -> None:
    # `Failure` serves as 401, 422 and 429 alike; each status brings its own header rule.
    document = copy.deepcopy(MINIMAL)
    del document["components"]["responses"]["Failure"]["headers"][header]

    findings = [(f.rule, f.path) for f in lint_document(document)]

    assert findings == [(rule_name, "components.responses.Failure.headers")]


@pytest.mark.parametrize("wrong", [None, 7, "text", []], ids=repr)
def test_any_object_replaced_by_a_wrong_type_is_reported_not_a_crash(wrong: object) -> None:
    for path in list(nodes(MINIMAL))[1:]:
        document = copy.deepcopy(MINIMAL)
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        if not isinstance(parent[path[-1]], dict):
            continue
        parent[path[-1]] = copy.deepcopy(wrong)

        # The linter must neither raise nor let the broken object pass unreported.
        assert lint_document(document), f"nothing reported with {wrong!r} at {path}"


@pytest.mark.parametrize("wrong", [None, 7, "text", [], {}, {"$ref": "#/nowhere"}], ids=repr)
def test_no_value_of_the_wrong_type_crashes_the_linter(wrong: object) -> None:
    for path in list(nodes(MINIMAL))[1:]:
        document = copy.deepcopy(MINIMAL)
        parent: Any = document
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = copy.deepcopy(wrong)

        # Fails by raising: the linter must report on any document, never crash.
        lint_document(document)


# -- The registry and its documentation ------------------------------------------------


def test_a_second_rule_with_a_taken_name_is_refused() -> None:
    before = [registered.name for registered in registered_rules()]

    with pytest.raises(InternalError, match="operation-tags"):
        rule("operation-tags", severity=Severity.ERROR, checks="-", why="-")(lambda spec: [])

    assert [registered.name for registered in registered_rules()] == before


def test_the_rules_page_is_what_the_registry_renders() -> None:
    committed = (REPO / DOC_PATH).read_text(encoding="utf-8")
    assert committed == render_rules_markdown(), "regenerate: python -m conformance.lint.docs"
