"""The boards fixture conforms to its own spec, and each planted fault changes what it answers.

The clean app is served once for the module (real HTTP over loopback); each fault test
serves its own faulty app.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from tests.conformance.targets.boards import FAULTS, SPEC_PATH, create_app
from tests.conformance.targets.schemathesis_cli import SchemathesisRun, run_schemathesis
from tests.conformance.targets.serving import serve

PROBLEM = "application/problem+json"
NO_SUCH_BOARD = "00000000-0000-4000-8000-000000000000"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app()) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as http:
        yield http


def sign_up(client: httpx.Client, prefix: str = "user") -> dict[str, str]:
    """A new account's `Authorization` header."""
    username = f"{prefix}_{secrets.token_hex(4)}"
    password = "correct horse battery"
    created = client.post("/v2/accounts", json={"username": username, "password": password})
    assert created.status_code == 201, created.text
    session = client.post("/v2/sessions", json={"username": username, "password": password})
    assert session.status_code == 201, session.text
    return {"Authorization": f"Bearer {session.json()['access_token']}"}


def new_board(client: httpx.Client, headers: dict[str, str], name: str = "board") -> str:
    created = client.post("/v2/boards", json={"name": name}, headers=headers)
    assert created.status_code == 201, created.text
    board_id: str = created.json()["id"]
    return board_id


def new_card(client: httpx.Client, headers: dict[str, str], board_id: str) -> str:
    created = client.post(f"/v2/boards/{board_id}/cards", json={"title": "t"}, headers=headers)
    assert created.status_code == 201, created.text
    card_id: str = created.json()["id"]
    return card_id


def test_the_spec_is_valid_openapi_3_1() -> None:
    document = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_the_served_document_is_the_spec(client: httpx.Client) -> None:
    served = client.get("/v2/spec.json")
    assert served.status_code == 200
    assert served.headers["content-type"] == "application/json"
    assert served.json() == yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))


def test_sign_up_answers_the_account_and_where_it_is(client: httpx.Client) -> None:
    body = {"username": f"ada_{secrets.token_hex(4)}", "password": "0123456789"}
    created = client.post("/v2/accounts", json={**body, "display_name": "Ada"})
    assert created.status_code == 201
    assert created.headers["location"] == "/v2/accounts/self"
    assert set(created.json()) == {"id", "username", "display_name", "created_at"}
    again = client.post("/v2/accounts", json=body)
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    assert again.json()["status"] == 409


def test_wrong_credentials_are_401_with_a_challenge(client: httpx.Client) -> None:
    refused = client.post("/v2/sessions", json={"username": "nobody", "password": "x" * 10})
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert refused.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
def test_secured_operations_need_a_valid_bearer_token(
    client: httpx.Client, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    for method, path in [("GET", "/v2/boards"), ("GET", "/v2/accounts/self")]:
        refused = client.request(method, path, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["status"] == 401


def test_an_unknown_field_is_422_with_errors(client: httpx.Client) -> None:
    headers = sign_up(client)
    refused = client.post(
        "/v2/boards", json={"name": "b", "owner_id": NO_SUCH_BOARD}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"] == [
        {"location": "body", "message": "breaks `additionalProperties`"}
    ]
    assert client.get("/v2/boards", headers=headers).json()["total"] == 0


def test_a_body_that_is_not_json_is_422(client: httpx.Client) -> None:
    headers = {**sign_up(client), "Content-Type": "application/json"}
    refused = client.post("/v2/boards", content=b"\xff{", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body"


def test_boards_are_listed_in_an_envelope_in_creation_order(client: httpx.Client) -> None:
    headers = sign_up(client)
    ids = [new_board(client, headers, f"board {n}") for n in range(5)]
    new_board(client, sign_up(client, "other"))
    page = client.get("/v2/boards", params={"limit": 2, "offset": 1}, headers=headers)
    assert page.status_code == 200
    body = page.json()
    assert (body["total"], body["limit"], body["offset"]) == (5, 2, 1)
    assert [board["id"] for board in body["items"]] == ids[1:3]
    whole = client.get("/v2/boards", headers=headers).json()
    assert (whole["limit"], whole["offset"], len(whole["items"])) == (20, 0, 5)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/v2/boards", "limit=0"),
        ("/v2/boards", "limit=51"),
        ("/v2/boards", "offset=-1"),
        ("/v2/boards", "offset=2147483648"),
        ("/v2/boards", "limit=ten"),
        ("/v2/boards", "limit=1.0"),
        ("/v2/boards", "limit=5&limit=6"),
        ("/v2/boards/{board}/cards", "page=0"),
        ("/v2/boards/{board}/cards", "per_page=101"),
    ],
)
def test_pagination_out_of_bounds_is_422(client: httpx.Client, path: str, query: str) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    refused = client.get(f"{path.format(board=board_id)}?{query}", headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["location"].startswith("query/")


def test_cards_are_paginated_by_page(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    ids = [new_card(client, headers, board_id) for _ in range(3)]
    page = client.get(f"/v2/boards/{board_id}/cards?page=2&per_page=2", headers=headers)
    assert page.json()["total"] == 3
    assert [card["id"] for card in page.json()["items"]] == ids[2:]


def test_another_accounts_board_and_cards_are_404(client: httpx.Client) -> None:
    owner, intruder = sign_up(client, "owner"), sign_up(client, "intruder")
    board_id = new_board(client, owner)
    card_id = new_card(client, owner, board_id)
    for method, path in [
        ("GET", f"/v2/boards/{board_id}"),
        ("PATCH", f"/v2/boards/{board_id}"),
        ("DELETE", f"/v2/boards/{board_id}"),
        ("GET", f"/v2/boards/{board_id}/cards"),
        ("GET", f"/v2/boards/{board_id}/cards/{card_id}"),
        ("DELETE", f"/v2/boards/{board_id}/cards/{card_id}"),
    ]:
        body = {} if method == "PATCH" else None
        refused = client.request(method, path, json=body, headers=intruder)
        assert refused.status_code == 404, (method, path)
        assert refused.headers["content-type"] == PROBLEM
    assert client.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=owner).status_code == 200


def test_a_card_through_another_board_is_404(client: httpx.Client) -> None:
    headers = sign_up(client)
    first, second = new_board(client, headers), new_board(client, headers)
    card_id = new_card(client, headers, first)
    assert client.get(f"/v2/boards/{second}/cards/{card_id}", headers=headers).status_code == 404


@pytest.mark.parametrize("board_id", ["not-a-uuid", NO_SUCH_BOARD, "1234"])
def test_malformed_and_unknown_ids_are_404(client: httpx.Client, board_id: str) -> None:
    headers = sign_up(client)
    assert client.get(f"/v2/boards/{board_id}", headers=headers).status_code == 404
    added = client.post(f"/v2/boards/{board_id}/cards", json={"title": "t"}, headers=headers)
    assert added.status_code == 404


def test_update_sets_updated_at_and_refuses_a_null_name(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    assert client.get(f"/v2/boards/{board_id}", headers=headers).json()["updated_at"] is None
    changed = client.patch(f"/v2/boards/{board_id}", json={"visibility": "team"}, headers=headers)
    assert changed.status_code == 200
    assert changed.json()["visibility"] == "team"
    assert changed.json()["updated_at"] is not None
    refused = client.patch(f"/v2/boards/{board_id}", json={"name": None}, headers=headers)
    assert refused.status_code == 422


def test_remove_card_answers_200_with_a_body_then_the_card_is_gone(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    card_id = new_card(client, headers, board_id)
    removed = client.delete(f"/v2/boards/{board_id}/cards/{card_id}", headers=headers)
    assert removed.status_code == 200
    assert removed.json() == {"id": card_id, "deleted": True}
    assert client.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=headers).status_code == 404


def test_deleting_a_board_deletes_its_cards(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    card_id = new_card(client, headers, board_id)
    assert client.delete(f"/v2/boards/{board_id}", headers=headers).status_code == 204
    assert client.get(f"/v2/boards/{board_id}", headers=headers).status_code == 404
    assert client.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=headers).status_code == 404


def test_closing_an_account_ends_its_tokens_and_frees_its_username(client: httpx.Client) -> None:
    username, password = f"leaver_{secrets.token_hex(4)}", "0123456789"
    client.post("/v2/accounts", json={"username": username, "password": password})
    token = client.post("/v2/sessions", json={"username": username, "password": password})
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    new_board(client, headers)
    assert client.delete("/v2/accounts/self", headers=headers).status_code == 204
    assert client.get("/v2/boards", headers=headers).status_code == 401
    again = client.post("/v2/accounts", json={"username": username, "password": password})
    assert again.status_code == 201
    fresh = sign_up(client)
    assert client.get("/v2/boards", headers=fresh).json()["total"] == 0


def test_an_unsupported_method_is_405_naming_the_allowed_ones(client: httpx.Client) -> None:
    refused = client.put("/v2/boards")
    assert refused.status_code == 405
    assert set(refused.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        create_app(faults={"no-such-fault"})


# One test per planted fault: the same requests, answered otherwise than the spec says.


def test_fault_bola_task_read() -> None:
    with serve(create_app(faults={"bola-task-read"})) as base, httpx.Client(base_url=base) as c:
        owner, intruder = sign_up(c, "owner"), sign_up(c, "intruder")
        card_id = new_card(c, owner, new_board(c, owner))
        own_board = new_board(c, intruder)
        leaked = c.get(f"/v2/boards/{own_board}/cards/{card_id}", headers=intruder)
        assert leaked.status_code == 200
        assert leaked.json()["id"] == card_id


def test_fault_owner_mass_assignment() -> None:
    with (
        serve(create_app(faults={"owner-mass-assignment"})) as base,
        httpx.Client(base_url=base) as c,
    ):
        victim, attacker = sign_up(c, "victim"), sign_up(c, "attacker")
        victim_id = c.get("/v2/accounts/self", headers=victim).json()["id"]
        planted = c.post("/v2/boards", json={"name": "x", "owner_id": victim_id}, headers=attacker)
        assert planted.status_code == 201
        assert planted.json()["owner_id"] == victim_id
        assert c.get("/v2/boards", headers=victim).json()["total"] == 1


def test_fault_ignore_name_bound() -> None:
    with serve(create_app(faults={"ignore-name-bound"})) as base, httpx.Client(base_url=base) as c:
        created = c.post("/v2/boards", json={"name": "n" * 81}, headers=sign_up(c))
        assert created.status_code == 201
        assert len(created.json()["name"]) == 81


def test_fault_delete_noop() -> None:
    with serve(create_app(faults={"delete-noop"})) as base, httpx.Client(base_url=base) as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        assert c.delete(f"/v2/boards/{board_id}", headers=headers).status_code == 204
        assert c.get(f"/v2/boards/{board_id}", headers=headers).status_code == 200


def test_fault_no_auth_on_list() -> None:
    with serve(create_app(faults={"no-auth-on-list"})) as base, httpx.Client(base_url=base) as c:
        new_board(c, sign_up(c))
        anonymous = c.get("/v2/boards")
        assert anonymous.status_code == 200
        assert anonymous.json()["total"] == 1
        assert c.get("/v2/accounts/self").status_code == 401


@contextmanager
def faulty(fault: str) -> Iterator[httpx.Client]:
    """A client of the boards app with one planted fault, served for the block."""
    with serve(create_app(faults={fault})) as base, httpx.Client(base_url=base) as c:
        yield c


def test_fault_bola_board_read() -> None:
    with faulty("bola-board-read") as c:
        board_id = new_board(c, sign_up(c, "owner"))
        assert c.get(f"/v2/boards/{board_id}", headers=sign_up(c, "intruder")).status_code == 200


def test_fault_bola_board_update() -> None:
    with faulty("bola-board-update") as c:
        owner = sign_up(c, "owner")
        board_id = new_board(c, owner)
        defaced = c.patch(
            f"/v2/boards/{board_id}", json={"name": "defaced"}, headers=sign_up(c, "intruder")
        )
        assert defaced.status_code == 200
        assert c.get(f"/v2/boards/{board_id}", headers=owner).json()["name"] == "defaced"


def test_fault_bola_board_delete() -> None:
    with faulty("bola-board-delete") as c:
        owner = sign_up(c, "owner")
        board_id = new_board(c, owner)
        assert c.delete(f"/v2/boards/{board_id}", headers=sign_up(c)).status_code == 204
        assert c.get(f"/v2/boards/{board_id}", headers=owner).status_code == 404


def test_fault_bola_card_edit() -> None:
    with faulty("bola-card-edit") as c:
        owner, intruder = sign_up(c, "owner"), sign_up(c, "intruder")
        board_id = new_board(c, owner)
        card_id = new_card(c, owner, board_id)
        path = f"/v2/boards/{new_board(c, intruder)}/cards/{card_id}"
        assert c.patch(path, json={"done": True}, headers=intruder).status_code == 200
        mine = c.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=owner)
        assert mine.json()["done"] is True


def test_fault_bola_card_remove() -> None:
    with faulty("bola-card-remove") as c:
        owner, intruder = sign_up(c, "owner"), sign_up(c, "intruder")
        board_id = new_board(c, owner)
        card_id = new_card(c, owner, board_id)
        path = f"/v2/boards/{new_board(c, intruder)}/cards/{card_id}"
        assert c.delete(path, headers=intruder).status_code == 200
        mine = c.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=owner)
        assert mine.status_code == 404


def test_fault_list_shows_all_boards() -> None:
    with faulty("list-shows-all-boards") as c:
        other = new_board(c, sign_up(c, "other"))
        headers = sign_up(c)
        listed = c.get("/v2/boards", headers=headers).json()
        assert [board["id"] for board in listed["items"]] == [other]


def test_fault_list_total_counts_all() -> None:
    with faulty("list-total-counts-all") as c:
        new_board(c, sign_up(c, "other"))
        listed = c.get("/v2/boards", headers=sign_up(c)).json()
        assert (listed["items"], listed["total"]) == ([], 1)


def test_fault_bola_card_list() -> None:
    with faulty("bola-card-list") as c:
        owner = sign_up(c, "owner")
        board_id = new_board(c, owner)
        card_id = new_card(c, owner, board_id)
        listed = c.get(f"/v2/boards/{board_id}/cards", headers=sign_up(c, "intruder"))
        assert listed.status_code == 200
        assert [card["id"] for card in listed.json()["items"]] == [card_id]


def _claims_segment(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ").split(".")[1]


def test_fault_alg_none_accepted() -> None:
    with faulty("alg-none-accepted") as c:
        payload = _claims_segment(sign_up(c))
        header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
        unsigned = {"Authorization": f"Bearer {header}.{payload}."}
        assert c.get("/v2/accounts/self", headers=unsigned).status_code == 200
        assert c.get("/v2/accounts/self", headers={"Authorization": "Bearer x"}).status_code == 401


def test_fault_signature_unchecked() -> None:
    with faulty("signature-unchecked") as c:
        token = sign_up(c)["Authorization"].removeprefix("Bearer ")
        header, payload, _ = token.split(".")
        forged = {"Authorization": f"Bearer {header}.{payload}.AAAA"}
        assert c.get("/v2/accounts/self", headers=forged).status_code == 200


def test_fault_lookup_before_auth() -> None:
    with faulty("lookup-before-auth") as c:
        assert c.delete(f"/v2/boards/{NO_SUCH_BOARD}").status_code == 404
        board_id = new_board(c, sign_up(c))
        assert c.delete(f"/v2/boards/{board_id}").status_code == 401


def test_fault_no_challenge() -> None:
    with faulty("no-challenge") as c:
        refused = c.get("/v2/boards")
        assert refused.status_code == 401
        assert "www-authenticate" not in refused.headers


def test_fault_ignore_limit_maximum() -> None:
    with faulty("ignore-limit-maximum") as c:
        capped = c.get("/v2/boards?limit=51", headers=sign_up(c))
        assert capped.status_code == 200
        assert capped.json()["limit"] == 50


def test_fault_ignore_per_page_maximum() -> None:
    with faulty("ignore-per-page-maximum") as c:
        headers = sign_up(c)
        capped = c.get(f"/v2/boards/{new_board(c, headers)}/cards?per_page=101", headers=headers)
        assert capped.status_code == 200
        assert capped.json()["per_page"] == 100


def test_fault_uuid_parse_500() -> None:
    with faulty("uuid-parse-500") as c:
        headers = sign_up(c)
        assert c.get("/v2/boards/not-a-uuid", headers=headers).status_code == 500
        assert c.get(f"/v2/boards/{NO_SUCH_BOARD}", headers=headers).status_code == 404


def test_fault_create_returns_200() -> None:
    with faulty("create-returns-200") as c:
        assert c.post("/v2/boards", json={"name": "b"}, headers=sign_up(c)).status_code == 200


def test_fault_create_drops_description() -> None:
    with faulty("create-drops-description") as c:
        body = {"name": "b", "description": "what it is for"}
        created = c.post("/v2/boards", json=body, headers=sign_up(c))
        assert created.status_code == 201
        assert created.json()["description"] is None


def test_fault_patch_ignored() -> None:
    with faulty("patch-ignored") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers, "before")
        changed = c.patch(f"/v2/boards/{board_id}", json={"name": "after"}, headers=headers)
        assert changed.json()["name"] == "after"
        assert c.get(f"/v2/boards/{board_id}", headers=headers).json()["name"] == "before"


def test_fault_patch_keeps_updated_at() -> None:
    with faulty("patch-keeps-updated-at") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        changed = c.patch(f"/v2/boards/{board_id}", json={"name": "after"}, headers=headers)
        assert changed.json()["name"] == "after"
        assert changed.json()["updated_at"] is None


def test_fault_card_remove_noop() -> None:
    with faulty("card-remove-noop") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        path = f"/v2/boards/{board_id}/cards/{new_card(c, headers, board_id)}"
        assert c.delete(path, headers=headers).status_code == 200
        assert c.get(path, headers=headers).status_code == 200


def test_fault_card_list_skips_first() -> None:
    with faulty("card-list-skips-first") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        ids = [new_card(c, headers, board_id) for _ in range(3)]
        listed = c.get(f"/v2/boards/{board_id}/cards", headers=headers).json()
        assert ([card["id"] for card in listed["items"]], listed["total"]) == (ids[1:], 2)


def test_fault_card_move_mass_assignment() -> None:
    with faulty("card-move-mass-assignment") as c:
        headers = sign_up(c)
        first, second = new_board(c, headers), new_board(c, headers)
        card_id = new_card(c, headers, first)
        moved = c.patch(
            f"/v2/boards/{first}/cards/{card_id}", json={"board_id": second}, headers=headers
        )
        assert moved.status_code == 200
        assert c.get(f"/v2/boards/{second}/cards/{card_id}", headers=headers).status_code == 200


def test_fault_card_priority_default() -> None:
    faulty = create_app(faults={"card-priority-default"})
    with serve(faulty) as base, httpx.Client(base_url=base) as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        created = c.post(f"/v2/boards/{board_id}/cards", json={"title": "t"}, headers=headers)
        assert created.status_code == 201
        assert created.json()["priority"] == 1


def test_a_card_without_priority_gets_the_documented_default(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    created = client.post(f"/v2/boards/{board_id}/cards", json={"title": "t"}, headers=headers)
    assert created.status_code == 201
    assert created.json()["priority"] == 3


def test_fault_card_without_created_at() -> None:
    with faulty("card-without-created-at") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        card = c.get(
            f"/v2/boards/{board_id}/cards/{new_card(c, headers, board_id)}", headers=headers
        )
        assert card.status_code == 200
        assert "created_at" not in card.json()


def test_fault_problem_as_json() -> None:
    with faulty("problem-as-json") as c:
        missing = c.get(f"/v2/boards/{NO_SUCH_BOARD}", headers=sign_up(c))
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/json"


def test_fault_validation_400() -> None:
    with faulty("validation-400") as c:
        refused = c.post("/v2/boards", json={"name": ""}, headers=sign_up(c))
        assert refused.status_code == 400
        assert refused.json()["status"] == 400


def test_fault_card_without_location() -> None:
    with faulty("card-without-location") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        added = c.post(f"/v2/boards/{board_id}/cards", json={"title": "t"}, headers=headers)
        assert added.status_code == 201
        assert "location" not in added.headers


def test_every_fault_has_a_test() -> None:
    tested = {name.removeprefix("test_fault_").replace("_", "-") for name in globals()}
    assert tested >= FAULTS


def _schemathesis(app_url: str, scratch: Path) -> SchemathesisRun:
    with httpx.Client(base_url=app_url) as client:
        token = sign_up(client)["Authorization"].removeprefix("Bearer ")
    # Closing the account would end the token for every request after it; it is tested above.
    return run_schemathesis(
        f"{app_url}/v2/spec.json",
        app_url,
        token,
        scratch=scratch,
        exclude_operations=["closeAccount"],
    )


@pytest.mark.slow
def test_schemathesis_finds_nothing_on_the_clean_app(url: str, tmp_path: Path) -> None:
    run = _schemathesis(url, tmp_path)
    assert run.exit_code == 0, run.explain()
    assert "No issues found" in run.output, run.explain()
    assert "Tested: 13" in run.output, run.explain()


@pytest.mark.slow
def test_the_same_schemathesis_run_catches_a_planted_fault(tmp_path: Path) -> None:
    with serve(create_app(faults={"delete-noop"})) as base:
        run = _schemathesis(base, tmp_path)
    assert run.exit_code == 1, run.explain()
    assert "Deleted resource still available" in run.output, run.explain()


def _done_card(client: httpx.Client, headers: dict[str, str], board_id: str) -> str:
    created = client.post(
        f"/v2/boards/{board_id}/cards", json={"title": "t", "done": True}, headers=headers
    )
    assert created.status_code == 201, created.text
    card_id: str = created.json()["id"]
    return card_id


def test_done_lists_only_the_cards_holding_it(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    open_card, done_card = (
        new_card(client, headers, board_id),
        _done_card(client, headers, board_id),
    )
    url = f"/v2/boards/{board_id}/cards"
    done = client.get(url, params={"done": "true"}, headers=headers).json()
    assert [card["id"] for card in done["items"]] == [done_card] and done["total"] == 1
    left = client.get(url, params={"done": "false"}, headers=headers).json()
    assert [card["id"] for card in left["items"]] == [open_card]
    assert client.get(url, headers=headers).json()["total"] == 2
    assert client.get(url, params={"done": "yes"}, headers=headers).status_code == 422
    assert client.get(url, params={"done": "1"}, headers=headers).status_code == 422


def test_fault_done_filter_ignored() -> None:
    with faulty("done-filter-ignored") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        new_card(c, headers, board_id)
        _done_card(c, headers, board_id)
        done = c.get(f"/v2/boards/{board_id}/cards", params={"done": "true"}, headers=headers)
        assert done.status_code == 200
        assert {card["done"] for card in done.json()["items"]} == {True, False}


def test_a_deleted_boards_cards_are_gone(client: httpx.Client) -> None:
    headers = sign_up(client)
    board_id = new_board(client, headers)
    card_id = new_card(client, headers, board_id)
    assert client.delete(f"/v2/boards/{board_id}", headers=headers).status_code == 204
    card = client.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=headers)
    assert card.status_code == 404
    assert client.get(f"/v2/boards/{board_id}/cards", headers=headers).status_code == 404


def test_fault_cards_outlive_board() -> None:
    with faulty("cards-outlive-board") as c:
        headers = sign_up(c)
        board_id = new_board(c, headers)
        card_id = new_card(c, headers, board_id)
        assert c.delete(f"/v2/boards/{board_id}", headers=headers).status_code == 204
        assert c.get(f"/v2/boards/{board_id}", headers=headers).status_code == 404
        card = c.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=headers)
        assert card.status_code == 200 and card.json()["id"] == card_id
        # Another account still cannot reach it.
        other = c.get(f"/v2/boards/{board_id}/cards/{card_id}", headers=sign_up(c, "other"))
        assert other.status_code == 404
