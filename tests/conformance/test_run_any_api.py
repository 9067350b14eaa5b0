"""`conformance run --spec` on APIs unlike the bundled one, with no configuration (or one line).

The boards API (UUID ids, cards nested in boards, envelope lists, problem+json, bearer
tokens without refresh, its document at /v2/spec.json) and the members API (a sign-up the
model cannot recognise by its field names) are served in this process; the run is a
child process, as a user starts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .targets import boards, members
from .targets.runner import inspect_model, run_conformance
from .targets.serving import serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def boards_url() -> Iterator[str]:
    with serve(boards.create_app()) as url:
        yield url


@pytest.fixture(scope="module")
def members_url() -> Iterator[str]:
    with serve(members.create_app()) as url:
        yield url


def test_inspect_finds_the_boards_roles_and_resources() -> None:
    model = inspect_model(boards.SPEC_PATH)
    roles = {name: role["operation"] for name, role in model["roles"].items()}
    assert roles == {
        "signup": "registerAccount",
        "token": "openSession",
        "current_account": "getOwnAccount",
        "refresh": None,
        "logout": None,
        "delete_account": "closeAccount",
    }
    found = {resource["name"]: resource for resource in model["resources"]}
    assert set(found) == {"accounts", "boards", "cards"}
    cards = found["cards"]
    assert cards["parent"] == "boards"
    assert cards["id"] == {"parameter": "card_id", "type": "uuid", "field": "id"}
    assert cards["list"]["shape"] == "envelope" and cards["list"]["rows"] == "items"
    assert cards["list"]["pagination"] == "per_page 1..100, page 1..2147483647"
    assert found["boards"]["list"]["pagination"] == "limit 1..50, offset 0..2147483647"
    assert found["boards"]["owner_field"] == "owner_id"
    assert "board_id" in cards["server_owned"]


def test_the_clean_boards_api_passes_authenticated_with_two_peers(boards_url: str) -> None:
    # One seed, so that CI runs the same generated requests every time.
    run = run_conformance(
        boards_url, extra_args=["--spec", str(boards.SPEC_PATH), "--seed", "20261201"]
    )
    assert run.exit_code == 0, run.explain()
    notices = " ".join(run.report["notices"])
    assert "as 2 accounts of the run's own, WFC peers (peer-a, peer-b)" in notices
    # Drift read the document the API serves at /v2/spec.json, and found none.
    assert run.status("drift.operations") == {"passed"}
    assert run.status("drift.schemas") == {"passed"}
    # The contract checks reached the API's own operations...
    probed = {
        o["operation"] for o in run.report["outcomes"] if o["check_id"] == "authn.missing-token"
    }
    assert {"getBoard", "addCard", "removeCard", "getOwnAccount"} <= probed
    # ...and promised nothing the spec does not: no 429 on openSession, so no throttling verdict.
    assert run.status("login.rate-limit") == {"skipped"}
    assert run.report["cleanup"]["left"] == [] and run.report["cleanup"]["deleted"] >= 2


# Each planted fault of the boards API, the check that must name it, and where. Each run
# selects that check alone (schemathesis only for its own `generic.*` checks) with one seed.
BOARDS_FAULTS = {
    "no-auth-on-list": ("authn.missing-token", "listBoards"),
    "bola-task-read": ("authz.read-cross-user", "getCard"),
    "owner-mass-assignment": ("properties.mass-assignment", "createBoard"),
    "ignore-name-bound": ("limits.string-length", "createBoard"),
    "delete-noop": ("workflows.delete-read", "deleteBoard"),
    "bola-board-read": ("authz.read-cross-user", "getBoard"),
    "bola-board-update": ("authz.update-cross-user", "updateBoard"),
    "bola-board-delete": ("authz.delete-cross-user", "deleteBoard"),
    "bola-card-edit": ("authz.update-cross-user", "editCard"),
    "bola-card-remove": ("authz.delete-cross-user", "removeCard"),
    "list-shows-all-boards": ("authz.list-isolation", "listBoards"),
    "list-total-counts-all": ("authz.list-isolation", "listBoards"),
    "bola-card-list": ("authz.list-isolation", "listCards"),
    "alg-none-accepted": ("authn.alg-none", "getOwnAccount"),
    "signature-unchecked": ("authn.tampered-signature", "getOwnAccount"),
    "lookup-before-auth": ("authn.missing-token", "deleteBoard"),
    "no-challenge": ("authn.missing-token", "getCard"),
    "ignore-limit-maximum": ("limits.page-size", "listBoards"),
    "ignore-per-page-maximum": ("limits.page-size", "listCards"),
    "uuid-parse-500": ("limits.path-id-range", "getBoard"),
    "create-returns-200": ("workflows.create-read", "createBoard"),
    "create-drops-description": ("workflows.create-read", "createBoard"),
    "patch-ignored": ("workflows.patch-read", "updateBoard"),
    "patch-keeps-updated-at": ("workflows.patch-read", "updateBoard"),
    "card-remove-noop": ("workflows.delete-read", "removeCard"),
    "card-list-skips-first": ("workflows.list-contains", "listCards"),
    "card-move-mass-assignment": ("properties.mass-assignment", "editCard"),
    "card-priority-default": ("workflows.create-defaults", "addCard"),
    "done-filter-ignored": ("workflows.list-filter", "listCards"),
    "cards-outlive-board": ("workflows.cascade-delete", "deleteBoard"),
    "card-without-created-at": ("generic.response-schema-conformance", "getCard"),
    "problem-as-json": ("generic.content-type-conformance", "getBoard"),
    "validation-400": ("generic.status-code-conformance", "createBoard"),
    "card-without-location": ("generic.response-headers-conformance", "addCard"),
}


@pytest.mark.parametrize("fault", sorted(BOARDS_FAULTS))
def test_a_fault_of_the_boards_api_is_caught_with_no_configuration(fault: str) -> None:
    check_id, operation = BOARDS_FAULTS[fault]
    with serve(boards.create_app(faults=frozenset({fault}))) as url:
        run = run_conformance(
            url,
            checks=[check_id],
            generic=check_id.startswith("generic."),
            extra_args=["--spec", str(boards.SPEC_PATH), "--seed", "20261201"],
        )
    assert run.exit_code == 1, run.explain()
    failed = {
        (o["check_id"], o["operation"]) for o in run.report["outcomes"] if o["status"] == "failed"
    }
    assert (check_id, operation) in failed, run.explain()


def test_a_forged_token_is_reported_on_every_operation_that_takes_it() -> None:
    # The forged token also closes the prober's account where it is accepted: the account's
    # deletion is probed last, so that the operations before it are judged on the token.
    with serve(boards.create_app(faults=frozenset({"alg-none-accepted"}))) as url:
        run = run_conformance(
            url,
            checks=["authn.alg-none"],
            generic=False,
            extra_args=["--spec", str(boards.SPEC_PATH), "--seed", "20261201"],
        )
    failed = {o["operation"] for o in run.report["outcomes"] if o["status"] == "failed"}
    assert {"getOwnAccount", "listBoards", "createBoard", "closeAccount"} <= failed, run.explain()


def test_the_admin_is_logged_in_through_the_specs_token_operation(boards_url: str) -> None:
    # An existing account given as the admin: its login is openSession, not `login`.
    httpx.post(
        f"{boards_url}/v2/accounts", json={"username": "cf_admin_1", "password": "admin-pass-123"}
    ).raise_for_status()
    run = run_conformance(
        boards_url,
        admin=("cf_admin_1", "admin-pass-123"),
        generic=False,
        checks=["authz", "login"],
        extra_args=["--spec", str(boards.SPEC_PATH)],
    )
    assert run.exit_code == 0, run.explain()
    wrong = run_conformance(
        boards_url,
        admin=("cf_admin_1", "not-the-password"),
        generic=False,
        checks=["login"],
        extra_args=["--spec", str(boards.SPEC_PATH)],
    )
    assert wrong.exit_code == 2
    assert wrong.stderr.strip().startswith("error: the admin credentials do not log in")


def test_members_needs_one_roles_line_to_sign_up(members_url: str, tmp_path: Path) -> None:
    spec = ["--spec", str(members.SPEC_PATH)]
    bare = run_conformance(members_url, checks=["login"], generic=False, extra_args=spec)
    reasons = {o.get("reason") for o in bare.report["outcomes"] if o["status"] == "skipped"}
    assert any('[roles] signup = "<operationId>"' in (r or "") for r in reasons), bare.explain()

    config = tmp_path / "conformance.toml"
    config.write_text('[roles]\nsignup = "enrolMember"\n', encoding="utf-8")
    model = inspect_model(members.SPEC_PATH, "--config", str(config))
    assert model["roles"]["signup"] == {
        "operation": "enrolMember",
        "endpoint": "POST /members",
        "how": "set in conformance.toml [roles]",
    }
    assert model["credentials"]["signup"] == ["handle", "passphrase"]
    run = run_conformance(members_url, extra_args=[*spec, "--config", str(config)])
    assert run.exit_code == 0, run.explain()
    assert "as 2 accounts of the run's own" in " ".join(run.report["notices"])
    assert run.status("login.no-enumeration") == {"passed"}


def test_every_planted_fault_of_the_boards_api_is_in_the_matrix() -> None:
    assert set(BOARDS_FAULTS) == set(boards.FAULTS)
