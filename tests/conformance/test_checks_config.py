"""The configuration, authentication and login checks reach whatever spec `--spec` names.

They find their operations through the contract model: `inspect` plans each one on the
operations that make its promise (and says why where none does), and a run against the
sessions fixture (an account life with names, fields and token fields of its own) passes
when clean and names the check that catches each of its faults.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate

from conformance.contract import load_contract
from conformance.engine.plan import PlannedCheck, plan

from .targets import boards, sessions
from .targets.runner import ConformanceRun, run_conformance
from .targets.serving import serve

FAMILIES = ("config", "authn", "login")
# Long enough that no other check sees a token expire, short enough to wait for.
SHORT_LIFETIME = 3


def _planned(spec: Path | None) -> dict[str, PlannedCheck]:
    contract = load_contract(str(spec) if spec is not None else None)
    return {entry.check_id: entry for entry in plan(contract, has_admin=False)}


def _run(url: str, *checks: str) -> ConformanceRun:
    return run_conformance(
        url,
        checks=checks or FAMILIES,
        generic=False,
        extra_args=["--spec", str(sessions.SPEC_PATH)],
    )


def test_the_sessions_spec_is_valid() -> None:
    validate(yaml.safe_load(sessions.SPEC_PATH.read_text(encoding="utf-8")))


def test_inspect_plans_the_session_checks_on_the_spec_s_own_operations() -> None:
    planned = _planned(sessions.SPEC_PATH)
    assert planned["authn.refresh-rotation"].operations == ("renewSession",)
    assert planned["authn.refresh-reuse-revokes"].operations == ("renewSession",)
    assert planned["authn.logout-revokes"].operations == ("signOut",)
    assert planned["authn.password-change-revokes"].operations == ("changeAccount",)
    assert planned["login.no-enumeration"].operations == ("startSession",)
    secured = ("readOwnAccount", "readAccount", "closeAccount", "changeAccount")
    assert set(planned["authn.expired-token"].operations) == set(secured)
    # Only the one answer that documents Access-Control-Allow-Origin.
    assert planned["config.cors"].operations == ("readOwnAccount",)
    # Every operation documents both headers; every JSON body is probed.
    assert len(planned["config.request-id"].operations) == 8
    assert len(planned["config.nosniff"].operations) == 8
    assert set(planned["config.malformed-body"].operations) == {
        "openAccount",
        "changeAccount",
        "startSession",
        "renewSession",
        "signOut",
    }
    assert set(planned["config.error-bodies"].operations) == {
        "readAccount",
        "openAccount",
        "startSession",
    }
    # One operation per path, each path leaving some method unlisted.
    assert len(planned["config.unknown-path-and-method"].operations) == 6
    # Promises the spec does not make: no 429 on the token, no Cache-Control.
    assert planned["login.rate-limit"].skipped == (
        "it needs a token operation that documents 429: the spec has none"
    )
    assert planned["authn.token-no-store"].skipped == (
        "it needs a token or refresh answer that documents Cache-Control: the spec has none"
    )


def test_inspect_plans_nothing_the_boards_spec_does_not_promise() -> None:
    planned = _planned(boards.SPEC_PATH)
    for check_id in (
        "config.request-id",
        "config.nosniff",
        "config.cors",
        "authn.refresh-rotation",
        "authn.refresh-reuse-revokes",
        "authn.logout-revokes",
        "authn.password-change-revokes",
        "login.rate-limit",
    ):
        assert planned[check_id].skipped is not None, check_id
    assert "createBoard" in planned["config.malformed-body"].operations
    assert "openSession" in planned["config.malformed-body"].operations
    assert "getBoard" in planned["config.error-bodies"].operations


def test_inspect_plans_the_bundled_promises_where_the_bundled_spec_makes_them() -> None:
    planned = _planned(None)
    assert planned["authn.password-change-revokes"].operations == ("updateUser",)
    assert planned["login.rate-limit"].operations == ("login",)
    assert planned["authn.token-no-store"].operations == ("login", "refreshTokens")
    # The bundled contract speaks of CORS in its description: every operation.
    assert "readCurrentUser" in planned["config.cors"].operations
    assert "health" in planned["config.cors"].operations


@pytest.fixture(scope="module")
def clean_url() -> Iterator[str]:
    with serve(sessions.create_app(token_lifetime=SHORT_LIFETIME)) as url:
        yield url


@pytest.mark.slow
def test_the_clean_sessions_api_passes_on_every_operation(clean_url: str) -> None:
    run = _run(clean_url)
    assert run.exit_code == 0, run.explain()
    outcomes = run.report["outcomes"]
    judged = {
        (outcome["check_id"], outcome["operation"])
        for outcome in outcomes
        if outcome["status"] == "passed"
    }
    planned = _planned(sessions.SPEC_PATH)
    for check_id in sessions.FAULTS.values():
        for operation in planned[check_id].operations:
            assert (check_id, operation) in judged, (check_id, operation, run.explain())
    skipped = {o["check_id"]: o.get("reason") for o in outcomes if o["status"] == "skipped"}
    assert "429" in (skipped["login.rate-limit"] or "")


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(sessions.FAULTS))
def test_each_fault_of_the_sessions_api_is_caught_by_its_check(fault: str) -> None:
    check_id = sessions.FAULTS[fault]
    app = sessions.create_app(faults=frozenset({fault}), token_lifetime=SHORT_LIFETIME)
    with serve(app) as url:
        run = _run(url, check_id)
    assert run.exit_code == 1, run.explain()
    assert run.failed_checks == {check_id}, run.explain()
    operations = {
        outcome["operation"]
        for outcome in run.report["outcomes"]
        if outcome["check_id"] == check_id and outcome["status"] == "failed"
    }
    assert operations <= set(load_contract(str(sessions.SPEC_PATH)).operations), operations
