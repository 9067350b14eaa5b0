"""The account, administrator, sign-up, Location and pagination checks on a spec of their own.

The crew API (`targets/crew/`) names nothing the bundled spec does: its accounts are read,
renamed and removed by string ids, it has an administrator who alone lists the crew and
sees every member's tasks, and its tasks are paged by `page`/`size` with an `X-Total`
header. The clean API passes; each planted fault is named by its check, on its operation.
"""

from __future__ import annotations

import pytest
import yaml
from openapi_spec_validator import validate

from conformance.contract import load_contract
from conformance.engine.plan import plan

from .targets import boards, crew
from .targets.runner import run_conformance
from .targets.serving import serve

ADMIN = ("crew_admin", "crew-admin-password")
SPEC = ["--spec", str(crew.SPEC_PATH)]

# What each check judges on the crew API: (check, operation) pairs.
REACH = {
    ("authz.user-read-cross-user", "getMember"),
    ("authz.user-update-cross-user", "renameMember"),
    ("authz.user-delete-cross-user", "removeMember"),
    ("authz.admin-only-list-users", "listCrew"),
    ("authz.superuser-reads-all", "getMember"),
    ("authz.superuser-reads-all", "getTask"),
    ("authz.superuser-reads-all", "listCrew"),
    ("authz.superuser-lists-all", "listCrew"),
    ("authz.superuser-lists-all", "listTasks"),
    ("workflows.signup-login", "join"),
    ("workflows.signup-login", "startSession"),
    ("workflows.signup-login", "whoAmI"),
    ("workflows.user-patch-read", "renameMember"),
    ("workflows.user-delete", "removeMember"),
    ("workflows.list-pagination", "listTasks"),
    ("workflows.location-resolves", "join"),
    ("workflows.location-resolves", "addTask"),
}

# Each planted fault of the crew API, the check that must name it, and where.
CREW_FAULTS = {
    "read-any-member": ("authz.user-read-cross-user", "getMember"),
    "rename-any-member": ("authz.user-update-cross-user", "renameMember"),
    "remove-any-member": ("authz.user-delete-cross-user", "removeMember"),
    "anyone-lists-crew": ("authz.admin-only-list-users", "listCrew"),
    "admin-sees-own-only": ("authz.superuser-reads-all", "getTask"),
    "pages-overlap": ("workflows.list-pagination", "listTasks"),
    "location-off": ("workflows.location-resolves", "addTask"),
    "name-dropped": ("workflows.signup-login", "join"),
    "rename-ignored": ("workflows.user-patch-read", "renameMember"),
    "token-outlives-member": ("workflows.user-delete", "removeMember"),
}


def _planned(spec: str, *, has_admin: bool) -> dict[str, tuple[tuple[str, ...], str | None]]:
    return {
        entry.check_id: (entry.operations, entry.skipped)
        for entry in plan(load_contract(spec), has_admin=has_admin)
    }


def test_the_crew_spec_is_a_valid_openapi_document() -> None:
    validate(yaml.safe_load(crew.SPEC_PATH.read_text(encoding="utf-8")))


def test_inspect_plans_the_checks_on_the_crew_operations_the_model_finds() -> None:
    planned = _planned(str(crew.SPEC_PATH), has_admin=True)
    found = {(check_id, op) for check_id, (ops, _) in planned.items() for op in ops}
    assert found >= REACH
    # Only the account listing is reserved to administrators: the own-record reads
    # document 403 too, but their path names a row, and the task list is a user's own.
    assert planned["authz.admin-only-list-users"] == (("listCrew",), None)
    assert planned["workflows.list-pagination"] == (("listTasks",), None)
    # The page-size check asks the reserved list too (as the admin, at run time).
    assert planned["limits.page-size"] == (("listCrew", "listTasks"), None)


def test_a_spec_without_accounts_by_id_or_administrators_plans_those_checks_as_skipped() -> None:
    planned = _planned(str(boards.SPEC_PATH), has_admin=True)
    for check_id in (
        "authz.user-read-cross-user",
        "authz.user-update-cross-user",
        "authz.user-delete-cross-user",
        "authz.admin-only-list-users",
        "authz.superuser-reads-all",
        "authz.superuser-lists-all",
        "workflows.user-patch-read",
    ):
        operations, skipped = planned[check_id]
        assert operations == () and skipped is not None, check_id
        assert skipped.startswith("it needs ") and skipped.endswith(": the spec has none")
    # Boards' cards are nested and paged by page number: the pagination check reaches them.
    assert planned["workflows.list-pagination"][0] == ("listBoards", "listCards")
    located = planned["workflows.location-resolves"][0]
    assert located == ("registerAccount", "createBoard", "addCard")


@pytest.mark.slow
def test_the_clean_crew_api_passes_every_account_and_administrator_check() -> None:
    with serve(crew.create_app(admin=ADMIN)) as url:
        run = run_conformance(
            url, admin=ADMIN, checks=["authz", "workflows"], generic=False, extra_args=SPEC
        )
    assert run.exit_code == 0, run.explain()
    passed = {
        (o["check_id"], o["operation"]) for o in run.report["outcomes"] if o["status"] == "passed"
    }
    assert passed >= REACH, run.explain()


@pytest.mark.slow
def test_without_admin_credentials_the_administrator_checks_are_skipped() -> None:
    with serve(crew.create_app(admin=ADMIN)) as url:
        run = run_conformance(
            url,
            checks=["authz.superuser-reads-all", "authz.admin-only-list-users"],
            generic=False,
            extra_args=SPEC,
        )
    assert run.exit_code == 0, run.explain()
    assert run.status("authz.superuser-reads-all") == {"skipped"}
    # A plain user's refusal needs no administrator.
    assert run.status("authz.admin-only-list-users") == {"passed"}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(CREW_FAULTS))
def test_a_fault_of_the_crew_api_is_named_by_its_check_on_its_operation(fault: str) -> None:
    check_id, operation = CREW_FAULTS[fault]
    with serve(crew.create_app(admin=ADMIN, faults={fault})) as url:
        run = run_conformance(url, admin=ADMIN, checks=[check_id], generic=False, extra_args=SPEC)
    assert run.exit_code == 1, run.explain()
    failed = {
        (o["check_id"], o["operation"]) for o in run.report["outcomes"] if o["status"] == "failed"
    }
    assert (check_id, operation) in failed, run.explain()


def test_every_planted_fault_of_the_crew_api_is_in_the_matrix() -> None:
    assert set(CREW_FAULTS) == set(crew.FAULTS)
