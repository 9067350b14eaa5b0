"""Checks derived from the spec that see faults every other check passes, on FastAPI's
own document: a write answered right and stored wrong, a password change that never
looks at the current password. The clean service passes them; each planted fault is
named by its check, on its operation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.contract import load_contract
from conformance.engine.plan import plan

from .targets import fastapi_defaults
from .targets.runner import ConformanceRun, run_conformance
from .targets.serving import serve

ADMIN = (fastapi_defaults.FIRST_SUPERUSER, fastapi_defaults.FIRST_SUPERUSER_PASSWORD)
# The checks of this file, and the fault of the FastAPI fixture each must catch, where.
NEW_CHECKS = {
    "workflows.write-read": ("item-update-lost", "items-update_item"),
    "login.current-password": ("current-password-unchecked", "users-update_password_me"),
}


# Checks this fixture has no fault for: the clean service must not fail them either.
_NO_FAULT_HERE = ("workflows.create-defaults", "properties.case-insensitive-unique")


def _run(url: str, *checks: str) -> ConformanceRun:
    return run_conformance(
        url,
        admin=ADMIN,
        checks=checks,
        generic=False,
        extra_args=["--spec", f"{url}/api/v1/openapi.json"],
    )


def _statuses(run: ConformanceRun, check_id: str) -> dict[str, str]:
    return {
        outcome["operation"]: outcome["status"]
        for outcome in run.report["outcomes"]
        if outcome["check_id"] == check_id
    }


def _planned(spec: str | None) -> dict[str, tuple[str, ...]]:
    return {entry.check_id: entry.operations for entry in plan(load_contract(spec), has_admin=True)}


def test_the_spec_says_where_each_check_runs(tmp_path: Path) -> None:
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(fastapi_defaults.create_app().openapi()), encoding="utf-8")
    fastapi = _planned(str(document))
    assert fastapi["login.current-password"] == ("users-update_password_me",)
    assert fastapi["properties.case-insensitive-unique"] == ()
    assert {"items-create_item", "items-update_item"} <= set(fastapi["workflows.write-read"])
    # The bundled contract: "Emails are unique without regard to case" (no update of its
    # takes the current password).
    bundled = _planned(None)
    assert bundled["properties.case-insensitive-unique"] == ("createUser",)
    assert bundled["login.current-password"] == ()
    assert bundled["workflows.create-defaults"] == ()
    # `is_active` and `is_superuser` default on the superuser's create of accounts, which
    # is one more create of the accounts (made by signing up): no create of rows to judge.
    assert fastapi["workflows.create-defaults"] == ()
    assert "users-create_user" not in fastapi["workflows.write-read"]
    assert set(bundled["workflows.write-read"]) == {"createItem", "updateItem", "updateUser"}


@pytest.fixture(scope="module")
def clean_run() -> Iterator[ConformanceRun]:
    with serve(fastapi_defaults.create_app()) as url:
        yield _run(url, *NEW_CHECKS, *_NO_FAULT_HERE)


@pytest.mark.slow
def test_the_clean_fastapi_service_passes_the_new_checks(clean_run: ConformanceRun) -> None:
    assert clean_run.exit_code == 0, clean_run.explain()
    assert not clean_run.failed_checks | clean_run.errored_checks, clean_run.explain()
    for check_id, (_, operation) in NEW_CHECKS.items():
        assert _statuses(clean_run, check_id)[operation] == "passed", clean_run.explain()


@pytest.mark.slow
@pytest.mark.parametrize("check_id", sorted(NEW_CHECKS))
def test_each_planted_fault_is_named_by_its_check_on_its_operation(check_id: str) -> None:
    fault, operation = NEW_CHECKS[check_id]
    with serve(fastapi_defaults.create_app(faults={fault})) as url:
        run = _run(url, check_id)
    assert run.exit_code == 1, run.explain()
    failed = {op for op, status in _statuses(run, check_id).items() if status == "failed"}
    assert failed == {operation}, run.explain()
