"""`conformance run --spec` on an API whose spec promises little passes, judged on what it promises.

The plain API documents no 403, 413 or 429, no refresh or logout, no `X-Request-ID`, no
CORS, no `Cache-Control` and no `WWW-Authenticate` challenge. A correct deployment of it
must pass a run with no configuration: the checks of promises it does not make are skipped
with a reason, and the checks of the promises it makes run and pass.

`swagger.yaml` describes the same API in Swagger 2.0 (a bearer token as 2.0 says it: an
`apiKey` in the `Authorization` header). The run converts it to OpenAPI 3.0 and must judge
the deployment exactly as on the 3.1 document; `inspect` must find the same model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import OpenAPIV2SpecValidator, validate

from .targets import plain
from .targets.runner import inspect_model, run_conformance
from .targets.serving import serve

# Checks of what the plain spec never promises: each must be skipped, never judged.
NOT_PROMISED = (
    "login.rate-limit",  # no 429 on the token operation
    "config.request-id",  # no X-Request-ID header anywhere
    "config.cors",  # no CORS headers
    "limits.body-size",  # no 413
    "authn.token-no-store",  # no Cache-Control on the token answer
    "authn.refresh-rotation",  # no refresh operation
    "authn.refresh-reuse-revokes",
    "authn.refresh-as-access",
    "authn.access-as-refresh",
    "authn.logout-revokes",  # no logout operation
)

# Checks of what it does promise: each must have run on it and passed.
PROMISED = (
    "authn.missing-token",
    "authn.garbage-token",
    "authn.tampered-signature",
    "authn.alg-none",
    "authz.read-cross-user",  # refused with the 404 the spec documents (it has no 403)
    "authz.update-cross-user",
    "authz.delete-cross-user",
    "authz.list-isolation",
    "workflows.create-read",
    "workflows.patch-read",
    "workflows.delete-read",
    "workflows.list-contains",
    "properties.mass-assignment",
    "limits.page-size",
    "limits.path-id-range",
    "limits.string-length",
    "login.no-enumeration",
    "drift.operations",
    "generic.not-a-server-error",
    "generic.response-schema-conformance",
    "generic.status-code-conformance",
)


def test_the_plain_spec_is_valid_openapi_3_1() -> None:
    document = yaml.safe_load(plain.SPEC_PATH.read_text(encoding="utf-8"))
    validate(document)
    for text in ("403", "413", "429", "X-Request-ID", "Access-Control", "Cache-Control"):
        assert f"'{text}'" not in repr(document["paths"]), text


def test_the_swagger_document_is_valid_swagger_2_0_and_promises_as_little() -> None:
    document = yaml.safe_load(plain.SWAGGER_PATH.read_text(encoding="utf-8"))
    assert document["swagger"] == "2.0"
    assert [error.message for error in OpenAPIV2SpecValidator(document).iter_errors()] == []
    for text in ("403", "413", "429", "X-Request-ID", "Access-Control", "Cache-Control"):
        assert f"'{text}'" not in repr(document["paths"]), text


def test_inspect_finds_the_same_model_in_the_swagger_2_0_document(tmp_path: Path) -> None:
    openapi = inspect_model(plain.SPEC_PATH, cwd=tmp_path)
    swagger = inspect_model(plain.SWAGGER_PATH, cwd=tmp_path)
    assert openapi["roles"]["signup"]["operation"] == "registerUser"
    assert {resource["name"] for resource in openapi["resources"]} == {"projects", "users"}
    for key in ("roles", "credentials", "account_resource", "resources", "operations"):
        assert swagger[key] == openapi[key], key
    # `basePath: /` is the root, as `servers: [{url: /}]` is: the served document is
    # looked for in the same places.
    assert swagger["served_document"] == openapi["served_document"]
    assert swagger["by_operation"] == openapi["by_operation"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec", [plain.SPEC_PATH, plain.SWAGGER_PATH], ids=["openapi-3.1", "swagger-2.0"]
)
def test_a_spec_that_promises_little_is_judged_only_on_what_it_promises(spec: Path) -> None:
    with serve(plain.create_app()) as url:
        run = run_conformance(url, extra_args=["--spec", str(spec), "--seed", "20261201"])
    assert run.exit_code == 0, run.explain()
    assert run.report["summary"]["failed"] == 0, run.explain()
    for check_id in NOT_PROMISED:
        outcomes = [o for o in run.report["outcomes"] if o["check_id"] == check_id]
        assert outcomes and {o["status"] for o in outcomes} == {"skipped"}, check_id
        assert all(o.get("reason") for o in outcomes), check_id
    for check_id in PROMISED:
        assert run.status(check_id) == {"passed"}, (check_id, run.status(check_id))
    # Something ran: every operation was reached by the contract checks and schemathesis.
    assert run.report["summary"]["passed"] >= 60, run.report["summary"]
    document = yaml.safe_load(spec.read_text(encoding="utf-8"))
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    }
    probed = {o["operation"] for o in run.report["outcomes"] if o["status"] == "passed"}
    assert operations <= probed, sorted(operations - probed)
