"""The journeys' tasks, derived from a spec: what a user of each fixture API will do."""

from __future__ import annotations

import random
from pathlib import Path

from conformance.contract import RoleName, load_contract
from load.plan import build_plan, page_params, request_body
from tests.conformance.targets.boards import SPEC_PATH as BOARDS

# The operations the hand-written journeys of the bundled contract used to make.
HAND_WRITTEN = {
    "POST /api/v1/users/",
    "POST /api/v1/auth/login",
    "POST /api/v1/auth/refresh",
    "GET /api/v1/users/me",
    "GET /api/v1/items/",
    "POST /api/v1/items/",
    "GET /api/v1/items/{item_id}",
    "PATCH /api/v1/items/{item_id}",
    "DELETE /api/v1/items/{item_id}",
    "DELETE /api/v1/users/{user_id}",
}


def labels(spec: str | None) -> set[str]:
    contract = load_contract(spec)
    plan = build_plan(contract)
    roles = (RoleName.SIGNUP, RoleName.TOKEN, RoleName.DELETE_ACCOUNT)
    found = {task.operation.label for task in plan.tasks.values()}
    return found | {op.label for role in roles if (op := contract.roles.get(role)) is not None}


def test_the_bundled_journeys_cover_every_operation_the_hand_written_ones_did():
    assert labels(None) >= HAND_WRITTEN


def test_the_accounts_are_the_identity_not_a_resource_to_work():
    plan = build_plan(load_contract(None))
    assert set(plan.resources) == {"items"}
    assert "listUsers" not in plan.tasks


def test_boards_and_their_nested_cards_each_get_every_action():
    plan = build_plan(load_contract(str(BOARDS)))
    shorthands = {task.shorthand for task in plan.tasks.values()}
    actions = ("create", "read", "update", "list", "delete")
    assert shorthands == {f"{r}.{a}" for r in ("boards", "cards") for a in actions} | {
        "current_account"
    }
    # A card's path is filled from a board row of the user, then the card's own.
    assert plan.tasks["getCard"].rows == (("board_id", "boards"), ("card_id", "cards"))


def test_pages_stay_within_the_spec_bounds():
    plan = build_plan(load_contract(str(BOARDS)))
    cards = plan.resources["cards"]
    pages = [page_params(cards, turn) for turn in range(4)]
    assert [page["page"] for page in pages] == [1, 2, 3, 1]
    assert {page["per_page"] for page in pages} == {20}
    boards = page_params(plan.resources["boards"], 1)
    assert boards == {"limit": 20, "offset": 20}


def test_bodies_are_valid_and_the_same_for_the_same_seed(tmp_path: Path):
    plan = build_plan(load_contract(str(BOARDS)))
    create = plan.tasks["createBoard"].operation
    first = request_body(create, "load-7-0-1", random.Random("7-0"))
    again = request_body(create, "load-7-0-1", random.Random("7-0"))
    assert first == again
    assert 1 <= len(first["name"]) <= 80
    assert first.get("visibility", "private") in ("private", "team")
    update = plan.tasks["updateBoard"].operation
    for seed in range(20):
        # An update always changes something.
        assert request_body(update, f"load-{seed}", random.Random(seed))
