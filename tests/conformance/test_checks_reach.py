"""The property, limit and concurrency checks run on any spec, one outcome per operation.

The shelves API (`targets/shelves/`) is unlike the bundled contract where these checks
used to name its operations and fields: int32 ids, a privilege flag on accounts (and a
403-guarded list that shows whether one was granted), bodies open to undefined fields,
a 409 on a unique label, a 16 KiB body limit. Its clean app
must pass every check on every operation the plan lists; each planted fault must be
named by its check on its operation. The bounds the checks send come from each spec.
"""

from __future__ import annotations

import pytest

from conformance.contract import Contract, load_contract
from conformance.engine.checks.limits import out_of_range, stated_limit
from conformance.engine.plan import plan

from .targets import boards, shelves
from .targets.runner import run_conformance
from .targets.serving import serve

FAMILIES = ["properties", "limits", "concurrency"]


def _planned(contract: Contract) -> dict[str, set[str]]:
    return {
        item.check_id: set(item.operations)
        for item in plan(contract, has_admin=False)
        if item.check_id.split(".")[0] in FAMILIES
    }


def test_inspect_lists_each_check_on_the_operations_of_the_shelves_spec() -> None:
    planned = _planned(load_contract(str(shelves.SPEC_PATH)))
    assert planned["properties.user-mass-assignment"] == {"joinPeople"}
    assert planned["properties.unknown-fields"] == {
        "joinPeople",
        "issueToken",
        "addShelf",
        "relabelShelf",
    }
    assert planned["properties.no-secrets"] >= {"joinPeople", "issueToken", "whoAmI", "dropShelf"}
    assert planned["properties.timestamps-utc"] == {
        "joinPeople",
        "whoAmI",
        "listPeople",
        "addShelf",
        "listShelves",
        "getShelf",
        "relabelShelf",
    }
    assert planned["limits.body-size"] == {"joinPeople", "addShelf", "relabelShelf"}
    assert planned["limits.string-length"] == {"joinPeople", "addShelf", "relabelShelf"}
    assert planned["limits.path-id-range"] == {"getShelf", "dropShelf"}
    assert planned["concurrency.duplicate-creates"] == {"joinPeople", "addShelf"}
    assert planned["concurrency.parallel-creates"] == {"addShelf"}


def test_inspect_lists_the_bundled_operations_the_checks_used_to_name() -> None:
    planned = _planned(load_contract(None))
    assert planned["limits.body-size"] == {
        "login",
        "refreshTokens",
        "logout",
        "createUser",
        "updateUser",
        "createItem",
        "updateItem",
    }
    assert planned["properties.user-mass-assignment"] == {"createUser", "updateUser"}
    assert planned["properties.unknown-fields"] == {
        "createUser",
        "updateUser",
        "createItem",
        "updateItem",
        "refreshTokens",
        "logout",
    }
    assert planned["concurrency.duplicate-creates"] == {"createUser"}


def test_where_a_spec_documents_no_413_or_409_the_checks_are_planned_nowhere() -> None:
    planned = {
        item.check_id: item for item in plan(load_contract(str(boards.SPEC_PATH)), has_admin=False)
    }
    assert planned["limits.body-size"].skipped == (
        "it needs an operation taking a body that documents 413: the spec has none"
    )
    # registerAccount documents 409; no other create does.
    assert planned["concurrency.duplicate-creates"].operations == ("registerAccount",)


def test_the_bounds_sent_are_each_specs_own() -> None:
    bundled, shelved = load_contract(None), load_contract(str(shelves.SPEC_PATH))
    board_spec = load_contract(str(boards.SPEC_PATH))
    item_id = bundled["readItem"].parameter("item_id", "path")
    shelf_id = shelved["getShelf"].parameter("shelf_id", "path")
    card_id = board_spec["getCard"].parameter("card_id", "path")
    assert item_id is not None and shelf_id is not None and card_id is not None
    # int64 ids from 1: below the minimum and beyond int64; int32 ones: beyond int32.
    assert out_of_range(item_id, "integer") == [0, 2**63, "1e3"]
    assert out_of_range(shelf_id, "integer") == [0, 2**31, "1e3"]
    # A UUID id: malformed ones, and one over its maxLength (36).
    assert "0" * 37 in out_of_range(card_id, "uuid")
    assert stated_limit(bundled["createItem"]) == 1024 * 1024
    assert stated_limit(shelved["addShelf"]) == 16 * 1024


@pytest.mark.slow
def test_the_clean_shelves_api_passes_on_every_planned_operation() -> None:
    planned = _planned(load_contract(str(shelves.SPEC_PATH)))
    with serve(shelves.create_app()) as url:
        run = run_conformance(
            url, checks=FAMILIES, generic=False, extra_args=["--spec", str(shelves.SPEC_PATH)]
        )
    assert run.exit_code == 0, run.explain()
    reached: dict[str, set[str]] = {}
    for outcome in run.report["outcomes"]:
        if outcome["status"] == "passed":
            reached.setdefault(outcome["check_id"], set()).add(outcome["operation"])
    # listPeople is the admins': a run without admin credentials reads no row of it.
    planned["properties.timestamps-utc"].discard("listPeople")
    missing = {
        check_id: sorted(operations - reached.get(check_id, set()))
        for check_id, operations in planned.items()
        if operations - reached.get(check_id, set())
    }
    assert not missing, run.explain()


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(shelves.FAULTS))
def test_a_fault_of_the_shelves_api_is_named_on_its_operation(fault: str) -> None:
    check_id, operation = shelves.FAULTS[fault]
    with serve(shelves.create_app(faults={fault})) as url:
        run = run_conformance(
            url, checks=[check_id], generic=False, extra_args=["--spec", str(shelves.SPEC_PATH)]
        )
    assert run.exit_code == 1, run.explain()
    failed = {
        (o["check_id"], o["operation"]) for o in run.report["outcomes"] if o["status"] == "failed"
    }
    assert (check_id, operation) in failed, run.explain()
