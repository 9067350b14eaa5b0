"""The token probes run on every operation whose `security` requires credentials.

The spec's `security` is the promise: on FastAPI's own document (no 401 documented
anywhere) a missing, garbage, forged, unsigned or expired token must still be refused
(a 4xx, never a 2xx), while the exact 401 and its challenge are judged only where a spec
documents them. The runs serve the FastAPI-template fixture in this process and read its
document from `/api/v1/openapi.json`, as a user points the tool at a FastAPI service.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.contract import load_contract
from conformance.engine.plan import PlannedCheck, plan
from conformance.engine.targets import secured

from .targets import fastapi_defaults, wrapped
from .targets.runner import ConformanceRun, run_conformance
from .targets.serving import serve

ADMIN = (fastapi_defaults.FIRST_SUPERUSER, fastapi_defaults.FIRST_SUPERUSER_PASSWORD)
PROBES = (
    "authn.missing-token",
    "authn.garbage-token",
    "authn.tampered-signature",
    "authn.alg-none",
)
# Short enough to wait for; long enough that the other authn checks finish first.
SHORT_LIFETIME = timedelta(seconds=4)
# A line `--verbose` prints as each check's outcomes come in.
_VERBOSE = re.compile(r"^ +(passed|failed|skipped|error|waived) (authn\.[a-z-]+)", re.MULTILINE)


def _document() -> dict[str, Any]:
    document: dict[str, Any] = fastapi_defaults.create_app().openapi()
    return document


def _secured(document: dict[str, Any]) -> set[str]:
    """The operations whose every security alternative names a scheme."""
    return {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("security") and all(operation["security"])
    }


def _planned(spec: Path) -> dict[str, PlannedCheck]:
    contract = load_contract(str(spec))
    return {entry.check_id: entry for entry in plan(contract, has_admin=True)}


def test_the_probes_are_planned_where_no_operation_documents_a_401(tmp_path: Path) -> None:
    document = _document()
    assert "'401'" not in repr(document["paths"])
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    required = _secured(document)
    assert len(required) == 15
    planned = _planned(spec)
    for check_id in (*PROBES, "authn.expired-token"):
        assert planned[check_id].skipped is None, (check_id, planned[check_id].skipped)
        assert set(planned[check_id].operations) == required, check_id


def test_operations_open_to_anonymous_callers_are_not_probed() -> None:
    # `security: [{}, {Token: []}]`: a caller without a token is served too.
    document = yaml.safe_load(wrapped.SPEC_PATH.read_text(encoding="utf-8"))
    optional = {
        operation["operationId"]
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and {} in operation.get("security", [])
    }
    assert "GetProfileByUsername" in optional
    planned = set(secured(load_contract(str(wrapped.SPEC_PATH))))
    assert planned == _secured(document)
    assert not planned & optional


def _run(url: str, *checks: str) -> ConformanceRun:
    return run_conformance(
        url,
        admin=ADMIN,
        checks=checks or ("authn",),
        generic=False,
        extra_args=["--spec", f"{url}/api/v1/openapi.json", "--verbose"],
    )


def _operations(run: ConformanceRun, check_id: str, status: str) -> set[str]:
    return {
        outcome["operation"]
        for outcome in run.report["outcomes"]
        if outcome["check_id"] == check_id and outcome["status"] == status
    }


@pytest.fixture(scope="module")
def clean_url() -> Iterator[str]:
    with serve(fastapi_defaults.create_app()) as url:
        yield url


@pytest.mark.slow
def test_the_clean_fastapi_service_refuses_every_bad_token(clean_url: str) -> None:
    run = _run(clean_url)
    assert run.exit_code == 0, run.explain()
    assert not {c for c in run.failed_checks | run.errored_checks if c.startswith("authn.")}
    required = _secured(_document())
    for check_id in PROBES:
        assert _operations(run, check_id, "passed") == required, (check_id, run.explain())
    # Its tokens live 8 days, the template's default: too long to wait for.
    skipped = [o for o in run.report["outcomes"] if o["check_id"] == "authn.expired-token"]
    assert [o["status"] for o in skipped] == ["skipped"]
    assert "live 8 days (by its exp)" in skipped[0]["reason"]


@pytest.mark.slow
def test_a_service_that_does_not_verify_signatures_is_caught() -> None:
    app = fastapi_defaults.create_app(faults={"signature-unchecked"})
    with serve(app) as url:
        run = _run(url, *PROBES)
    assert run.exit_code == 1, run.explain()
    failed = _operations(run, "authn.tampered-signature", "failed")
    assert {"users-read_user_me", "login-test_token", "items-read_items"} <= failed, run.explain()
    titles = {f["title"] for f in run.failures("authn.tampered-signature")}
    assert "a token edited to name another account was not refused" in titles
    assert {f["seen"][:3] for f in run.failures("authn.tampered-signature")} == {"200"}
    # A missing or garbage token is still refused: those are not what this service breaks.
    assert run.status("authn.missing-token") == run.status("authn.garbage-token") == {"passed"}


@pytest.mark.slow
@pytest.mark.parametrize("faults", [(), ("expired-token-accepted",)], ids=["clean", "faulty"])
def test_expiry_is_judged_by_waiting_beside_the_other_checks(faults: tuple[str, ...]) -> None:
    app = fastapi_defaults.create_app(faults=faults, access_token_expire=SHORT_LIFETIME)
    with serve(app) as url:
        run = _run(url)
    expired = _operations(run, "authn.expired-token", "failed")
    if faults:
        assert run.exit_code == 1, run.explain()
        assert run.failed_checks == {"authn.expired-token"}, run.explain()
        assert {"users-read_user_me", "login-test_token"} <= expired, run.explain()
        assert all("past its expiry" in f["title"] for f in run.failures("authn.expired-token"))
    else:
        assert run.exit_code == 0, run.explain()
        assert _operations(run, "authn.expired-token", "passed") == _secured(_document())
    # Registered before most of them, it was reported last: the others ran while it waited.
    reported = [found[1] for found in _VERBOSE.findall(run.stdout)]
    assert reported[-1] == "authn.expired-token", reported
    first = reported.index("authn.expired-token")
    assert set(reported[first:]) == {"authn.expired-token"}, reported
    assert {"authn.garbage-token", "authn.tampered-signature"} <= set(reported[:first])
