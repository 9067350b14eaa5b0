"""`conformance run --spec` on an API whose spec promises little passes, judged on what it promises.

The plain API documents no 403, 413 or 429, no refresh or logout, no `X-Request-ID`, no
CORS, no `Cache-Control` and no `WWW-Authenticate` challenge. A correct deployment of it
must pass a run with no configuration: the checks of promises it does not make are skipped
with a reason, and the checks of the promises it makes run and pass.
"""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

from .targets import plain
from .targets.runner import run_conformance
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


@pytest.mark.slow
def test_a_spec_that_promises_little_is_judged_only_on_what_it_promises() -> None:
    with serve(plain.create_app()) as url:
        run = run_conformance(
            url, extra_args=["--spec", str(plain.SPEC_PATH), "--seed", "20261201"]
        )
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
    document = yaml.safe_load(plain.SPEC_PATH.read_text(encoding="utf-8"))
    operations = {
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method != "parameters"
    }
    probed = {o["operation"] for o in run.report["outcomes"] if o["status"] == "passed"}
    assert operations <= probed, sorted(operations - probed)
